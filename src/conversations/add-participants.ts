// Adding people to a conversation that has started (Discourse's "invite to message"): whoever may
// reply adds members by username, and the people added read the whole conversation from its
// first message. Because they read what was written before they came, the guard first checks
// every earlier message and attachment for the new readers: a registered customer's data reaches
// them only if it is the adder's own or their own (an employee may not pass a member's account
// details on to a colleague or another member; the member may). Confidential text never. The
// same limits as starting a conversation apply (how many people, messages between members
// switched off). Nothing is written unless everything passed, and then in one transaction.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { can, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { ForbiddenError, text, UserError } from '../shared/errors.ts';
import { evaluatePrivate } from '../confidentiality/private-audience.ts';
import { recordGuardDecision } from '../confidentiality/audit.ts';
import type { GuardFinding } from '../confidentiality/check.ts';
import { loadConversation } from './load-conversation.ts';
import { parseUsernames, resolveRecipients } from './recipients.ts';
import { CONVERSATION_LIMITS, membersMayMessage } from './settings.ts';

export interface AddedParticipants {
  /** The people added (or back after leaving), to tell. */
  addedIds: number[];
}

/** The guard refused: earlier messages hold data the new people may not read. 422, like a blocked message. */
export class HistoryNotForNewPeopleError extends UserError {
  constructor(readonly findings: GuardFinding[], readonly messageIds: number[]) {
    super(text('conversations:errors.historyNotForThem'), 422, 'to');
  }
}

export async function addParticipants(db: Kysely<DB>, actor: Actor, conversationId: number, to: string | readonly string[], at = nowIso()): Promise<AddedParticipants> {
  const { conversation } = await loadConversation(db, actor, conversationId, 'conversation.addPeople');
  const names = parseUsernames(to);
  if (!names.length) throw new UserError(text('conversations:errors.noOneToAdd'), 400, 'to');
  const people = await resolveRecipients(db, actor, names, { allowNone: false });
  const rows = await db.selectFrom('conversation_participants').select(['user_id', 'left_at']).where('conversation_id', '=', conversation.id).execute();
  const active = new Set(rows.filter((r) => !r.left_at).map((r) => r.user_id));
  const newcomers = people.filter((p) => !active.has(p.id));
  if (!newcomers.length) throw new UserError(text('conversations:errors.alreadyIn', { count: people.length }), 400, 'to');
  // The limit counts everyone who can read it afterwards, the one adding included.
  const readers = [...new Set([...active, actor.id, ...newcomers.map((p) => p.id)])];
  if (readers.length > CONVERSATION_LIMITS.recipientsMax + 1) throw new UserError(text('conversations:errors.tooManyRecipients', { max: CONVERSATION_LIMITS.recipientsMax }), 400, 'to');
  const plainMember = newcomers.some((r) => !r.roles.some((role) => role !== 'member'));
  if (plainMember && !can(actor, 'conversation.messageMembers', { membersMayMessage: await membersMayMessage(db) })) {
    throw new ForbiddenError(text('conversations:errors.membersOff'));
  }
  await checkHistoryFor(db, actor, conversation.id, [actor.id, ...newcomers.map((p) => p.id)]);
  const left = new Set(rows.filter((r) => r.left_at).map((r) => r.user_id));
  await db.transaction().execute(async (tx) => {
    for (const p of newcomers) {
      // Someone who left and is added again comes back with their read state; from the start otherwise.
      if (left.has(p.id)) {
        await tx.updateTable('conversation_participants').set({ left_at: null, added_by: actor.id, joined_at: at }).where('conversation_id', '=', conversation.id).where('user_id', '=', p.id).execute();
      } else {
        await tx.insertInto('conversation_participants').values({ conversation_id: conversation.id, user_id: p.id, last_read_message_id: 0, muted: 0, left_at: null, joined_at: at, added_by: actor.id }).execute();
      }
    }
  });
  return { addedIds: newcomers.map((p) => p.id) };
}

/** Every earlier message and attachment, decided as if `sharers` (the adder and the people added) wrote it to each other; audited once (types and counts, never values). */
async function checkHistoryFor(db: Kysely<DB>, actor: Actor, conversationId: number, sharers: number[]): Promise<void> {
  const messages = await db.selectFrom('conversation_messages').select(['id', 'body_markdown']).where('conversation_id', '=', conversationId).orderBy('id').execute();
  const files = messages.length
    ? await db.selectFrom('conversation_attachments').select(['message_id', 'filename', 'text']).where('message_id', 'in', messages.map((m) => m.id)).orderBy('message_id').orderBy('position').execute()
    : [];
  const blocked: GuardFinding[] = [];
  const blockedIds: number[] = [];
  for (const m of messages) {
    const attachments = files.filter((f) => f.message_id === m.id).map((f) => ({ name: f.filename, text: f.text }));
    const outcome = await evaluatePrivate(db, { actor, body: m.body_markdown, participantIds: sharers, ...(attachments.length ? { attachments } : {}) });
    if (outcome.action === 'block') {
      blocked.push(...outcome.findings.filter((f) => f.action === 'block'));
      blockedIds.push(m.id);
    }
  }
  if (!blocked.length) return;
  await recordGuardDecision(db, { actorId: actor.id, where: 'message', target: `conversation:${conversationId}:add`, findings: blocked, decision: 'block (private, adding people)' });
  throw new HistoryNotForNewPeopleError(blocked, blockedIds);
}
