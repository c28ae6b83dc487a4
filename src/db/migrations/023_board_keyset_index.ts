import { sql, type Kysely } from 'kysely';

// Board pages by key (src/community/list-board-topics.ts) order "newest" by (created_at, id) so
// that pages never overlap on equal times; with the id in the index a keyed page of that order
// is one index range too. Replaces migration 012's (board_id, created_at desc).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('topics_board_newest_key')
    .on('topics')
    .expression(sql`board_id, created_at desc, id desc`)
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
  await db.schema.dropIndex('topics_board_newest').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('topics_board_newest')
    .on('topics')
    .expression(sql`board_id, created_at desc`)
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
  await db.schema.dropIndex('topics_board_newest_key').execute();
}
