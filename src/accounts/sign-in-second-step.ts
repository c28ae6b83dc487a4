// The second step of a sign-in with two-step verification on. Between the two steps the browser
// holds a short-lived signed cookie saying whose password was right, when, and a fingerprint of
// that password's hash: a new password (a reset in between) voids it, and so does the clock.
// No session exists until the code is right.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { describeStanding, standingOf } from '../moderation/restrict-user.ts';
import { text, UserError } from '../shared/errors.ts';
import { hashToken } from '../shared/tokens.ts';
import { createSession } from './sessions.ts';
import type { SignInClient } from './sign-in-throttle.ts';
import { verifySecondFactor } from './two-factor.ts';

export const SECOND_STEP_COOKIE = 'parley_signin_step';
export const SECOND_STEP_MINUTES = 10;

const fingerprint = (passwordHash: string) => hashToken(`second-step:${passwordHash}`).slice(0, 16);

async function passwordHashOf(db: Kysely<DB>, userId: number): Promise<string | null> {
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', userId).where('deleted_at', 'is', null).executeTakeFirst();
  return row?.password_hash ?? null;
}

/** The cookie's value (to be signed) after a right password. */
export async function secondStepTicket(db: Kysely<DB>, userId: number, now = Date.now()): Promise<string> {
  const hash = await passwordHashOf(db, userId);
  return `${userId}.${now + SECOND_STEP_MINUTES * 60_000}.${fingerprint(hash ?? '')}`;
}

/** Whose sign-in waits for its code, from the (already unsigned) cookie value; null when none, expired or void. */
export async function readSecondStepTicket(db: Kysely<DB>, value: string | null | undefined, now = Date.now()): Promise<number | null> {
  const m = value ? /^(\d{1,10})\.(\d{1,15})\.([0-9a-f]{16})$/.exec(value) : null;
  if (!m || Number(m[2]) < now) return null;
  const userId = Number(m[1]);
  const hash = await passwordHashOf(db, userId);
  return hash && fingerprint(hash) === m[3] ? userId : null;
}

/** Checks the code (under the sign-in throttle) and opens the session. */
export async function finishSignIn(db: Kysely<DB>, userId: number, code: string, client: SignInClient, now = Date.now()) {
  const standing = await standingOf(db, userId);
  if (standing?.kind === 'suspended') throw new UserError(describeStanding(standing), 403);
  if (!(await verifySecondFactor(db, userId, code, client, now))) throw new UserError(text('accounts:errors.secondStepWrong'), 401, 'code');
  return { userId, ...(await createSession(db, userId, client.userAgent)) };
}
