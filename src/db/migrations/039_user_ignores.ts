import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

// People a member ignores (src/accounts/ignore-user.ts): their posts are folded away on the
// member's topic pages, and what they do notifies the member of nothing. Private to the member.
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('user_ignores')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('ignored_user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_ignores_pk', ['user_id', 'ignored_user_id'])
    .execute();
  // Notifications ask "who, of these recipients, ignores the one who acted?".
  await db.schema.createIndex('user_ignores_by_ignored').on('user_ignores').columns(['ignored_user_id', 'user_id']).execute();
}

export async function down(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.dropTable('user_ignores').execute();
}
