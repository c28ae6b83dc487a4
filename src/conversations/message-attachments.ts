// Text attachments of private messages: stored with the message in its transaction (after the
// private guard checked them with the body), listed on the conversation page, downloaded only by
// those who may read the conversation.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { AttachmentText } from '../attachments/text-file.ts';
import type { Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, text } from '../shared/errors.ts';
import { loadConversation, logStaffAccess } from './load-conversation.ts';

export async function storeMessageAttachments(tx: Transaction<DB>, messageId: number, list: readonly AttachmentText[] | undefined): Promise<void> {
  if (!list?.length) return;
  const at = nowIso();
  await tx.insertInto('conversation_attachments').values(list.map((a, i) => ({ message_id: messageId, position: i + 1, filename: a.name, byte_size: Buffer.byteLength(a.text, 'utf8'), text: a.text, created_at: at }))).execute();
}

/** Names and sizes of the attachments of some messages, by message id. */
export async function attachmentsOfMessages(db: Kysely<DB>, messageIds: readonly number[]): Promise<Map<number, Array<{ id: number; filename: string; byte_size: number }>>> {
  const out = new Map<number, Array<{ id: number; filename: string; byte_size: number }>>();
  if (!messageIds.length) return out;
  const rows = await db.selectFrom('conversation_attachments').select(['id', 'message_id', 'filename', 'byte_size']).where('message_id', 'in', [...messageIds]).orderBy('message_id').orderBy('position').execute();
  for (const r of rows) (out.get(r.message_id) ?? out.set(r.message_id, []).get(r.message_id)!).push({ id: r.id, filename: r.filename, byte_size: r.byte_size });
  return out;
}

/** One attachment's text, for someone who may read its conversation (404 otherwise). */
export async function downloadMessageAttachment(db: Kysely<DB>, actor: Actor, conversationId: number, attachmentId: number) {
  const loaded = await loadConversation(db, actor, conversationId);
  const a = await db
    .selectFrom('conversation_attachments')
    .innerJoin('conversation_messages', 'conversation_messages.id', 'conversation_attachments.message_id')
    .select(['conversation_attachments.filename', 'conversation_attachments.text'])
    .where('conversation_attachments.id', '=', attachmentId)
    .where('conversation_messages.conversation_id', '=', loaded.conversation.id)
    .executeTakeFirst();
  if (!a) throw new NotFoundError(text('conversations:errors.noSuchAttachment'));
  if (loaded.staffReader) await logStaffAccess(db, actor, loaded);
  return a;
}
