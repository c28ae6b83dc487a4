import { sql, type Compilable, type Kysely, type SelectQueryBuilder } from 'kysely';
import { authorCards, type AuthorCard } from '../accounts/find-user.ts';
import type { DB } from '../db/schema.ts';
import { P1, P2, P3, P4, preparedQuery, S1, S2 } from '../db/prepared.ts';
import { can, hidesBoard, type Actor } from '../policy/policy.ts';
import { NotFoundError, text, UserError } from '../shared/errors.ts';
import { tagsFromList } from './tags.ts';
import { readBoardPage } from './board-page-postgres.ts';
import { knownBoardStart, pageFirstKey, rememberBoardId, rememberPageFirst } from './page-directory.ts';
import { onPostgres } from './topic-page-postgres.ts';
import { unreadByTopic, unreadFrom } from '../notifications/tracking.ts';
import { watchLevel } from '../notifications/watch.ts';
import { unseenByPlanner, type ExtraColumns } from '../db/named-statements.ts';

export const TOPICS_PER_PAGE = 30;
export const SORTS = ['latest', 'newest', 'unanswered', 'solved'] as const;
export type Sort = (typeof SORTS)[number];

/**
 * Where a page starts: by number (`?page=N`, an OFFSET over the listing index alone, for a first
 * visit or a typed URL), or by key: after the last topic of the page before it (`after`), or
 * before the first topic of the page after it (`before`). Keyed pages cost the same at any depth
 * (an index range), and the pages' own Next/Previous links are keyed, so readers and crawlers
 * walking a board never pay for the offset.
 */
export type PageStart = { after: string } | { before: string } | null;

/**
 * A board page: its topics, pinned first then by latest activity, one page at a time, with the
 * kudos of each topic's first post. `opts.reader`: also the signed-in reader's unread posts per
 * topic and whether they watch the board; `opts.extra`: more columns for the one statement on
 * PostgreSQL (the header's counts), their values in `extra` (null when read query by query).
 */
