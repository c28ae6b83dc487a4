import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { can, type Actor } from '../policy/policy.ts';
import { NotFoundError, text, UserError } from '../shared/errors.ts';

/**
 * A topic the actor may read (the policy's topic.view), with what the policy needs to decide
 * more about it. Like the topic page: a visitor is asked to sign in for a members-only topic;
 * anything else the actor may not see is "no such topic" (404), never a 403 that confirms it.
 */
export async function loadVisibleTopic(db: Kysely<DB>, actor: Actor | null, topicId: number) {
  const topic = await db
    .selectFrom('topics')
    .innerJoin('boards', 'boards.id', 'topics.board_id')
    .select(['topics.id', 'topics.slug', 'topics.title', 'topics.user_id', 'topics.locked', 'topics.closed', 'topics.deleted_at', 'boards.visibility'])
    .where('topics.id', '=', topicId)
    .executeTakeFirst();
  if (!topic) throw new NotFoundError(text('community:errors.noSuchTopic'));
  const subject = { board: { visibility: topic.visibility }, locked: !!topic.locked, closed: !!topic.closed, deleted: !!topic.deleted_at };
  if (!can(actor, 'topic.view', subject)) {
    if (topic.visibility === 'members' && !actor && !topic.deleted_at) throw new UserError(text('community:errors.membersOnlyTopic'), 401);
    throw new NotFoundError(text('community:errors.noSuchTopic'));
  }
  return { topic, subject };
}
