import type { Kysely, SelectQueryBuilder } from 'kysely';
import { authorCards, type AuthorCard } from '../accounts/find-user.ts';
import type { DB } from '../db/schema.ts';
import { P1, P2, preparedQuery, S1 } from '../db/prepared.ts';
import { can, type Actor } from '../policy/policy.ts';
import { NotFoundError, UserError } from '../shared/errors.ts';

export const TOPICS_PER_PAGE = 30;
export const SORTS = ['latest', 'newest', 'unanswered', 'solved'] as const;
export type Sort = (typeof SORTS)[number];

/** A board page: its topics, pinned first then by latest activity, one page at a time. */
export async function listBoardTopics(db: Kysely<DB>, actor: Actor | null, boardSlug: string, page: number, sort: Sort = 'latest', tag?: string) {
  const [board] = await boardQuery(db, boardSlug);
  // A board the actor may not see looks like no board at all: its name is not public either.
  if (!board || (board.visibility === 'staff' && !can(actor, 'board.view', board))) throw new NotFoundError('No such board');
  if (!can(actor, 'board.view', board)) throw new UserError('This board is for signed-in members. Please sign in to read it.', 401);

  // "latest" without a tag is the common case: its count is kept on the board row.
  const filtered = sort === 'unanswered' || sort === 'solved' || !!tag;
  const queries = listingQueries(sort, !!tag);
  const total = filtered ? Number((await queries.count(db, board.id, tag ?? ''))[0]?.n ?? 0) : board.topic_count;
  const pageCount = Math.max(1, Math.ceil(total / TOPICS_PER_PAGE));
  if (page > pageCount) throw new NotFoundError('There is no such page in this board');
  const offset = (page - 1) * TOPICS_PER_PAGE;
  const rows = await queries.topics(db, board.id, tag ?? '', offset);
  // Names and badges from the authors' cards (cached, as on the topic page) rather than two joins
  // with users: those were 60 scattered row reads per page, most of the page's query time.
  const cards = await authorCards(db, rows.flatMap((t) => [t.author_id, t.last_user_id]));
  const topics = rows.map((t) => withNames(t, cards.get(t.author_id), cards.get(t.last_user_id)));
  const roles = new Map([...cards].map(([id, card]) => [id, card.roles]));
  const tagRows = topics.length ? await queries.tags(db, board.id, tag ?? '', offset) : [];
  const tags = new Map<number, string[]>();
  for (const r of tagRows) {
    const list = tags.get(r.topic_id);
    if (list) list.push(r.tag);
    else tags.set(r.topic_id, [r.tag]);
  }
  return { board, topics, roles, tags, page, pageCount, sort, tag: tag ?? null };
}

// The listing's queries, compiled once per sort and tag filter (src/db/prepared.ts): Kysely
// building and compiling them on every view cost as much as running them.
const boardQuery = preparedQuery([S1] as [string], (db, slug) => db.selectFrom('boards').selectAll().where('slug', '=', slug));

type ListingQueries = ReturnType<typeof makeListingQueries>;
const listings = new Map<string, ListingQueries>();
function listingQueries(sort: Sort, tagged: boolean): ListingQueries {
  const key = `${sort}:${tagged}`;
  let queries = listings.get(key);
  if (!queries) listings.set(key, (queries = makeListingQueries(sort, tagged)));
  return queries;
}

function makeListingQueries(sort: Sort, tagged: boolean) {
  const inBoard = (db: Kysely<DB>, boardId: number, tag: string | undefined) =>
    db.selectFrom('topics').where('topics.board_id', '=', boardId).where('topics.deleted_at', 'is', null).$call((qb) => filter(qb, sort, tag));
  // A deferred join: the page's ids first (from the index alone for the default order, see
  // migration 012), then their rows and authors. Joining first made a deep page read and join
  // every topic it skipped.
  const pageIds = (db: Kysely<DB>, boardId: number, tag: string | undefined, offset: number) =>
    inBoard(db, boardId, tag).select('topics.id').$call((qb) => ordered(qb, sort)).limit(TOPICS_PER_PAGE).offset(offset);
  const count = (db: Kysely<DB>, boardId: number, tag?: string) => inBoard(db, boardId, tag).select((eb) => eb.fn.countAll<number>().as('n'));
  const topics = (db: Kysely<DB>, boardId: number, tag: string | undefined, offset: number) =>
    db
      .selectFrom('topics')
      .select([
        'topics.id', 'topics.slug', 'topics.title', 'topics.kind', 'topics.pinned', 'topics.locked', 'topics.closed',
        'topics.solved_post_id', 'topics.post_count', 'topics.view_count', 'topics.created_at', 'topics.last_post_at',
        'topics.user_id as author_id', 'topics.last_post_user_id as last_user_id',
      ])
      .where('topics.id', 'in', pageIds(db, boardId, tag, offset))
      .$call((qb) => ordered(qb, sort));
  // The same page of ids again (an index range), so that the query keeps one shape for any page.
  const tags = (db: Kysely<DB>, boardId: number, tag: string | undefined, offset: number) =>
    db.selectFrom('topic_tags').select(['topic_id', 'tag']).where('topic_id', 'in', pageIds(db, boardId, tag, offset)).orderBy('tag');

  if (tagged) {
    return {
      count: preparedQuery([P1, S1] as [number, string], count),
      topics: preparedQuery([P1, S1, P2] as [number, string, number], topics),
      tags: preparedQuery([P1, S1, P2] as [number, string, number], tags),
    };
  }
  // Without a tag filter the queries take no tag; the same signature keeps the caller simple.
  const untaggedCount = preparedQuery([P1] as [number], (db, boardId) => count(db, boardId));
  const untaggedTopics = preparedQuery([P1, P2] as [number, number], (db, boardId, offset) => topics(db, boardId, undefined, offset));
  const untaggedTags = preparedQuery([P1, P2] as [number, number], (db, boardId, offset) => tags(db, boardId, undefined, offset));
  return {
    count: (db: Kysely<DB>, boardId: number, _tag: string) => untaggedCount(db, boardId),
    topics: (db: Kysely<DB>, boardId: number, _tag: string, offset: number) => untaggedTopics(db, boardId, offset),
    tags: (db: Kysely<DB>, boardId: number, _tag: string, offset: number) => untaggedTags(db, boardId, offset),
  };
}

type ListedTopic = Awaited<ReturnType<ListingQueries['topics']>>[number];

// Spelled out rather than spread (see show-topic.ts); an unknown card shows as a deleted user.
function withNames(t: ListedTopic, author: AuthorCard | undefined, last: AuthorCard | undefined) {
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
  if (sort === 'newest') return qb.orderBy('topics.created_at', 'desc') as QB;
  return qb.orderBy('topics.last_post_at', 'desc') as QB;
}

// Unanswered: questions nobody has replied to. Solved: questions with an accepted answer.
function filter<QB extends SelectQueryBuilder<DB, 'topics', any>>(qb: QB, sort: Sort, tag: string | undefined): QB {
  let q = qb;
  if (sort === 'unanswered') q = q.where('topics.kind', '=', 'question').where('topics.post_count', '=', 1) as QB;
  if (sort === 'solved') q = q.where('topics.solved_post_id', 'is not', null) as QB;
  if (tag) q = q.where('topics.id', 'in', (eb: any) => eb.selectFrom('topic_tags').select('topic_id').where('tag', '=', tag)) as QB;
  return q;
}
