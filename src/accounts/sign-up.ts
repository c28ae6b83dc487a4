import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { createUser } from './create-user.ts';
import { issueEmailToken } from './email-tokens.ts';
import { assertStrongPassword } from './password-strength.ts';

export interface SignUpInput {
  email: string;
  username: string;
  displayName: string;
  password: string;
}

/** Creates an unverified member and e-mails a verification link. */
export async function signUp(db: Kysely<DB>, mailer: Mailer, siteUrl: string, input: SignUpInput): Promise<{ id: number }> {
  if (typeof input.password === 'string' && input.password.length >= 10) {
    await assertStrongPassword(input.password, [input.username, input.email, input.displayName]);
  }
  const { id } = await createUser(db, { ...input, emailVerified: false });
  await sendVerification(db, mailer, siteUrl, id, input.email.trim());
  return { id };
}

export async function sendVerification(db: Kysely<DB>, mailer: Mailer, siteUrl: string, userId: number, email: string): Promise<void> {
  const token = await issueEmailToken(db, userId, 'verify_email', email);
  await mailer.send({
    to: email,
    subject: 'Confirm your e-mail address',
    text: `Hello,\n\nPlease confirm your e-mail address for the community by opening this link within 48 hours:\n\n${siteUrl}/verify-email?token=${token}\n\nIf you did not sign up, ignore this message.\n`,
  });
}
