// A board page (the default order, no tag) on PostgreSQL in one round trip (issue 19): the board,
// its page of topics (by offset or by key, list-board-topics.ts), their tags and their authors'
// cards, as one statement with JSON columns, instead of four queries; with them the kudos of each
// topic's first post, and for a signed-in reader what they read of each topic, whether they watch
// the board and the header's counts (`extra`): the page is the session plus this statement.
// Filtered views (a tag, unanswered, solved) also need a count and keep the separate queries.
import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import { cachedPageAuthors, rememberPageAuthors, type AuthorCard } from '../accounts/find-user.ts';
import { executeNamed, extraColumns, unseenByPlanner, type ExtraColumns } from '../db/named-statements.ts';
import type { BoardsTable, DB, Role, TopicKind } from '../db/schema.ts';
import type { WatchLevel } from '../notifications/watch.ts';
import type { KnownStart } from './page-directory.ts';

export interface BoardPageTopic {
  id: number; slug: string; title: string; kind: TopicKind; pinned: number; locked: number; closed: number; solved_post_id: number | null;
  post_count: number; view_count: number; created_at: string; last_post_at: string; author_id: number; last_user_id: number;
}

interface BundleRow extends Selectable<BoardsTable> {
  page_topics: BoardPageTopic[];
  page_tags: { topic_id: number; tag: string }[];
  authors: { id: number; username: string; display_name: string; deleted_at: string | null; avatar: string | null; roles: Role[] }[];
  first_kudos: [number, number][];
  reads?: [number, number][];
  watch_level?: string | null;
  page_extras?: Record<string, unknown>;
}

const PER_PAGE = 30;

type Start = { offset: number; known?: KnownStart | null } | { after: unknown[] } | { before: unknown[] };

function pageIds(start: Start): RawBuilder<unknown> {
  // The board id as a scalar subquery (an InitPlan), not a join: PostgreSQL then walks the listing
  // index in order from the key and stops after a page, instead of sorting the whole board.
  const live = sql`t.board_id = (select id from b) and t.deleted_at is null`;
  const desc = sql`order by t.pinned desc, t.last_post_at desc, t.id desc limit ${sql.lit(PER_PAGE)}`;
  // An offset past the board's count reads nothing: the condition is on the board row alone, so
  // PostgreSQL never starts the index scan (a forged ?page=1000000 costs one row).
  // The offset out of the planner's sight too (unseenByPlanner): with it visible, every view was planned anew.
  if ('offset' in start) {
    const offset = unseenByPlanner(start.offset, 'integer');
    const byOffset = (unless = sql``) => sql`select t.id from topics t where ${live} and ${offset} < (select greatest(topic_count, 1) from b) ${unless} ${desc} offset ${offset}`;
    if (!start.known) return byOffset();
    // From the page's first topic (the page directory, page-directory.ts) if the board is still
    // the one and at the version that key was seen at; else by offset. Both conditions are on the
    // board row alone (one-time filters), so PostgreSQL runs one branch and never starts the other's scan.
    const { boardId, version, key } = start.known;
    const holds = sql`(select id from b) = ${unseenByPlanner(boardId, 'integer')} and (select listing_version from b) = ${unseenByPlanner(version, 'integer')}`;
    return sql`(select t.id from topics t where ${live} and ${holds} and (t.pinned, t.last_post_at, t.id) <= ${opaqueKey(key)} ${desc})
      union all (${byOffset(sql`and not (${holds})`)})`;
  }
  if ('after' in start) return sql`select t.id from topics t where ${live} and (t.pinned, t.last_post_at, t.id) < ${opaqueKey(start.after)} ${desc}`;
  const back = opaqueKey(start.before);
  return sql`select t.id from topics t where ${live} and (t.pinned, t.last_post_at, t.id) > ${back} order by t.pinned, t.last_post_at, t.id limit ${sql.lit(PER_PAGE)}`;
}

// A page key's values out of the planner's sight (unseenByPlanner). With them visible it estimated
// one row below any key (a row comparison is estimated on its first column, `pinned`), found that
// custom plan 20× cheaper than the generic one, and planned the statement again on every page view.
function opaqueKey([pinned, lastPostAt, id]: unknown[]): RawBuilder<unknown> {
  return sql`(${unseenByPlanner(pinned, 'integer')}, ${unseenByPlanner(lastPostAt, 'text')}, ${unseenByPlanner(id, 'integer')})`;
}

