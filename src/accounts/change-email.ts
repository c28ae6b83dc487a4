import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Actor } from '../policy/policy.ts';
import { text, UserError } from '../shared/errors.ts';
import { verifyAccountPassword, type SignInClient } from './sign-in-throttle.ts';
import { sendVerification } from './sign-up.ts';
import { emailSchema } from './validation.ts';

/**
 * Asks to move the account to a new address: a link goes to the new address, and only when it
 * is followed does the address change (and the Employee role follow it, see verify-email).
 */
export async function requestEmailChange(db: Kysely<DB>, mailer: Mailer, siteUrl: string, actor: Actor, newEmail: string, password: string, client: SignInClient): Promise<string> {
  const parsed = emailSchema.safeParse(newEmail);
  if (!parsed.success) throw new UserError(parsed.error.issues[0]!.message, 400, 'email');
  const email = parsed.data;
  const user = await db.selectFrom('users').select(['password_hash', 'email_lower']).where('id', '=', actor.id).executeTakeFirstOrThrow();
  // A wrong current password counts as a failed sign-in (same throttle).
  if (user.password_hash && !(await verifyAccountPassword(db, { id: actor.id, password_hash: user.password_hash }, typeof password === 'string' ? password : '', client))) {
    throw new UserError(text('accounts:errors.currentPasswordWrong'), 400, 'currentPassword');
  }
  if (user.email_lower === email.toLowerCase()) throw new UserError(text('accounts:errors.emailSame'), 400, 'email');
  const taken = await db.selectFrom('users').select('id').where('email_lower', '=', email.toLowerCase()).executeTakeFirst();
  if (taken) throw new UserError(text('accounts:errors.emailTaken'), 409, 'email');
  await sendVerification(db, mailer, siteUrl, actor.id, email);
  return email;
}

/**
 * The address a change was last asked for and not yet confirmed (its link unused and still
 * valid), for the settings page to name after the form redirects to it; null if none.
 */
export async function pendingEmailChange(db: Kysely<DB>, userId: number): Promise<string | null> {
  const row = await db
    .selectFrom('email_tokens')
    .select('email')
    .where('user_id', '=', userId)
    .where('purpose', '=', 'verify_email')
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date().toISOString())
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row?.email ?? null;
}
