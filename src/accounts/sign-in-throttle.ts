// Brute force stays slow without handing strangers a lockout button (OWASP "Blocking Brute Force
// Attacks"): failures are counted per account AND per client, the client being the browser's
// device cookie when it once signed in to this account, else its address. After a few free
// failures a client must wait before its next try, and the wait doubles with each further
// failure (capped). A client that has not failed is never refused, so 50 wrong passwords from
// an attacker's address leave the owner's own sign-in untouched. The per-address limit over all
// accounts (SIGNIN_RATE_LIMIT, @fastify/rate-limit) bounds how many accounts one address tries.
// Wrong current passwords on the settings forms count here too (change-password, change-email).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { text, UserError } from '../shared/errors.ts';
import { hashToken } from '../shared/tokens.ts';
import { verifyPassword } from './passwords.ts';

export const THROTTLE = {
  /** Failures a client may make on an account without waiting. */
  freeFailures: 5,
  /** The wait after the last free failure; it doubles with each failure after that. */
  firstDelaySeconds: 30,
  maxDelaySeconds: 15 * 60,
  /** Failures older than this are forgotten. */
  memoryHours: 24,
} as const;

/** Who is trying: the address Fastify resolved (TRUST_PROXY), and the device cookie if any. */
export interface SignInClient {
  address: string;
  device: { userId: number; id: string } | null;
  /** The browser's User-Agent: kept with a session it opens (account settings list them). */
  userAgent?: string | null;
}

export class ThrottledError extends UserError {
  override name = 'ThrottledError';
  constructor(readonly retryAfterSeconds: number) {
    super(retryAfterSeconds < 90 ? text('accounts:errors.throttledSeconds', { count: retryAfterSeconds }) : text('accounts:errors.throttledMinutes', { count: Math.ceil(retryAfterSeconds / 60) }), 429);
  }
}

/** Seconds a client must wait after its n-th failure on an account (0 while failures are free). */
export function delayAfter(failures: number): number {
  if (failures < THROTTLE.freeFailures) return 0;
  return Math.min(THROTTLE.firstDelaySeconds * 2 ** (failures - THROTTLE.freeFailures), THROTTLE.maxDelaySeconds);
}

/** The stored key of a client for one account: its device cookie if issued for that account, else its address (hashed: no addresses at rest). */
export function clientKey(client: SignInClient, userId: number): string {
  return hashToken(client.device && client.device.userId === userId ? `device:${client.device.id}` : `address:${client.address}`);
}

/** Whose password is tried: an account, or a login that matches none (throttled alike, so that a wait reveals nothing). */
export type Subject = { userId: number } | { unknownLogin: string };

const loginHash = (login: string) => hashToken(`login:${login.trim().toLowerCase()}`);
const keyOf = (subject: Subject, client: SignInClient) => clientKey(client, 'userId' in subject ? subject.userId : -1);

async function failuresSince(db: Kysely<DB>, subject: Subject, key: string, since: string): Promise<{ n: number; last: string | null }> {
  const row =
    'userId' in subject
      ? await db.selectFrom('sign_in_failures').select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('at').as('last')])
          .where('user_id', '=', subject.userId).where('client', '=', key).where('at', '>', since).executeTakeFirst()
      : await db.selectFrom('sign_in_failures_unknown').select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('at').as('last')])
          .where('login_hash', '=', loginHash(subject.unknownLogin)).where('client', '=', key).where('at', '>', since).executeTakeFirst();
  return { n: Number(row?.n ?? 0), last: row?.last ? String(row.last) : null };
}

/** Throws ThrottledError while this client must wait before trying this password again. */
export async function assertMayTry(db: Kysely<DB>, subject: Subject, key: string, now = Date.now()): Promise<void> {
  const { n, last } = await failuresSince(db, subject, key, new Date(now - THROTTLE.memoryHours * 3_600_000).toISOString());
  const delay = delayAfter(n);
  if (!delay || !last) return;
  const left = Math.ceil((Date.parse(last) + delay * 1000 - now) / 1000);
  if (left > 0) throw new ThrottledError(left);
}

async function recordFailure(db: Kysely<DB>, subject: Subject, key: string): Promise<void> {
  const now = new Date();
  const forgotten = new Date(now.getTime() - THROTTLE.memoryHours * 3_600_000).toISOString();
  // Each insert also drops this subject's failures past the memory window, and now and then
  // everyone's (subjects never tried again): the tables stay small.
  const sweep = Math.random() < 0.01;
  if ('userId' in subject) {
    await db.insertInto('sign_in_failures').values({ user_id: subject.userId, client: key, at: now.toISOString() }).execute();
    await db.deleteFrom('sign_in_failures').where('at', '<', forgotten).$if(!sweep, (q) => q.where('user_id', '=', subject.userId)).execute();
  } else {
    const login_hash = loginHash(subject.unknownLogin);
    await db.insertInto('sign_in_failures_unknown').values({ login_hash, client: key, at: now.toISOString() }).execute();
    await db.deleteFrom('sign_in_failures_unknown').where('at', '<', forgotten).$if(!sweep, (q) => q.where('login_hash', '=', login_hash)).execute();
  }
}

// One check at a time per subject and client in this process: parallel guesses would otherwise
// all pass the count before any failure is written.
const inFlight = new Map<string, Promise<unknown>>();
async function oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = inFlight.get(key) ?? Promise.resolve();
  const run = before.then(fn, fn);
  const settled = run.catch(() => undefined);
  inFlight.set(key, settled);
  try {
    return await run;
  } finally {
    if (inFlight.get(key) === settled) inFlight.delete(key);
  }
}

/**
 * Checks a password under the throttle: refused (ThrottledError) while this client must wait,
 * a failure recorded when wrong, this client's failures on the account forgotten when right.
 * For a login that matches no account, `check` compares against a dummy hash and is never right.
 */
export async function verifyThrottled(db: Kysely<DB>, subject: Subject, check: () => Promise<boolean>, client: SignInClient): Promise<boolean> {
  const key = keyOf(subject, client);
  const lock = 'userId' in subject ? `u${subject.userId}:${key}` : `l${loginHash(subject.unknownLogin)}:${key}`;
  return oneAtATime(lock, async () => {
    await assertMayTry(db, subject, key);
    const ok = await check();
    if (ok && 'userId' in subject) {
      await db.deleteFrom('sign_in_failures').where('user_id', '=', subject.userId).where('client', '=', key).execute();
    } else if (!ok) {
      await recordFailure(db, subject, key);
    }
    return ok;
  });
}

/** A password check of an account under the throttle (sign-in, and the settings forms' current password). */
export const verifyAccountPassword = (db: Kysely<DB>, user: { id: number; password_hash: string }, password: string, client: SignInClient): Promise<boolean> =>
  verifyThrottled(db, { userId: user.id }, () => verifyPassword(user.password_hash, password), client);
