import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

// A board's earlier addresses: when a community manager changes a board's slug, links to the old
// /b/<slug> pages (bookmarks, search engines, other sites) redirect to the new one instead of
// answering 404. A slug taken again by a board is no longer an old address.
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('board_slug_history')
    .addColumn('slug', 'text', (c) => c.primaryKey())
    .addColumn('board_id', 'integer', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('board_slug_history_board').on('board_slug_history').column('board_id').execute();
}

export async function down(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.dropTable('board_slug_history').execute();
}
