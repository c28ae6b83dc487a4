// Conversation settings community managers change at run time (kept in the `settings` table).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';

const MEMBERS_MAY_MESSAGE = 'conversations_members_may_message';

/** Whether members may start conversations with other members (on unless switched off: spam). */
export async function membersMayMessage(db: Kysely<DB>): Promise<boolean> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', MEMBERS_MAY_MESSAGE).executeTakeFirst();
  return row?.value !== 'false';
}

export async function setMembersMayMessage(db: Kysely<DB>, actor: Actor, on: boolean): Promise<void> {
  authorize(actor, 'conversation.manage', null);
  const value = on ? 'true' : 'false';
  await db.insertInto('settings').values({ key: MEMBERS_MAY_MESSAGE, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}

/** Limits: a conversation's size, and how many conversations a new account may start per day. */
export const CONVERSATION_LIMITS = {
  subjectMax: 150,
  recipientsMax: 20,
  /** Accounts younger than this count as new. */
  newMemberDays: 7,
  /** New conversations a new member may start in 24 hours. */
  newMemberPerDay: 3,
  /** Messages per page of a conversation. */
  perPage: 100,
} as const;
