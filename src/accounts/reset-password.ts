import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { text, UserError } from '../shared/errors.ts';
import { mailTranslator } from '../mail/recipient-language.ts';
import { consumeEmailToken, issueEmailToken } from './email-tokens.ts';
import { findUserByLogin } from './find-user.ts';
import { hashPassword } from './passwords.ts';
import { assertStrongPassword } from './password-strength.ts';
import { destroyUserSessions } from './sessions.ts';
import { revokeAllApiTokens } from '../api/tokens/revoke-all-tokens.ts';
import { passwordSchema } from './validation.ts';

/** Sends a reset link if the address belongs to an account; says nothing either way. */
export async function requestPasswordReset(db: Kysely<DB>, mailer: Mailer, siteUrl: string, email: string): Promise<void> {
  if (typeof email !== 'string' || !email.includes('@')) throw new UserError(text('accounts:errors.resetEmailRequired'), 400, 'email');
  const user = await findUserByLogin(db, email);
  if (!user || !user.email || user.email_lower !== email.trim().toLowerCase()) return;
  const token = await issueEmailToken(db, user.id, 'reset_password', user.email);
  const { t } = mailTranslator(mailer, user.locale);
  await mailer.send({
    to: user.email,
    subject: t('mail:reset.subject'),
    text: `${t('mail:hello')}\n\n${t('mail:reset.text')}\n\n${siteUrl}/password/reset?token=${token}\n\n${t('mail:reset.ignore')}\n`,
  });
}

/** Sets a new password from a reset link, signs the account out everywhere and revokes its API tokens. */
export async function resetPassword(db: Kysely<DB>, token: string, password: string): Promise<{ userId: number; revokedTokens: number }> {
  const parsed = passwordSchema.safeParse(password);
  if (!parsed.success) throw new UserError(parsed.error.issues[0]!.message, 400, 'password');
  await assertStrongPassword(password);
  const hash = await hashPassword(password);
  const userId = await db.transaction().execute(async (tx) => {
    const t = await consumeEmailToken(tx, token, 'reset_password');
    await tx.updateTable('users').set({ password_hash: hash }).where('id', '=', t.user_id).execute();
    await tx.deleteFrom('sign_in_failures').where('user_id', '=', t.user_id).execute();
    return t.user_id;
  });
  await destroyUserSessions(db, userId);
  return { userId, revokedTokens: await revokeAllApiTokens(db, userId) };
}
