import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

// PostgreSQL: the board page's one statement (src/community/board-page-postgres.ts) reads the
// kudos of each listed topic's first post, only where there are some. Through (topic_id,
// post_number) that was 30 index probes into the posts' whole index on every board page (~0.26 ms
// of the statement's ~2 ms under EXPLAIN ANALYZE); this partial index holds first posts with
// kudos only, so the look-up is one small index. SQLite got its own in migration 040 (it was
// thought free there, and was ~40 % of the listing statement).
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect !== 'postgres') return;
  await sql`create index posts_first_post_kudos on posts (topic_id) where post_number = 1 and kudos_count > 0`.execute(db);
}

export async function down(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect !== 'postgres') return;
  await sql`drop index posts_first_post_kudos`.execute(db);
}
