// Deleting an account removes its private messages: their text is gone from the database; the
// others in the conversation see "deleted user" and that the message was removed, so the rest of
// the conversation keeps its sense. Called inside the account deletion's transaction.
import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

export const REMOVED_MESSAGE_HTML = '<p><em>This message was removed when its author deleted their account.</em></p>';

export async function removeMessagesOf(tx: Transaction<DB>, userId: number): Promise<void> {
  await tx.deleteFrom('conversation_attachments').where('message_id', 'in', tx.selectFrom('conversation_messages').select('id').where('user_id', '=', userId)).execute();
  await tx.updateTable('conversation_messages').set({ body_markdown: '', body_html: REMOVED_MESSAGE_HTML }).where('user_id', '=', userId).execute();
  await tx.deleteFrom('customer_links').where('user_id', '=', userId).execute();
  await tx.updateTable('conversation_participants').set({ left_at: new Date().toISOString() }).where('user_id', '=', userId).where('left_at', 'is', null).execute();
}
