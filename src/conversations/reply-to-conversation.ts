// A reply in a conversation: participants (who have not left), and the community team in a team
// conversation (a staff member answering joins it as a participant).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { runPublishPipeline } from '../publish/pipeline.ts';
import { nowIso } from '../shared/clock.ts';
import { insertMessage } from './start-conversation.ts';
import { loadConversation } from './load-conversation.ts';
import { storeMessageAttachments } from './message-attachments.ts';
import type { AttachmentText } from '../attachments/text-file.ts';

export async function replyToConversation(db: Kysely<DB>, actor: Actor, conversationId: number, body: string, at = nowIso(), attachments?: AttachmentText[]): Promise<{ messageId: number; recipientIds: number[] }> {
  const { conversation, me } = await loadConversation(db, actor, conversationId, 'conversation.reply');
  const participants = await activeParticipantIds(db, conversation.id);
  const readers = participants.includes(actor.id) ? participants : [...participants, actor.id];
  const text = await runPublishPipeline(db, { actor, where: 'message', audience: 'private', participantIds: readers, body, ...(attachments?.length ? { attachments } : {}), target: `conversation:${conversation.id}` });
  return db.transaction().execute(async (tx) => {
    if (!me) {
      await tx.insertInto('conversation_participants').values({ conversation_id: conversation.id, user_id: actor.id, last_read_message_id: 0, muted: 0, left_at: null, joined_at: at }).execute();
    }
    const messageId = await insertMessage(tx, conversation.id, actor.id, text.bodyMarkdown, text.bodyHtml, at);
    await storeMessageAttachments(tx, messageId, text.attachments);
    await tx
      .updateTable('conversations')
      .set((eb) => ({ message_count: eb('message_count', '+', 1), last_message_at: at }))
      .where('id', '=', conversation.id)
      .execute();
    return { messageId, recipientIds: participants.filter((id) => id !== actor.id) };
  });
}

export async function activeParticipantIds(db: Kysely<DB>, conversationId: number): Promise<number[]> {
  const rows = await db.selectFrom('conversation_participants').select('user_id').where('conversation_id', '=', conversationId).where('left_at', 'is', null).orderBy('joined_at').orderBy('user_id').execute();
  return rows.map((r) => r.user_id);
}
