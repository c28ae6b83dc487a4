import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

// Moving, merging or splitting topics used to leave a board's "latest" (boards.last_topic_id and
// last_post_at, the home page's card) naming a topic that had left it — on the home page of every
// reader of the old board, even when the topic had gone to a staff board — and the new board's
// not naming the topic that came in. src/moderation/reorganize-topics.ts now sets both boards'
// (src/community/board-latest.ts); this sets them once for every board whose latest is not its
// newest live topic. Same statement on SQLite and PostgreSQL.
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  const newest = (column: 'id' | 'last_post_at') =>
    sql`(select t.${sql.ref(column)} from topics t where t.board_id = boards.id and t.deleted_at is null order by t.last_post_at desc, t.id desc limit 1)`;
  await sql`
    update boards set last_topic_id = ${newest('id')}, last_post_at = ${newest('last_post_at')}
    where last_topic_id is distinct from ${newest('id')}`.execute(db);
}

export async function down(): Promise<void> {
  // Nothing to undo: the pointers are right either way.
}