export async function listBoardTopics(
  db: Kysely<DB>, actor: Actor | null, boardSlug: string, page: number, sort: Sort = 'latest', tag?: string, start: PageStart = null,
  opts: { oneRoundTrip?: boolean; reader?: boolean; extra?: ExtraColumns | null } = {},
) {
  // A cursor is checked before any query: a forged one is a 400, never a scan.
  const key = start ? decodeCursor(sort, 'after' in start ? start.after : start.before) : null;
  if (start && page < 2) throw new UserError(text('community:errors.pageLinkKeyed'), 400);
  // "latest" without a tag is the common case: its count is kept on the board row.
  const filtered = sort === 'unanswered' || sort === 'solved' || !!tag;
  // On PostgreSQL that case is one statement (board-page-postgres.ts); its parts are used below
  // where their own queries would run. A board the actor may not see is read, then refused.
  const reader = opts.reader ? actor : null;
  // A page by number of the default order starts from its first topic's key when the board's page
  // directory knows it for the board's current listing (page-directory.ts); on PostgreSQL the
  // statement checks that the version still holds and reads by offset otherwise.
  const directory = !start && sort === 'latest' && !tag && page >= 2;
  const oneStatement = sort === 'latest' && !tag && (opts.oneRoundTrip ?? onPostgres(db));
  const known = oneStatement && directory ? knownBoardStart(db, boardSlug, page) : null;
  const read = oneStatement
    ? await readBoardPage(db, boardSlug, !start ? { offset: (page - 1) * TOPICS_PER_PAGE, known } : 'after' in start ? { after: key! } : { before: key! }, { readerId: reader?.id, extra: opts.extra })
    : null;
  const [board] = read ? [read.board] : read === undefined ? [] : await boardQuery(db, boardSlug);
  // A board the actor may not see looks like no board at all: its name is not public either.
  if (!board || hidesBoard(actor, board)) throw new NotFoundError(text('community:errors.noSuchBoard'));
  if (!can(actor, 'board.view', board)) throw new UserError(text('community:errors.membersOnlyBoard'), 401);

  const total = filtered ? Number((await countQueries(sort, !!tag)(db, board.id, tag ?? ''))[0]?.n ?? 0) : board.topic_count;
  const pageCount = Math.max(1, Math.ceil(total / TOPICS_PER_PAGE));
  if (page > pageCount) throw new NotFoundError(text('community:errors.noSuchBoardPage'));
  // SQLite: the page from its first topic's key when the directory knows it for this listing
  // version, else by offset (PostgreSQL: the statement above did the same).
  const firstKey = directory && !read ? pageFirstKey(db, board.id, board.listing_version, page) : null;
  const queries = listingQueries(sort, !!tag, firstKey ? 'from' : !start ? 'offset' : 'after' in start ? 'after' : 'before');
  const where = key ?? firstKey ?? [(page - 1) * TOPICS_PER_PAGE];
  const rows = read ? read.topics : await queries.topics(db, board.id, tag ?? '', where);
  // The page's first topic, for the next view of this page by number.
  if (directory && rows[0]) {
    if (read) rememberBoardId(db, boardSlug, board.id);
    rememberPageFirst(db, board.id, board.listing_version, page, rows[0]);
  }
  // A keyed page past the end (topics moved or were deleted since the link was made).
  if (!rows.length && page > 1) throw new NotFoundError(text('community:errors.noSuchBoardPage'));
  // Names and badges from the authors' cards (cached, as on the topic page) rather than two joins
  // with users: those were 60 scattered row reads per page, most of the page's query time.
  const cards = read ? read.cards : await authorCards(db, rows.flatMap((t) => [t.author_id, t.last_user_id]));
  const topics = rows.map((t) => withNames(t, cards.get(t.author_id), cards.get(t.last_user_id)));
  const roles = new Map([...cards].map(([id, card]) => [id, card.roles]));
  const tags = new Map<number, string[]>();
  if (read) {
    for (const r of read.tags) {
      const list = tags.get(r.topic_id);
      if (list) list.push(r.tag);
      else tags.set(r.topic_id, [r.tag]);
    }
  } else {
    for (const t of rows as ListedTopic[]) if (t.tag_list) tags.set(t.id, tagsFromList(t.tag_list));
  }
  // Kudos in the list (the Ideas board votes with them); signed-in readers: unread posts per topic
  // they opened, and whether they watch the board.
  const kudos = read ? read.kudos : new Map((rows as ListedTopic[]).filter((t) => Number(t.first_kudos) > 0).map((t) => [t.id, Number(t.first_kudos)]));
  const unread = !reader ? null : read ? unreadFrom(topics, read.reads ?? []) : await unreadByTopic(db, reader, topics);
  const watch = !reader ? null : read ? read.watch : await watchLevel(db, reader, 'board', board.id);
  // The keys of this page's first and last topics: the Previous and Next links start there.
  const first = rows[0];
  const last = rows.at(-1);
  return {
    board, topics, roles, tags, page, pageCount, sort, tag: tag ?? null,
    before: first && page > 2 ? encodeCursor(sort, first) : null,
    after: last && page < pageCount ? encodeCursor(sort, last) : null,
    kudos, unread, watch,
    extra: read?.extra ?? null,
  };
}

// The listing's queries, compiled once per sort, tag filter and way of starting a page
// (src/db/prepared.ts): Kysely building and compiling them on every view cost as much as running them.
const boardQuery = preparedQuery([S1] as [string], (db, slug) => db.selectFrom('boards').selectAll().where('slug', '=', slug));

type Mode = 'offset' | 'after' | 'before' | 'from';
type ListingQueries = ReturnType<typeof makeListingQueries>;
const listings = new Map<string, ListingQueries>();
function listingQueries(sort: Sort, tagged: boolean, mode: Mode): ListingQueries {
  const k = `${sort}:${tagged}:${mode}`;
  let queries = listings.get(k);
  if (!queries) listings.set(k, (queries = makeListingQueries(sort, tagged, mode)));
  return queries;
}

// PostgreSQL: the board id and the offset out of the planner's sight (unseenByPlanner),
// and the page size a literal (a LIMIT it cannot see is planned for 10 % of the rows). With them
// visible, a custom plan for this board and offset looked cheaper than the generic plan, so the
// filtered views (newest, solved, a tag) were planned again on every view (~0.45 ms, as long as running them).
const PAGE_LIMIT = sql.lit(TOPICS_PER_PAGE);
const opaque = (db: Kysely<DB>, value: number) => (onPostgres(db) ? unseenByPlanner<number>(value, 'integer') : value);

const inBoard = (db: Kysely<DB>, sort: Sort, boardId: number, tag: string | undefined) =>
  db.selectFrom('topics').where('topics.board_id', '=', opaque(db, boardId)).where('topics.deleted_at', 'is', null).$call((qb) => filter(qb, sort, tag));

