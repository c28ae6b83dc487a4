import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, can, type Actor } from '../policy/policy.ts';
import { NotFoundError, text, UserError } from '../shared/errors.ts';
import { notifyPostEvent } from '../notifications/notify-post-event.ts';

/** Marks one reply of a question as its accepted answer (replacing any earlier one). */
export async function acceptAnswer(db: Kysely<DB>, actor: Actor, postId: number): Promise<void> {
  const row = await db
    .selectFrom('posts')
    .innerJoin('topics', 'topics.id', 'posts.topic_id')
    .innerJoin('boards', 'boards.id', 'topics.board_id')
    .select([
      'posts.id', 'posts.post_number', 'posts.user_id', 'posts.deleted_at', 'topics.id as topic_id', 'topics.kind',
      'topics.user_id as topic_author', 'topics.locked', 'topics.closed', 'topics.deleted_at as topic_deleted', 'topics.solved_post_id',
      'boards.visibility',
    ])
    .where('posts.id', '=', postId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(text('community:errors.noSuchPost'));
  const topicSubject = { board: { visibility: row.visibility }, locked: !!row.locked, closed: !!row.closed, deleted: !!row.topic_deleted };
  if (!can(actor, 'post.view', { ...topicSubject, postDeleted: !!row.deleted_at })) throw new NotFoundError(text('community:errors.noSuchPost'));
  authorize(actor, 'answer.accept', {
    board: { visibility: row.visibility },
    locked: !!row.locked,
    closed: !!row.closed,
    deleted: !!row.topic_deleted,
    authorId: row.topic_author,
  });
  if (row.kind !== 'question') throw new UserError(text('community:errors.onlyQuestions'));
  if (row.post_number === 1) throw new UserError(text('community:errors.questionNotAnswer'));
  if (row.deleted_at) throw new UserError(text('community:errors.deletedNotAnswer'));
  if (row.solved_post_id === row.id) return;

  await db.transaction().execute(async (tx) => {
    if (row.solved_post_id) {
      const previous = await tx.selectFrom('posts').select('user_id').where('id', '=', row.solved_post_id).executeTakeFirst();
      if (previous) await tx.updateTable('users').set((eb) => ({ answer_count: eb('answer_count', '-', 1) })).where('id', '=', previous.user_id).execute();
    }
    await tx.updateTable('topics').set({ solved_post_id: row.id }).where('id', '=', row.topic_id).execute();
    await tx.updateTable('users').set((eb) => ({ answer_count: eb('answer_count', '+', 1) })).where('id', '=', row.user_id).execute();
  });
  await notifyPostEvent(db, 'accepted', row.id, actor.id); // the answer's author hears of it in the app
}
