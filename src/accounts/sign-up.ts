import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { accountFieldProblems, createUser } from './create-user.ts';
import { issueEmailToken } from './email-tokens.ts';
import { escapeHtml } from '../search/snippet.ts';
import { assertStrongPassword } from './password-strength.ts';
import { FieldErrors, UserError, type Text } from '../shared/errors.ts';
import { isLocale } from '../i18n/index.ts';
import { mailTranslator, recipientTranslator } from '../mail/recipient-language.ts';

export interface SignUpInput {
  email: string;
  username: string;
  displayName: string;
  password: string;
  /** The language the sign-up page was shown in: the account's e-mails speak it. */
  locale?: string | null;
}

/**
 * Creates an unverified member and e-mails a verification link. When the address already has an
 * account, the answer is the same (so the form does not tell who has an account here) and that
 * account's owner is told by e-mail instead. Returns the new account's id, or null in that case.
 */
export async function signUp(db: Kysely<DB>, mailer: Mailer, siteUrl: string, input: SignUpInput): Promise<{ id: number | null }> {
  // Every field's problem at once: the format checks, then the password's strength.
  const problems: Record<string, string | Text> = accountFieldProblems({ ...input, locale: null });
  if (!problems.password && typeof input.password === 'string') {
    try {
      await assertStrongPassword(input.password, [input.username, input.email, input.displayName]);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      problems.password = err.text ?? err.message;
    }
  }
  if (Object.keys(problems).length) throw new FieldErrors(problems);
  let id: number;
  try {
    ({ id } = await createUser(db, { ...input, locale: isLocale(input.locale) ? input.locale : null, emailVerified: false }));
  } catch (err) {
    // createUser has validated every field and hashed the password by now: same work, same time.
    if (err instanceof UserError && err.status === 409 && err.field === 'email') {
      await tellOwnerOfSignUpAttempt(db, mailer, siteUrl, input.email.trim());
      return { id: null };
    }
    throw err;
  }
  await sendVerification(db, mailer, siteUrl, id, input.email.trim());
  return { id };
}

async function tellOwnerOfSignUpAttempt(db: Kysely<DB>, mailer: Mailer, siteUrl: string, email: string): Promise<void> {
  const owner = await db.selectFrom('users').select(['email', 'locale']).where('email_lower', '=', email.toLowerCase()).executeTakeFirst();
  if (!owner?.email) return;
  // The owner's language, not the one of whoever tried.
  const { t } = mailTranslator(mailer, owner.locale);
  await mailer.send({
    to: owner.email,
    subject: t('mail:signUpAttempt.subject'),
    text: `${t('mail:hello')}\n\n${t('mail:signUpAttempt.what')}\n\n${t('mail:signUpAttempt.ifYou', { signIn: `${siteUrl}/signin`, forgot: `${siteUrl}/password/forgot` })}\n\n${t('mail:signUpAttempt.ifNotYou')}\n`,
  });
}

export async function sendVerification(db: Kysely<DB>, mailer: Mailer, siteUrl: string, userId: number, email: string): Promise<void> {
  const token = await issueEmailToken(db, userId, 'verify_email', email);
  const link = `${siteUrl}/verify-email?token=${token}`;
  const { locale, t } = await recipientTranslator(db, mailer, userId);
  await mailer.send({
    to: email,
    subject: t('mail:verify.subject'),
    // The link alone on its line: mail programs make it clickable whole.
    text: `${t('mail:hello')}\n\n${t('mail:verify.text')}\n\n${link}\n\n${t('mail:verify.ignore')}\n`,
    html: verificationHtml(link, locale, t),
  });
}

/** The verification mail's HTML part: one button, and the address written out for mail programs that block buttons. */
function verificationHtml(link: string, locale: string, t: (key: string) => string): string {
  const href = escapeHtml(link);
  return [
    `<!doctype html><html lang="${escapeHtml(locale)}"><body style="font-family:system-ui,Arial,sans-serif;line-height:1.5;color:#1d2330">`,
    `<p>${escapeHtml(t('mail:hello'))}</p>`,
    `<p>${escapeHtml(t('mail:verify.html'))}</p>`,
    `<p><a href="${href}" style="display:inline-block;background:#2553c9;color:#ffffff;padding:10px 18px;border-radius:8px;font-weight:600;text-decoration:none">${escapeHtml(t('mail:verify.button'))}</a></p>`,
    `<p style="font-size:13px;color:#566072">${escapeHtml(t('mail:verify.orOpen'))} <a href="${href}" style="color:#2553c9;word-break:break-all">${href}</a></p>`,
    `<p style="font-size:13px;color:#566072">${escapeHtml(t('mail:verify.ignore'))}</p>`,
    '</body></html>',
  ].join('\n');
}
