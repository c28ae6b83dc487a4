// Turning two-step verification on, in two steps: the password (so that a browser left signed
// in cannot lock its owner out), then a code from the app, which shows that the app and the
// server agree on the secret before a sign-in depends on it.
import type { Kysely } from 'kysely';
import QRCode from 'qrcode';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { text, UserError } from '../shared/errors.ts';
import { verifyAccountPassword, type SignInClient } from './sign-in-throttle.ts';
import { acceptTotp, newTotpSecret, replaceBackupCodes, totpUri } from './two-factor.ts';

/** Checks the current password of an account that signs in with one (a wrong one counts as a failed sign-in). */
export async function confirmPassword(db: Kysely<DB>, actor: Actor, password: string, client: SignInClient): Promise<void> {
  const user = await db.selectFrom('users').select('password_hash').where('id', '=', actor.id).executeTakeFirstOrThrow();
  // Accounts made through single sign-on have no password here: their identity provider asks for a second step.
  if (!user.password_hash) throw new UserError(text('accounts:errors.twoFactorNoPassword'), 400);
  if (!(await verifyAccountPassword(db, { id: actor.id, password_hash: user.password_hash }, typeof password === 'string' ? password : '', client))) {
    throw new UserError(text('accounts:errors.currentPasswordWrong'), 400, 'currentPassword');
  }
}

/** Step 1: after the password, a new secret waits (not yet in force) for a code from the app. */
export async function beginTwoFactorSetup(db: Kysely<DB>, actor: Actor, password: string, client: SignInClient): Promise<void> {
  const row = await db.selectFrom('two_factor').select('enabled_at').where('user_id', '=', actor.id).executeTakeFirst();
  if (row?.enabled_at) throw new UserError(text('accounts:errors.twoFactorAlreadyOn'), 400);
  await confirmPassword(db, actor, password, client);
  const values = { secret: newTotpSecret(), enabled_at: null, last_step: null, created_at: nowIso() };
  await db.insertInto('two_factor').values({ user_id: actor.id, ...values }).onConflict((oc) => oc.column('user_id').doUpdateSet(values)).execute();
}

export interface PendingSetup {
  /** The secret for typing into an app by hand, in groups of four. */
  secret: string;
  uri: string;
  /** The QR code of the URI, as SVG markup made by the qrcode package (no user text in it). */
  qrSvg: string;
}

/** What the set-up page shows while a set-up waits for its code; null when none does. */
export async function pendingTwoFactorSetup(db: Kysely<DB>, actor: Actor, issuer: string): Promise<PendingSetup | null> {
  const row = await db.selectFrom('two_factor').innerJoin('users', 'users.id', 'two_factor.user_id').select(['two_factor.secret', 'two_factor.enabled_at', 'users.username']).where('user_id', '=', actor.id).executeTakeFirst();
  if (!row || row.enabled_at) return null;
  const uri = totpUri(row.secret, row.username, issuer);
  const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
  return { secret: row.secret.match(/.{1,4}/g)!.join(' '), uri, qrSvg };
}

/** Step 2: a right code turns it on and returns the backup codes, shown once. */
export async function confirmTwoFactorSetup(db: Kysely<DB>, actor: Actor, code: string, now = Date.now()): Promise<string[]> {
  const row = await db.selectFrom('two_factor').select(['secret', 'enabled_at']).where('user_id', '=', actor.id).executeTakeFirst();
  if (!row || row.enabled_at) throw new UserError(text('accounts:errors.twoFactorNoSetup'), 400);
  const digits = typeof code === 'string' ? code.replace(/\s/g, '') : '';
  if (!/^\d{6}$/.test(digits)) throw new UserError(text('accounts:errors.twoFactorCodeForm'), 400, 'code');
  const codes = await db.transaction().execute(async (tx) => {
    if (!(await acceptTotp(tx, actor.id, row.secret, digits, now))) throw new UserError(text('accounts:errors.twoFactorCodeWrong'), 400, 'code');
    await tx.updateTable('two_factor').set({ enabled_at: nowIso() }).where('user_id', '=', actor.id).execute();
    return replaceBackupCodes(tx, actor.id);
  });
  return codes;
}

/** New backup codes (the old ones stop working), after the password. */
export async function regenerateBackupCodes(db: Kysely<DB>, actor: Actor, password: string, client: SignInClient): Promise<string[]> {
  const row = await db.selectFrom('two_factor').select('enabled_at').where('user_id', '=', actor.id).executeTakeFirst();
  if (!row?.enabled_at) throw new UserError(text('accounts:errors.twoFactorOff'), 400);
  await confirmPassword(db, actor, password, client);
  return db.transaction().execute((tx) => replaceBackupCodes(tx, actor.id));
}
