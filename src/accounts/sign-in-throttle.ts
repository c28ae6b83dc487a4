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
import { UserError } from '../shared/errors.ts';
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
}

export class ThrottledError extends UserError {
  override name = 'ThrottledError';
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed sign-ins for this account from here. Try again in ${wait(retryAfterSeconds)}, or reset your password by e-mail.`, 429);
  }
}

const wait = (s: number) => (s < 90 ? `${s} seconds` : `${Math.ceil(s / 60)} minutes`);

/** Seconds a client must wait after its n-th failure on an account (0 while failures are free). */
export function delayAfter(failures: number): number {
  if (failures < THROTTLE.freeFailures) return 0;
  return Math.min(THROTTLE.firstDelaySeconds * 2 ** (failures - THROTTLE.freeFailures), THROTTLE.maxDelaySeconds);
}

/** The stored key of a client for one account: its device cookie if issued for that account, else its address (hashed: no addresses at rest). */
export function clientKey(client: SignInClient, userId: number): string {
  return hashToken(client.device && client.device.userId === userId ? `device:${client.device.id}` : `address:${client.address}`);
}

/** Throws ThrottledError while this client must wait before trying this account's password again. */
export async function assertMayTry(db: Kysely<DB>, userId: number, key: string, now = Date.now()): Promise<void> {
  const since = new Date(now - THROTTLE.memoryHours * 3_600_000).toISOString();
  const row = await db
    .selectFrom('sign_in_failures')
    .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('at').as('last')])
    .where('user_id', '=', userId)
    .where('client', '=', key)
    .where('at', '>', since)
    .executeTakeFirst();
  const failures = Number(row?.n ?? 0);
  const delay = delayAfter(failures);
  if (!delay || !row?.last) return;
  const left = Math.ceil((Date.parse(String(row.last)) + delay * 1000 - now) / 1000);
  if (left > 0) throw new ThrottledError(left);
}

// One check at a time per account and client in this process: parallel guesses would otherwise
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
 * Checks a password of an account under the throttle: refused (ThrottledError) while this client
 * must wait, a failure recorded when wrong, this client's failures forgotten when right.
 */
export async function verifyThrottled(db: Kysely<DB>, user: { id: number; password_hash: string }, password: string, client: SignInClient): Promise<boolean> {
  const key = clientKey(client, user.id);
  return oneAtATime(`${user.id}:${key}`, async () => {
    await assertMayTry(db, user.id, key);
    const ok = await verifyPassword(user.password_hash, password);
    if (ok) {
      await db.deleteFrom('sign_in_failures').where('user_id', '=', user.id).where('client', '=', key).execute();
    } else {
      const now = new Date();
      await db.insertInto('sign_in_failures').values({ user_id: user.id, client: key, at: now.toISOString() }).execute();
      // Keep the table small: this account's failures past the memory window go.
      await db.deleteFrom('sign_in_failures').where('user_id', '=', user.id).where('at', '<', new Date(now.getTime() - THROTTLE.memoryHours * 3_600_000).toISOString()).execute();
    }
    return ok;
  });
}
