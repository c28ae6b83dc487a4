// Turning two-step verification off: by the owner, with their password; or by an admin for a
// member who lost both their phone and their backup codes, with a reason in the staff log. (The
// routes then tell the owner by e-mail, two-factor-notice.ts.)
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { logStaffAction } from '../moderation/staff-log.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { NotFoundError, text, UserError } from '../shared/errors.ts';
import { confirmPassword } from './set-up-two-factor.ts';
import type { SignInClient } from './sign-in-throttle.ts';

async function removeTwoFactor(db: Kysely<DB>, userId: number): Promise<boolean> {
  await db.deleteFrom('two_factor_backup_codes').where('user_id', '=', userId).execute();
  const r = await db.deleteFrom('two_factor').where('user_id', '=', userId).where('enabled_at', 'is not', null).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function turnOffTwoFactor(db: Kysely<DB>, actor: Actor, password: string, client: SignInClient): Promise<void> {
  const row = await db.selectFrom('two_factor').select('enabled_at').where('user_id', '=', actor.id).executeTakeFirst();
  if (!row?.enabled_at) throw new UserError(text('accounts:errors.twoFactorOff'), 400);
  await confirmPassword(db, actor, password, client);
  await db.transaction().execute((tx) => removeTwoFactor(tx, actor.id));
}

/** An admin turns it off for someone else; the reason is required (it goes to the staff log). */
export async function resetTwoFactorOf(db: Kysely<DB>, actor: Actor, userId: number, reason: string): Promise<void> {
  authorize(actor, 'user.resetTwoFactor', { id: userId });
  const why = typeof reason === 'string' ? reason.trim() : '';
  if (!why) throw new UserError(text('accounts:errors.twoFactorResetReason'), 400, 'reason');
  if (why.length > 1000) throw new UserError(text('accounts:errors.reasonTooLong'), 400, 'reason');
  const removed = await db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').select('id').where('id', '=', userId).where('deleted_at', 'is', null).executeTakeFirst();
    if (!user) throw new NotFoundError(text('admin:errors.noSuchMember'));
    if (!(await removeTwoFactor(tx, userId))) return false;
    await logStaffAction(tx, actor, { action: 'user.resetTwoFactor', target: `user:${userId}`, reason: why });
    return true;
  });
  if (!removed) throw new UserError(text('accounts:errors.twoFactorOffFor'), 400);
}
