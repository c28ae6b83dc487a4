import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { describeStanding, standingOf } from '../moderation/restrict-user.ts';
import { UserError } from '../shared/errors.ts';
import { findUserByLogin } from './find-user.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { createSession } from './sessions.ts';

export const ACCOUNT_LIMIT = { failures: 5, windowMinutes: 15 } as const;

// Compared against when the login is unknown, so that a wrong username costs the same time as
// a wrong password and does not reveal which accounts exist.
let dummyHash: Promise<string> | undefined;

/** Checks credentials and opens a session. Too many failures lock the account for a while. */
export async function signIn(db: Kysely<DB>, login: string, password: string): Promise<{ userId: number; token: string; expires: Date }> {
  const wrong = new UserError('Wrong username, e-mail address or password.', 401);
  if (typeof login !== 'string' || typeof password !== 'string' || !login.trim() || !password || password.length > 256) throw wrong;
  const user = await findUserByLogin(db, login);
  if (!user || !user.password_hash) {
    await verifyPassword(await (dummyHash ??= hashPassword('not a real password at all')), password);
    throw wrong;
  }
  const since = new Date(Date.now() - ACCOUNT_LIMIT.windowMinutes * 60_000).toISOString();
  const failures = await db
    .selectFrom('sign_in_failures')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', user.id)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  if (Number(failures.n) >= ACCOUNT_LIMIT.failures) {
    throw new UserError(
      `Too many failed sign-ins for this account. Try again in ${ACCOUNT_LIMIT.windowMinutes} minutes, or reset your password.`,
      429,
    );
  }
  if (!(await verifyPassword(user.password_hash, password))) {
    await db.insertInto('sign_in_failures').values({ user_id: user.id, at: new Date().toISOString() }).execute();
    throw wrong;
  }
  await db.deleteFrom('sign_in_failures').where('user_id', '=', user.id).execute();
  // A suspended account (src/moderation) is told why and until when, after the password is right.
  const standing = await standingOf(db, user.id);
  if (standing?.kind === 'suspended') throw new UserError(describeStanding(standing), 403);
  const session = await createSession(db, user.id);
  return { userId: user.id, ...session };
}
