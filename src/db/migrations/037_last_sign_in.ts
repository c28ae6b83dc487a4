import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

// When an account last signed in: a password sign-in from a browser the account has not used
// before, on an account that has signed in before, e-mails its owner (new-sign-in-notice.ts).
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('users').addColumn('last_sign_in_at', 'text').execute();
}

export async function down(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('users').dropColumn('last_sign_in_at').execute();
}
