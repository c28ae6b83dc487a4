import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, can, type Actor } from '../policy/policy.ts';
import { NotFoundError, text, UserError } from '../shared/errors.ts';

const ACTIONS = {
  pin: { pinned: 1 },
  unpin: { pinned: 0 },
  lock: { locked: 1 },
  unlock: { locked: 0 },
  close: { closed: 1 },
  open: { closed: 0 },
} as const;
export type ModerationAction = keyof typeof ACTIONS;

/** Pins, locks or closes a topic (and the reverse). Moderators and community managers. */
export async function moderateTopic(db: Kysely<DB>, actor: Actor, topicId: number, action: string): Promise<void> {
  if (!(action in ACTIONS)) throw new UserError(text('community:errors.unknownAction', { action, actions: Object.keys(ACTIONS).join(', ') }));
  const topic = await db
    .selectFrom('topics')
    .innerJoin('boards', 'boards.id', 'topics.board_id')
    .select(['topics.id', 'topics.locked', 'topics.closed', 'topics.deleted_at', 'topics.board_id', 'boards.visibility'])
    .where('topics.id', '=', topicId)
    .executeTakeFirst();
  if (!topic) throw new NotFoundError(text('community:errors.noSuchTopic'));
  const subject = { board: { visibility: topic.visibility, id: topic.board_id }, locked: !!topic.locked, closed: !!topic.closed, deleted: !!topic.deleted_at };
  if (!can(actor, 'topic.view', subject)) throw new NotFoundError(text('community:errors.noSuchTopic'));
  authorize(actor, 'topic.moderate', subject);
  await db.updateTable('topics').set(ACTIONS[action as ModerationAction]).where('id', '=', topicId).execute();
}
