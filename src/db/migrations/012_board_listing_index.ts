import { sql, type Kysely } from 'kysely';

// A board page lists live topics, pinned first, by latest activity (or newest first). Over only
// the topics that are not deleted, these indexes hold everything that choosing a page's 30 ids
// needs, so skipping to a deep page (OFFSET) can walk the index alone (SQLite and PostgreSQL
// both have partial indexes). SQLite still read each skipped row for the query's own
// `deleted_at is null` until migration 027 put that column into the index. Without the second, SQLite would sort a board by creation through the
// first; without the third, the home page's latest topics (all boards, by activity) would be
// sorted through the first instead of read newest-first from an index and stopped after ten.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('topics_board_listing')
    .on('topics')
    .expression(sql`board_id, pinned desc, last_post_at desc, id desc`)
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('topics_board_newest')
    .on('topics')
    .expression(sql`board_id, created_at desc`)
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
  await db.schema
    .createIndex('topics_live_activity')
    .on('topics')
    .expression(sql`last_post_at desc`)
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
}
