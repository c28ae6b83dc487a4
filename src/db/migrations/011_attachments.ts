import type { Kysely } from 'kysely';
import { idColumn, type MigrationContext } from '../migration-helpers.ts';

export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  // Text attachments of posts (and of drafts held for the community team). The text is kept in
  // the database: the same Kysely code on SQLite and PostgreSQL, in the same transaction as the
  // post. Exactly one of post_id / held_draft_id is set.
  await db.schema
    .createTable('attachments')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('post_id', 'integer', (c) => c.references('posts.id').onDelete('cascade'))
    .addColumn('held_draft_id', 'integer', (c) => c.references('held_drafts.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('byte_size', 'integer', (c) => c.notNull()) // UTF-8 bytes of the stored (possibly masked) text
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // The topic page loads the attachments of its posts with one `post_id in (...)` lookup.
  await db.schema.createIndex('attachments_post').on('attachments').columns(['post_id', 'position']).execute();
  await db.schema.createIndex('attachments_held').on('attachments').columns(['held_draft_id', 'position']).execute();
  // A masked attachment's original is kept like a masked post's: moderators only, purged on time.
  await db.schema.alterTable('masked_originals').addColumn('attachment_name', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('masked_originals').dropColumn('attachment_name').execute();
  await db.schema.dropTable('attachments').execute();
}
