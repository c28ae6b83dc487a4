import type { Kysely } from 'kysely';
import { rolesByUser } from '../accounts/find-user.ts';
import type { DB } from '../db/schema.ts';
import { can, type Actor } from '../policy/policy.ts';
import { NotFoundError, UserError } from '../shared/errors.ts';

export const POSTS_PER_PAGE = 20;

/** A topic page: the topic, one page of its posts with authors and their roles, and the accepted answer. */
export async function showTopic(db: Kysely<DB>, actor: Actor | null, topicId: number, page: number) {
  const topic = await db
    .selectFrom('topics')
    .innerJoin('boards', 'boards.id', 'topics.board_id')
    .selectAll('topics')
    .select(['boards.slug as board_slug', 'boards.name as board_name', 'boards.visibility'])
    .where('topics.id', '=', topicId)
    .executeTakeFirst();
  if (!topic) throw new NotFoundError('No such topic');
  const subject = { board: { visibility: topic.visibility }, locked: !!topic.locked, closed: !!topic.closed, deleted: !!topic.deleted_at };
  if (!can(actor, 'topic.view', subject)) {
    if (topic.visibility === 'members' && !actor && !topic.deleted_at) throw new UserError('This topic is for signed-in members. Please sign in to read it.', 401);
    throw new NotFoundError('No such topic');
  }

  const pageCount = Math.max(1, Math.ceil(topic.post_count / POSTS_PER_PAGE));
  if (page > pageCount) throw new NotFoundError('There is no such page in this topic');
  // Post numbers are dense per topic, so a page is an index range rather than an OFFSET scan.
  const posts = await postsWithAuthors(db)
    .where('posts.topic_id', '=', topic.id)
    .where('posts.post_number', '>', (page - 1) * POSTS_PER_PAGE)
    .where('posts.post_number', '<=', page * POSTS_PER_PAGE)
    .orderBy('posts.post_number')
    .execute();
  let answer = posts.find((p) => p.id === topic.solved_post_id);
  if (topic.solved_post_id && !answer) answer = await postsWithAuthors(db).where('posts.id', '=', topic.solved_post_id).executeTakeFirst();
  const roles = await rolesByUser(db, [...posts.map((p) => p.user_id), ...(answer ? [answer.user_id] : [])]);
  return {
    topic,
    posts,
    answer: answer && !answer.deleted_at ? answer : undefined,
    roles,
    page,
    pageCount,
    canReply: can(actor, 'post.create', subject),
    canAccept: topic.kind === 'question' && can(actor, 'answer.accept', { ...subject, authorId: topic.user_id }),
  };
}

function postsWithAuthors(db: Kysely<DB>) {
  return db
    .selectFrom('posts')
    .innerJoin('users', 'users.id', 'posts.user_id')
    .select([
      'posts.id', 'posts.post_number', 'posts.user_id', 'posts.body_html', 'posts.created_at', 'posts.updated_at', 'posts.deleted_at',
      'users.username', 'users.display_name', 'users.deleted_at as user_deleted',
    ]);
}
