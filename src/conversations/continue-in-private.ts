// "Continue in private" (issue 20, point 2): an employee or the community team takes a public
// case to a private conversation with the topic's author, linked to the topic. The public thread
// then says only that it continued in private (see show-topic: no subject, no text).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { NotFoundError, text, UserError } from '../shared/errors.ts';
import { startConversation, type StartedConversation } from './start-conversation.ts';
import { CONVERSATION_LIMITS } from './settings.ts';

export async function loadHandOverTopic(db: Kysely<DB>, actor: Actor, topicId: number) {
  const t = await db
    .selectFrom('topics')
    .innerJoin('boards', 'boards.id', 'topics.board_id')
    .innerJoin('users as author', 'author.id', 'topics.user_id')
    .select(['topics.id', 'topics.title', 'topics.slug', 'topics.locked', 'topics.closed', 'topics.deleted_at', 'topics.user_id', 'boards.visibility', 'author.username', 'author.display_name', 'author.deleted_at as author_deleted'])
    .where('topics.id', '=', topicId)
    .executeTakeFirst();
  if (!t) throw new NotFoundError(text('conversations:errors.noSuchTopic'));
  authorize(actor, 'conversation.continueInPrivate', { board: { visibility: t.visibility }, locked: !!t.locked, closed: !!t.closed, deleted: !!t.deleted_at });
  if (t.user_id === actor.id) throw new UserError(text('conversations:errors.ownTopic'), 400);
  if (t.author_deleted) throw new UserError(text('conversations:errors.authorDeleted'), 400);
  return t;
}

export async function continueInPrivate(db: Kysely<DB>, actor: Actor, topicId: number, input: { body: string; subject?: string }): Promise<StartedConversation> {
  const t = await loadHandOverTopic(db, actor, topicId);
  const subject = (input.subject?.trim() || `About “${t.title}”`).slice(0, CONVERSATION_LIMITS.subjectMax);
  return startConversation(db, actor, { to: [t.username], subject, body: input.body, topicId: t.id, handOver: true });
}

/** Who continued this topic in private (names only, for the thread's notice). */
export async function handOversOfTopic(db: Kysely<DB>, topicId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('conversations')
    .innerJoin('users', 'users.id', 'conversations.created_by')
    .select(['users.display_name', 'users.deleted_at'])
    .where('conversations.topic_id', '=', topicId)
    .orderBy('conversations.id')
    .limit(10)
    .execute();
  return [...new Set(rows.map((r) => (r.deleted_at ? 'deleted user' : r.display_name)))];
}
