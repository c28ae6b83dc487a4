// Leaving a conversation (it leaves the inbox, the others see one fewer in it) and muting it
// (no more e-mail for it).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, text } from '../shared/errors.ts';
import { loadConversation } from './load-conversation.ts';

export async function leaveConversation(db: Kysely<DB>, actor: Actor, id: number): Promise<void> {
  const { me } = await loadConversation(db, actor, id);
  if (!me) throw new NotFoundError(text('conversations:errors.notIn'));
  await db.updateTable('conversation_participants').set({ left_at: nowIso() }).where('conversation_id', '=', id).where('user_id', '=', actor.id).execute();
}

export async function muteConversation(db: Kysely<DB>, actor: Actor, id: number, muted: boolean): Promise<void> {
  const { me } = await loadConversation(db, actor, id);
  if (!me) throw new NotFoundError(text('conversations:errors.notIn'));
  await db.updateTable('conversation_participants').set({ muted: muted ? 1 : 0 }).where('conversation_id', '=', id).where('user_id', '=', actor.id).execute();
}
