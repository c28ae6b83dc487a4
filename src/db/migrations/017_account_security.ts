import type { Kysely } from 'kysely';

// Sign-in failures are counted per account AND per client (a hash of the client's address or of
// its device cookie), so that a stranger's failures slow the stranger down, not the owner.
// Rows from before this migration have no client and no longer count.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sign_in_failures').addColumn('client', 'text').execute();
  await db.schema.createIndex('sign_in_failures_user_client').on('sign_in_failures').columns(['user_id', 'client', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sign_in_failures_user_client').execute();
  await db.schema.alterTable('sign_in_failures').dropColumn('client').execute();
}
