// Two-step verification: after the password, a six-digit code from an authenticator app (TOTP,
// RFC 6238, via otpauth), or one of the account's one-time backup codes. The codes are checked
// under the sign-in throttle (sign-in-throttle.ts): a wrong code is a failure like a wrong
// password, so guessing a code costs the same growing waits.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import type { DB } from '../db/schema.ts';
import { nowIso } from '../shared/clock.ts';
import { hashToken } from '../shared/tokens.ts';
import { verifyThrottled, type SignInClient } from './sign-in-throttle.ts';

const PERIOD = 30;
// One step either side: a phone's clock a little off, or a code typed as it changes.
const WINDOW = 1;
export const BACKUP_CODE_COUNT = 10;

/** A new TOTP secret: 160 bits, as RFC 4226 recommends, in the base32 that apps take. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** The authenticator app's entry for an account (otpauth:// URI, shown as a QR code). */
export function totpUri(secret: string, account: string, issuer: string): string {
  return new TOTP({ issuer, label: account, secret: Secret.fromBase32(secret), period: PERIOD, digits: 6, algorithm: 'SHA1' }).toString();
}

/** The 30-second step a six-digit code belongs to, or null when it is none of the steps in the window. */
export function totpStep(secret: string, code: string, now = Date.now()): number | null {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), period: PERIOD, digits: 6, algorithm: 'SHA1' });
  const delta = totp.validate({ token: code, timestamp: now, window: WINDOW });
  return delta === null ? null : Math.floor(now / 1000 / PERIOD) + delta;
}

// Backup codes: 16 characters of Crockford's base32 (80 bits), shown in groups of four. Read
// back forgivingly: case, spaces and dashes do not matter, and O/I/L read as 0/1/1.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const BACKUP_FORM = /^[0-9a-hjkmnp-tv-z]{16}$/;
export function normalizeBackupCode(input: string): string {
  return input.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
}
const backupHash = (code: string) => hashToken(`backup-code:${code}`);

export function newBackupCodes(): string[] {
  return Array.from({ length: BACKUP_CODE_COUNT }, () => {
    const bytes = randomBytes(16);
    const chars = Array.from(bytes, (b) => ALPHABET[b & 31]).join('');
    return chars.match(/.{4}/g)!.join('-');
  });
}

/** Replaces an account's backup codes with new ones and returns them (shown once, kept hashed). */
export async function replaceBackupCodes(db: Kysely<DB>, userId: number): Promise<string[]> {
  const codes = newBackupCodes();
  await db.deleteFrom('two_factor_backup_codes').where('user_id', '=', userId).execute();
  await db.insertInto('two_factor_backup_codes').values(codes.map((c) => ({ user_id: userId, code_hash: backupHash(normalizeBackupCode(c)), used_at: null }))).execute();
  return codes;
}

export interface TwoFactorState {
  on: boolean;
  since: string | null;
  backupCodesLeft: number;
}

/** Whether an account has two-step verification on, since when, and how many backup codes it has left. */
export async function twoFactorState(db: Kysely<DB>, userId: number): Promise<TwoFactorState> {
  const row = await db.selectFrom('two_factor').select('enabled_at').where('user_id', '=', userId).executeTakeFirst();
  if (!row?.enabled_at) return { on: false, since: null, backupCodesLeft: 0 };
  const left = await db.selectFrom('two_factor_backup_codes').select((eb) => eb.fn.countAll().as('n')).where('user_id', '=', userId).where('used_at', 'is', null).executeTakeFirst();
  return { on: true, since: row.enabled_at, backupCodesLeft: Number(left?.n ?? 0) };
}

export async function hasTwoFactor(db: Kysely<DB>, userId: number): Promise<boolean> {
  const row = await db.selectFrom('two_factor').select('enabled_at').where('user_id', '=', userId).executeTakeFirst();
  return !!row?.enabled_at;
}

/**
 * Accepts a code from the app once: the step is written only if it is later than the last one
 * accepted, in one conditional update, so two requests racing with the same code cannot both win.
 */
export async function acceptTotp(db: Kysely<DB>, userId: number, secret: string, code: string, now = Date.now()): Promise<boolean> {
  const step = totpStep(secret, code, now);
  if (step === null) return false;
  const r = await db
    .updateTable('two_factor')
    .set({ last_step: step })
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

async function spendBackupCode(db: Kysely<DB>, userId: number, input: string): Promise<boolean> {
  const code = normalizeBackupCode(input);
  if (!BACKUP_FORM.test(code)) return false;
  const r = await db
    .updateTable('two_factor_backup_codes')
    .set({ used_at: nowIso() })
    .where('user_id', '=', userId)
    .where('code_hash', '=', backupHash(code))
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Checks the second step of a sign-in: six digits are an app code, anything else a backup code
 * (spent if right). Under the sign-in throttle: throws ThrottledError while this client must wait.
 */
export async function verifySecondFactor(db: Kysely<DB>, userId: number, input: string, client: SignInClient, now = Date.now()): Promise<boolean> {
  const row = await db.selectFrom('two_factor').select(['secret', 'enabled_at']).where('user_id', '=', userId).executeTakeFirst();
  if (!row?.enabled_at) return false;
  const code = typeof input === 'string' ? input.trim().slice(0, 64) : '';
  return verifyThrottled(db, { userId }, async () => {
    const digits = code.replace(/\s/g, '');
    if (/^\d{6}$/.test(digits)) return acceptTotp(db, userId, row.secret, digits, now);
    return spendBackupCode(db, userId, code);
  }, client);
}