/** The board row with its page; undefined when there is no such board. `opts.readerId`: also that
 * signed-in reader's reads of the page's topics and watch level; `opts.extra`: more columns. */
export async function readBoardPage(db: Kysely<DB>, slug: string, start: Start, opts: { readerId?: number; extra?: ExtraColumns | null } = {}) {
  // The reader's [topic id, last post number read] for the page's topics (as unreadByTopic), and
  // their watch level for the board (as watchLevel).
  const reader = opts.readerId ? sql`,
  (select coalesce(json_agg(json_build_array(r.topic_id, r.last_read_post_number)), '[]') from topic_reads r
     where r.user_id = ${opts.readerId} and r.topic_id in (select id from ids)) as reads,
  (select w.level from watches w where w.user_id = ${opts.readerId} and w.target = 'board' and w.target_id = b.id) as watch_level` : sql``;
  // The cards still fresh of the authors this page had when last read: the statement skips them
  // (60 users with their roles as JSON were ~40 % of PostgreSQL's time for the statement). The
  // known ids are left out before the users' index is probed, not after: a page whose cards are all
  // known probed it 60 times for nothing (× 1.2–1.4 statements/s in pgbench). The ids out of the
  // planner's sight (unseenByPlanner): with the array visible, PostgreSQL planned the statement
  // again on every view (~1 ms, more than running it: half of PostgreSQL's CPU for a board page).
  const pageKey = `board:${slug}:${JSON.stringify('offset' in start ? start.offset : start)}`;
  const cards = cachedPageAuthors(db, pageKey);
  const known = [...cards.keys()];
  const { rows } = await executeNamed(db, sql<BundleRow>`
with b as (select * from boards where slug = ${slug}),
ids as (${pageIds(start)}),
page as (
  select t.id, t.slug, t.title, t.kind, t.pinned, t.locked, t.closed, t.solved_post_id, t.post_count, t.view_count, t.created_at, t.last_post_at,
    t.user_id as author_id, t.last_post_user_id as last_user_id
  from topics t where t.id in (select id from ids)
)
select b.*,
  (select coalesce(json_agg(page order by page.pinned desc, page.last_post_at desc, page.id desc), '[]') from page) as page_topics,
  (select coalesce(json_agg(x order by x.tag), '[]') from (select topic_id, tag from topic_tags where topic_id in (select id from ids)) x) as page_tags,
  (select coalesce(json_agg(x), '[]') from (select u.id, u.username, u.display_name, u.deleted_at, u.avatar,
     coalesce((select json_agg(r.role) from user_roles r where r.user_id = u.id), '[]') as roles
     from users u where u.id in (select a.id from (select author_id as id from page union select last_user_id from page) a where a.id <> all(${unseenByPlanner(known, 'integer[]')}))) x) as authors,
  (select coalesce(json_agg(json_build_array(p.topic_id, p.kudos_count)), '[]') from posts p
     where p.topic_id in (select id from ids) and p.post_number = 1 and p.kudos_count > 0) as first_kudos${reader}${extraColumns(opts.extra, 'page_extras')}
from b`);
  const row = rows[0];
  if (!row) return undefined;
  const { page_topics, page_tags, authors, first_kudos, reads, watch_level, page_extras, ...board } = row;
  const read = new Map<number, AuthorCard>();
  for (const u of authors) read.set(u.id, { username: u.username, display_name: u.display_name, user_deleted: u.deleted_at, avatar: u.avatar, roles: u.roles });
  rememberPageAuthors(db, pageKey, read, page_topics.flatMap((t) => [t.author_id, t.last_user_id]));
  for (const [id, card] of read) cards.set(id, card);
  return {
    board, topics: page_topics, tags: page_tags, cards, kudos: new Map(first_kudos),
    reads: reads ?? null, watch: (watch_level as WatchLevel | null | undefined) ?? 'default', extra: page_extras ?? null,
  };
}
