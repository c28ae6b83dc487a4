import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await repairBoardLatest(db);
  // A thread's notices (moved, merged, split) as a catalogue key and its values (JSON), put in the
  // reader's language when shown (src/moderation/reorganize-topics.ts); `text` keeps the English
  // words, and is all that older rows have (they are shown as they are).
  await db.schema.alterTable('topic_notices').addColumn('notice_key', 'text').execute();
  await db.schema.alterTable('topic_notices').addColumn('notice_params', 'text').execute();
  // Who hid a post when a moderator decided to hide it (src/moderation/decide-item.ts); null while it
  // is only waiting for review (hidden by reports, or an edit held back), so its note says which.
  await db.schema.alterTable('posts').addColumn('hidden_by', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  // The boards' latest: nothing to undo (the pointers are right either way).
  await db.schema.alterTable('posts').dropColumn('hidden_by').execute();
  await db.schema.alterTable('topic_notices').dropColumn('notice_params').execute();
  await db.schema.alterTable('topic_notices').dropColumn('notice_key').execute();
}

/**
 * Moving, merging or splitting topics used to leave a board's "latest" (boards.last_topic_id and
 * last_post_at, the home page's card) naming a topic that had left it — on the home page of every
 * reader of the old board, even when the topic had gone to a staff board — and the new board's
 * not naming the topic that came in. src/moderation/reorganize-topics.ts now sets both boards'
 * (src/community/board-latest.ts); this sets them once for every board whose latest is not its
 * newest live topic. Same statement on SQLite and PostgreSQL.
 */
export async function repairBoardLatest(db: Kysely<any>): Promise<void> {
  const newest = (column: 'id' | 'last_post_at') =>
    sql`(select t.${sql.ref(column)} from topics t where t.board_id = boards.id and t.deleted_at is null order by t.last_post_at desc, t.id desc limit 1)`;
  await sql`
    update boards set last_topic_id = ${newest('id')}, last_post_at = ${newest('last_post_at')}
    where last_topic_id is distinct from ${newest('id')}`.execute(db);
}