const counts = new Map<string, (db: Kysely<DB>, boardId: number, tag: string) => Promise<{ n: number }[]>>();
function countQueries(sort: Sort, tagged: boolean) {
  const k = `${sort}:${tagged}`;
  let q = counts.get(k);
  if (!q) {
    const count = (db: Kysely<DB>, boardId: number, tag?: string) => inBoard(db, sort, boardId, tag).select((eb) => eb.fn.countAll<number>().as('n'));
    if (tagged) q = preparedQuery([P1, S1] as [number, string], count);
    else {
      const untagged = preparedQuery([P1] as [number], (db, boardId) => count(db, boardId));
      q = (db, boardId) => untagged(db, boardId);
    }
    counts.set(k, q);
  }
  return q;
}

/** The columns a sort orders by, most significant first, all descending; the id breaks ties. */
function keyColumns(sort: Sort) {
  if (sort === 'latest') return ['topics.pinned', 'topics.last_post_at', 'topics.id'] as const;
  if (sort === 'newest') return ['topics.created_at', 'topics.id'] as const;
  return ['topics.last_post_at', 'topics.id'] as const;
}

function makeListingQueries(sort: Sort, tagged: boolean, mode: Mode) {
  const columns = keyColumns(sort);
  // Placeholders for a page's start: an offset, or the key's values (pinned, time, id).
  const startPlaceholders: unknown[] = mode === 'offset' ? [P2] : sort === 'latest' ? [P3, S2, P4] : [S2, P4];
  // A deferred join: the page's ids first (from the index alone for the default order, see
  // migrations 012 and 023), then their rows and authors. Joining first made a deep page read and
  // join every topic it skipped. A keyed page compares the row value (pinned, time, id) with the
  // key: one index range in SQLite and PostgreSQL, whatever the depth.
  const pageIds = (db: Kysely<DB>, boardId: number, tag: string | undefined, start: unknown[]) => {
    const q = inBoard(db, sort, boardId, tag).select('topics.id');
    if (mode === 'offset') return ordered(q, sort).limit(PAGE_LIMIT).offset(opaque(db, start[0] as number));
    const row = sql`(${sql.join(columns.map((c) => sql.ref(c)))})`;
    const key = sql`(${sql.join(start)})`;
    if (mode === 'after') return ordered(q.where(sql<boolean>`${row} < ${key}`), sort).limit(PAGE_LIMIT);
    // From a page's own first topic on (a page by number from the page directory).
    if (mode === 'from') return ordered(q.where(sql<boolean>`${row} <= ${key}`), sort).limit(PAGE_LIMIT);
    // Backwards from the key, nearest first; the outer query puts the page back in order.
    return q.where(sql<boolean>`${row} > ${key}`).$call((qb) => columns.reduce((acc, c) => acc.orderBy(c, 'asc'), qb)).limit(PAGE_LIMIT);
  };
  // Each topic's tags and its first post's kudos come along as two more columns (a lookup per
  // listed topic), not as two more statements: those repeated the page's id range and built an
  // IN list, ~25 % of a board page's time on SQLite. The kudos come from the small index of first
  // posts with kudos (migrations 026 and 040; no kudos reads as none); SQLite is told to use it,
  // as its planner prefers the index of every post.
  const topics = (db: Kysely<DB>, boardId: number, tag: string | undefined, start: unknown[]) =>
    db
      .selectFrom('topics')
      .select([
        'topics.id', 'topics.slug', 'topics.title', 'topics.kind', 'topics.pinned', 'topics.locked', 'topics.closed',
        'topics.solved_post_id', 'topics.post_count', 'topics.view_count', 'topics.created_at', 'topics.last_post_at',
        'topics.user_id as author_id', 'topics.last_post_user_id as last_user_id',
        sql<number | null>`(select p.kudos_count from posts p ${onPostgres(db) ? sql`` : sql`indexed by posts_first_post_kudos `}where p.topic_id = topics.id and p.post_number = 1 and p.kudos_count > 0)`.as('first_kudos'),
        (onPostgres(db)
          ? sql<string | null>`(select string_agg(tt.tag, chr(31)) from topic_tags tt where tt.topic_id = topics.id)`
          : sql<string | null>`(select group_concat(tt.tag, char(31)) from topic_tags tt where tt.topic_id = topics.id)`).as('tag_list'),
      ])
      .where('topics.id', 'in', pageIds(db, boardId, tag, start))
      .$call((qb) => ordered(qb, sort));

  // Each query takes the board id, the tag (when filtered) and the start's values, in that order.
  const placeholders = [P1, ...(tagged ? [S1] : []), ...startPlaceholders];
  const prepare = <Row>(build: (db: Kysely<DB>, boardId: number, tag: string | undefined, start: unknown[]) => Compilable<Row>) => {
    const run = preparedQuery(placeholders as unknown[], (db, ...args: unknown[]) =>
      tagged ? build(db, args[0] as number, args[1] as string, args.slice(2)) : build(db, args[0] as number, undefined, args.slice(1)));
    return (db: Kysely<DB>, boardId: number, tag: string, start: unknown[]) => (tagged ? run(db, boardId, tag, ...start) : run(db, boardId, ...start));
  };
  return { topics: prepare(topics) };
}

