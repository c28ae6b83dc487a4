import type { Kysely, SelectQueryBuilder } from 'kysely';
import { rolesByUser } from '../accounts/find-user.ts';
import type { DB } from '../db/schema.ts';
import { can, type Actor } from '../policy/policy.ts';
import { NotFoundError, UserError } from '../shared/errors.ts';

export const TOPICS_PER_PAGE = 30;
export const SORTS = ['latest', 'newest', 'unanswered', 'solved'] as const;
export type Sort = (typeof SORTS)[number];

/** A board page: its topics, pinned first then by latest activity, one page at a time. */
export async function listBoardTopics(db: Kysely<DB>, actor: Actor | null, boardSlug: string, page: number, sort: Sort = 'latest', tag?: string) {
  const board = await db.selectFrom('boards').selectAll().where('slug', '=', boardSlug).executeTakeFirst();
  // A board the actor may not see looks like no board at all: its name is not public either.
  if (!board || (board.visibility === 'staff' && !can(actor, 'board.view', board))) throw new NotFoundError('No such board');
  if (!can(actor, 'board.view', board)) throw new UserError('This board is for signed-in members. Please sign in to read it.', 401);

  // "latest" without a tag is the common case: its count is kept on the board row.
  const filtered = sort === 'unanswered' || sort === 'solved' || !!tag;
  const total = filtered ? await countTopics(db, board.id, sort, tag) : board.topic_count;
  const pageCount = Math.max(1, Math.ceil(total / TOPICS_PER_PAGE));
  if (page > pageCount) throw new NotFoundError('There is no such page in this board');
  // A deferred join: the page's 30 ids first (from the index alone for the default order, see
  // migration 012), then their rows and authors. Joining first made a deep page read and join
  // every topic it skipped.
  const pageIds = db
    .selectFrom('topics')
    .select('topics.id')
    .where('topics.board_id', '=', board.id)
    .where('topics.deleted_at', 'is', null)
    .$call((qb) => filter(qb, sort, tag))
    .$call((qb) => ordered(qb, sort))
    .limit(TOPICS_PER_PAGE)
    .offset((page - 1) * TOPICS_PER_PAGE);
  const topics = await db
    .selectFrom('topics')
    .innerJoin('users as author', 'author.id', 'topics.user_id')
    .innerJoin('users as last', 'last.id', 'topics.last_post_user_id')
    .select([
      'topics.id', 'topics.slug', 'topics.title', 'topics.kind', 'topics.pinned', 'topics.locked', 'topics.closed',
      'topics.solved_post_id', 'topics.post_count', 'topics.view_count', 'topics.created_at', 'topics.last_post_at',
      'author.id as author_id', 'author.username as author_username', 'author.display_name as author_name', 'author.deleted_at as author_deleted',
      'last.id as last_user_id', 'last.username as last_username', 'last.display_name as last_user_name', 'last.deleted_at as last_user_deleted',
    ])
    .where('topics.id', 'in', pageIds)
    .$call((qb) => ordered(qb, sort))
    .execute();
  // Badges beside every name in the list.
  const roles = await rolesByUser(db, topics.flatMap((t) => [t.author_id, t.last_user_id]));
  const tagRows = topics.length
    ? await db.selectFrom('topic_tags').select(['topic_id', 'tag']).where('topic_id', 'in', topics.map((t) => t.id)).orderBy('tag').execute()
    : [];
  const tags = new Map<number, string[]>();
  for (const r of tagRows) tags.set(r.topic_id, [...(tags.get(r.topic_id) ?? []), r.tag]);
  return { board, topics, roles, tags, page, pageCount, sort, tag: tag ?? null };
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

async function countTopics(db: Kysely<DB>, boardId: number, sort: Sort, tag: string | undefined): Promise<number> {
  const row = await db
    .selectFrom('topics')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('topics.board_id', '=', boardId)
    .where('topics.deleted_at', 'is', null)
    .$call((qb) => filter(qb, sort, tag))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
