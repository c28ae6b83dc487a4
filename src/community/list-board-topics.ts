import type { Kysely } from 'kysely';
import { rolesByUser } from '../accounts/find-user.ts';
import type { DB } from '../db/schema.ts';
import { can, type Actor } from '../policy/policy.ts';
import { NotFoundError, UserError } from '../shared/errors.ts';

export const TOPICS_PER_PAGE = 30;

/** A board page: its topics, pinned first then by latest activity, one page at a time. */
export async function listBoardTopics(db: Kysely<DB>, actor: Actor | null, boardSlug: string, page: number) {
  const board = await db.selectFrom('boards').selectAll().where('slug', '=', boardSlug).executeTakeFirst();
  // A board the actor may not see looks like no board at all: its name is not public either.
  if (!board || (board.visibility === 'staff' && !can(actor, 'board.view', board))) throw new NotFoundError('No such board');
  if (!can(actor, 'board.view', board)) throw new UserError('This board is for signed-in members. Please sign in to read it.', 401);

  const pageCount = Math.max(1, Math.ceil(board.topic_count / TOPICS_PER_PAGE));
  if (page > pageCount) throw new NotFoundError('There is no such page in this board');
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
    .where('topics.board_id', '=', board.id)
    .where('topics.deleted_at', 'is', null)
    .orderBy('topics.pinned', 'desc')
    .orderBy('topics.last_post_at', 'desc')
    .limit(TOPICS_PER_PAGE)
    .offset((page - 1) * TOPICS_PER_PAGE)
    .execute();
  // Badges beside every name in the list.
  const roles = await rolesByUser(db, topics.flatMap((t) => [t.author_id, t.last_user_id]));
  return { board, topics, roles, page, pageCount };
}
