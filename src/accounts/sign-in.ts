import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { describeStanding, standingOf } from '../moderation/restrict-user.ts';
import { text, UserError } from '../shared/errors.ts';
import { findUserByLogin } from './find-user.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { createSession } from './sessions.ts';
import { verifyAccountPassword, verifyThrottled, type SignInClient } from './sign-in-throttle.ts';
import { hasTwoFactor } from './two-factor.ts';

/** A session opened, or (two-step verification on) the password was right and a code is needed next. */
export type SignInResult = { userId: number; token: string; expires: Date } | { userId: number; secondStep: true };

// Compared against when the login is unknown, so that a wrong username costs the same time as
// a wrong password and does not reveal which accounts exist.
let dummyHash: Promise<string> | undefined;

/**
 * Checks credentials and opens a session, unless the account has two-step verification on: then
 * no session yet, and sign-in-second-step.ts finishes it. Failures slow down the client that
 * makes them, with growing waits, never the account's other clients (sign-in-throttle.ts).
 */
export async function signIn(db: Kysely<DB>, login: string, password: string, client: SignInClient): Promise<SignInResult> {
  const wrong = new UserError(text('accounts:errors.wrongLogin'), 401);
  if (typeof login !== 'string' || typeof password !== 'string' || !login.trim() || !password || password.length > 256) throw wrong;
  const user = await findUserByLogin(db, login);
  if (!user || !user.password_hash) {
    // Throttled like an account (keyed by the login), so that a wait does not tell that none exists.
    const dummy = await (dummyHash ??= hashPassword('not a real password at all'));
    await verifyThrottled(db, { unknownLogin: login }, async () => (await verifyPassword(dummy, password)) && false, client);
    throw wrong;
  }
  if (!(await verifyAccountPassword(db, { id: user.id, password_hash: user.password_hash }, password, client))) throw wrong;
  // A suspended account (src/moderation) is told why and until when, after the password is right.
  const standing = await standingOf(db, user.id);
  if (standing?.kind === 'suspended') throw new UserError(describeStanding(standing), 403);
  if (await hasTwoFactor(db, user.id)) return { userId: user.id, secondStep: true };
  const session = await createSession(db, user.id, client.userAgent);
  return { userId: user.id, ...session };
}
