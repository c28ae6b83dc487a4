import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

// SQLite: the board list's kudos of each listed topic's first post (list-board-topics.ts) from a
// small index of first posts with kudos, as PostgreSQL has had since migration 026. Through
// (topic_id, post_number) each of the page's 30 topics cost a probe into the index of every post
// and a read of the post's row, scattered over the table: ~40 % of the listing statement (session
// 31: 148–204 → 87–114 µs a page over every board's pages 1, 2, 5 and 20 of the 1 M-post
// benchmark). kudos_count is in the index, so the look-up reads no row. SQLite's planner still
// prefers the two-column equality, so the statement names this index (INDEXED BY).
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect !== 'sqlite') return;
  await sql`create index posts_first_post_kudos on posts (topic_id, kudos_count) where post_number = 1 and kudos_count > 0`.execute(db);
}

export async function down(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect !== 'sqlite') return;
  await sql`drop index posts_first_post_kudos`.execute(db);
}
