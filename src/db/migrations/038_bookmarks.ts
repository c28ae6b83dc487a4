import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

// Saved posts ("bookmarks"): a reader keeps a post to come back to, with an optional note of
// their own and an optional reminder (remind_at: a notification then, once). Private to the reader. Listed newest first by (user_id, created_at, post_id), the
// keyset the saved-posts page pages by.
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('bookmarks')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('post_id', 'integer', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('remind_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('bookmarks_pk', ['user_id', 'post_id'])
    .execute();
  await db.schema.createIndex('bookmarks_by_user_newest').on('bookmarks').columns(['user_id', 'created_at', 'post_id']).execute();
  // The reminders due, found by the minute's sweep (send-bookmark-reminders.ts).
  await db.schema.createIndex('bookmarks_reminders_due').on('bookmarks').column('remind_at').execute();
  await db.schema.createIndex('bookmarks_by_post').on('bookmarks').column('post_id').execute();
}

export async function down(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.dropTable('bookmarks').execute();
}
