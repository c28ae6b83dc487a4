import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { accountFieldProblems, createUser } from './create-user.ts';
import { issueEmailToken } from './email-tokens.ts';
import { escapeHtml } from '../search/snippet.ts';
import { assertStrongPassword } from './password-strength.ts';
import { FieldErrors, UserError } from '../shared/errors.ts';

export interface SignUpInput {
  email: string;
  username: string;
  displayName: string;
  password: string;
}

/**
 * Creates an unverified member and e-mails a verification link. When the address already has an
 * account, the answer is the same (so the form does not tell who has an account here) and that
 * account's owner is told by e-mail instead. Returns the new account's id, or null in that case.
 */
export async function signUp(db: Kysely<DB>, mailer: Mailer, siteUrl: string, input: SignUpInput): Promise<{ id: number | null }> {
  // Every field's problem at once: the format checks, then the password's strength.
  const problems = accountFieldProblems(input);
  if (!problems.password && typeof input.password === 'string') {
    try {
      await assertStrongPassword(input.password, [input.username, input.email, input.displayName]);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      problems.password = err.message;
    }
  }
  if (Object.keys(problems).length) throw new FieldErrors(problems);
  let id: number;
  try {
    ({ id } = await createUser(db, { ...input, emailVerified: false }));
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
  const owner = await db.selectFrom('users').select('email').where('email_lower', '=', email.toLowerCase()).executeTakeFirst();
  if (!owner?.email) return;
  await mailer.send({
    to: owner.email,
    subject: 'Someone tried to sign up with your address',
    text: `Hello,\n\nSomeone tried to create a new community account with this e-mail address, which already has an account. No new account was made.\n\nIf it was you: you already have an account. Sign in at ${siteUrl}/signin, or if you forgot your password, choose a new one at ${siteUrl}/password/forgot\n\nIf it was not you, you can ignore this message: your account is unchanged.\n`,
  });
}

export async function sendVerification(db: Kysely<DB>, mailer: Mailer, siteUrl: string, userId: number, email: string): Promise<void> {
  const token = await issueEmailToken(db, userId, 'verify_email', email);
  const link = `${siteUrl}/verify-email?token=${token}`;
  await mailer.send({
    to: email,
    subject: 'Confirm your e-mail address',
    // The link alone on its line: mail programs make it clickable whole.
    text: `Hello,\n\nPlease confirm your e-mail address for the community by opening this link within 48 hours:\n\n${link}\n\nIf you did not sign up, ignore this message.\n`,
    html: verificationHtml(link),
  });
}

/** The verification mail's HTML part: one button, and the address written out for mail programs that block buttons. */
function verificationHtml(link: string): string {
  const href = escapeHtml(link);
  return [
    '<!doctype html><html lang="en"><body style="font-family:system-ui,Arial,sans-serif;line-height:1.5;color:#1d2330">',
    '<p>Hello,</p>',
    '<p>Please confirm your e-mail address for the community within 48 hours.</p>',
    `<p><a href="${href}" style="display:inline-block;background:#2553c9;color:#ffffff;padding:10px 18px;border-radius:8px;font-weight:600;text-decoration:none">Confirm my e-mail address</a></p>`,
    `<p style="font-size:13px;color:#566072">Or open this address: <a href="${href}" style="color:#2553c9;word-break:break-all">${href}</a></p>`,
    '<p style="font-size:13px;color:#566072">If you did not sign up, ignore this message.</p>',
    '</body></html>',
  ].join('\n');
}
