import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { text, UserError } from '../shared/errors.ts';
import { syncEmployeeRole } from './company-domains.ts';
import { consumeEmailToken } from './email-tokens.ts';

/** Follows a verification link: the address it was sent to becomes the account's verified address. */
export async function verifyEmail(
  db: Kysely<DB>,
  token: string,
  company: { domains: readonly string[]; allowSubdomains: boolean },
): Promise<{ userId: number; changed: boolean }> {
  const row = await db.transaction().execute(async (tx) => {
    const t = await consumeEmailToken(tx, token, 'verify_email');
    const taken = await tx.selectFrom('users').select('id').where('email_lower', '=', t.email.toLowerCase()).where('id', '!=', t.user_id).executeTakeFirst();
    if (taken) throw new UserError(text('accounts:errors.verifiedElsewhere'), 409);
    const before = await tx.selectFrom('users').select(['email_lower', 'email_verified_at']).where('id', '=', t.user_id).executeTakeFirstOrThrow();
    await tx
      .updateTable('users')
      .set({ email: t.email, email_lower: t.email.toLowerCase(), email_verified_at: new Date().toISOString() })
      .where('id', '=', t.user_id)
      .execute();
    // A change of a confirmed address (not the first confirmation after sign-up).
    return { ...t, changed: before.email_verified_at !== null && before.email_lower !== t.email.toLowerCase() };
  });
  await syncEmployeeRole(db, row.user_id, row.email, company);
  return { userId: row.user_id, changed: row.changed };
}
