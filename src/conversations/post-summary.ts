// The public summary back (issue 20, point 2): the one who continued a case in private posts a
// summary to the topic, as an ordinary reply through the publish pipeline with the public guard
// (so no account detail from the private conversation slips out). The asker (or a moderator)
// can then mark it as the answer, from the conversation or the topic.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { acceptAnswer } from '../community/accept-answer.ts';
import { createReply } from '../community/create-reply.ts';
import type { Actor } from '../policy/policy.ts';
import { text, UserError } from '../shared/errors.ts';
import { loadConversation } from './load-conversation.ts';

export async function postSummary(db: Kysely<DB>, actor: Actor, conversationId: number, body: string): Promise<{ postId: number; postNumber: number; topicId: number }> {
  const { conversation, me } = await loadConversation(db, actor, conversationId, 'conversation.reply');
  if (!conversation.topic_id || conversation.created_by !== actor.id || !me) throw new UserError(text('conversations:errors.summaryNotYours'), 403);
  if (conversation.summary_post_id) throw new UserError(text('conversations:errors.summaryPosted'), 409);
  const reply = await createReply(db, actor, { topicId: conversation.topic_id, body });
  await db.updateTable('conversations').set({ summary_post_id: reply.id }).where('id', '=', conversation.id).where('summary_post_id', 'is', null).execute();
  return { postId: reply.id, postNumber: reply.postNumber, topicId: conversation.topic_id };
}

/** The asker marks the summary as the answer to their question (the policy decides who may). */
export async function acceptSummary(db: Kysely<DB>, actor: Actor, conversationId: number): Promise<{ topicId: number }> {
  const { conversation } = await loadConversation(db, actor, conversationId);
  if (!conversation.summary_post_id || !conversation.topic_id) throw new UserError(text('conversations:errors.noSummary'), 409);
  await acceptAnswer(db, actor, conversation.summary_post_id);
  return { topicId: conversation.topic_id };
}
