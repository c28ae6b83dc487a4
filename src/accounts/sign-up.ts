import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { accountFieldProblems, createUser } from './create-user.ts';
import { issueEmailToken } from './email-tokens.ts';
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
  await mailer.send({
    to: email,
    subject: 'Confirm your e-mail address',
    text: `Hello,\n\nPlease confirm your e-mail address for the community by opening this link within 48 hours:\n\n${siteUrl}/verify-email?token=${token}\n\nIf you did not sign up, ignore this message.\n`,
  });
}
