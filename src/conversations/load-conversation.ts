// One conversation as the policy sees it for an actor. Anyone who may not see it gets a 404
// (not a 403): a private conversation's existence is not disclosed, to staff either. A staff
// member reading a reported conversation they are not part of is written to the access log.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { can, isStaff, type Action, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, text } from '../shared/errors.ts';

export const STAFF_ROLES = ['moderator', 'community_manager', 'admin'] as const;

export async function loadConversation(db: Kysely<DB>, actor: Actor | null, id: number, action: Action & `conversation.${string}` = 'conversation.view') {
  if (!actor || !Number.isSafeInteger(id) || id < 1) throw new NotFoundError(text('conversations:errors.noSuchConversation'));
  const conversation = await db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!conversation) throw new NotFoundError(text('conversations:errors.noSuchConversation'));
  const me = await db
    .selectFrom('conversation_participants')
    .selectAll()
    .where('conversation_id', '=', id)
    .where('user_id', '=', actor.id)
    .executeTakeFirst();
  const subject = { participant: !!me, left: !!me?.left_at, team: !!conversation.team, reported: !!conversation.reported_at };
  if (!can(actor, 'conversation.view', subject)) throw new NotFoundError(text('conversations:errors.noSuchConversation'));
  if (action !== 'conversation.view' && !can(actor, action as 'conversation.reply', subject)) throw new NotFoundError(text('conversations:errors.noSuchConversation'));
  return { conversation, me, subject, staffReader: !me && isStaff(actor) };
}

/** Log a staff member's reading of a reported conversation they are not part of (team conversations are theirs to read). */
export async function logStaffAccess(db: Kysely<DB>, actor: Actor, loaded: Awaited<ReturnType<typeof loadConversation>>): Promise<void> {
  if (loaded.me || loaded.subject.team) return;
  await db.insertInto('private_data_views').values({ viewer_id: actor.id, subject_id: null, conversation_id: loaded.conversation.id, at: nowIso() }).execute();
}
