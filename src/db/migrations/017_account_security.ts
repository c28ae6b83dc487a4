import type { Kysely } from 'kysely';
import { idColumn, type MigrationContext } from '../migration-helpers.ts';

// Sign-in failures are counted per account AND per client (a hash of the client's address or of
// its device cookie), so that a stranger's failures slow the stranger down, not the owner.
// Rows from before this migration have no client and no longer count.
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('sign_in_failures').addColumn('client', 'text').execute();
  await db.schema.createIndex('sign_in_failures_user_client').on('sign_in_failures').columns(['user_id', 'client', 'at']).execute();
  // Failures on logins that match no account are throttled the same way (keyed by a hash of the
  // login), so that being slowed down does not tell which addresses have an account.
  await db.schema
    .createTable('sign_in_failures_unknown')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('login_hash', 'text', (c) => c.notNull())
    .addColumn('client', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sign_in_failures_unknown_login').on('sign_in_failures_unknown').columns(['login_hash', 'client', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sign_in_failures_unknown').execute();
  await db.schema.dropIndex('sign_in_failures_user_client').execute();
  await db.schema.alterTable('sign_in_failures').dropColumn('client').execute();
}