// A cursor is the key of a topic as base64url JSON: [pinned, time, id] for the default order,
// [time, id] for the others. Only the key's shape is trusted: any values make an index range.
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

function encodeCursor(sort: Sort, t: { pinned: number; last_post_at: string; created_at: string; id: number }): string {
  const key = sort === 'latest' ? [t.pinned ? 1 : 0, t.last_post_at, t.id] : [sort === 'newest' ? t.created_at : t.last_post_at, t.id];
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(sort: Sort, cursor: string): unknown[] {
  let key: unknown;
  try {
    key = cursor.length <= 200 && /^[A-Za-z0-9_-]+$/.test(cursor) ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
  } catch {
    key = null;
  }
  const k = Array.isArray(key) ? key : [];
  const id = k.at(-1);
  const time = k.at(-2);
  const ok = k.length === (sort === 'latest' ? 3 : 2) && Number.isSafeInteger(id) && (id as number) >= 1 && (id as number) <= 2_147_483_647 &&
    typeof time === 'string' && TIME.test(time) && (sort !== 'latest' || k[0] === 0 || k[0] === 1);
  if (!ok) throw new UserError(text('community:errors.pageLinkBroken'), 400);
  return k;
}

type ListedTopic = Awaited<ReturnType<ListingQueries['topics']>>[number];

// Spelled out rather than spread (see show-topic.ts); an unknown card shows as a deleted user.
function withNames(t: Omit<ListedTopic, 'first_kudos' | 'tag_list'>, author: AuthorCard | undefined, last: AuthorCard | undefined) {
  return {
    id: t.id, slug: t.slug, title: t.title, kind: t.kind, pinned: t.pinned, locked: t.locked, closed: t.closed, solved_post_id: t.solved_post_id,
    post_count: t.post_count, view_count: t.view_count, created_at: t.created_at, last_post_at: t.last_post_at,
    author_id: t.author_id, author_username: author?.username ?? '', author_name: author?.display_name ?? '', author_deleted: author ? author.user_deleted : 'unknown', author_avatar: author?.avatar ?? null,
    last_user_id: t.last_user_id, last_username: last?.username ?? '', last_user_name: last?.display_name ?? '', last_user_deleted: last ? last.user_deleted : 'unknown', last_avatar: last?.avatar ?? null,
  };
}

function ordered<QB extends SelectQueryBuilder<DB, 'topics', any>>(qb: QB, sort: Sort): QB {
  // The default order ends with the id, so that pages never overlap on equal times (the index has it).
  if (sort === 'latest') return qb.orderBy('topics.pinned', 'desc').orderBy('topics.last_post_at', 'desc').orderBy('topics.id', 'desc') as QB;
  if (sort === 'newest') return qb.orderBy('topics.created_at', 'desc').orderBy('topics.id', 'desc') as QB;
  return qb.orderBy('topics.last_post_at', 'desc').orderBy('topics.id', 'desc') as QB;
}

// Unanswered: questions nobody has replied to. Solved: questions with an accepted answer.
function filter<QB extends SelectQueryBuilder<DB, 'topics', any>>(qb: QB, sort: Sort, tag: string | undefined): QB {
  let q = qb;
  if (sort === 'unanswered') q = q.where('topics.kind', '=', 'question').where('topics.post_count', '=', 1) as QB;
  if (sort === 'solved') q = q.where('topics.solved_post_id', 'is not', null) as QB;
  if (tag) q = q.where('topics.id', 'in', (eb: any) => eb.selectFrom('topic_tags').select('topic_id').where('tag', '=', tag)) as QB;
  return q;
}
