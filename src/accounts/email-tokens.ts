import type { Kysely } from 'kysely';
import type { DB, EmailTokenPurpose } from '../db/schema.ts';
import { text, UserError } from '../shared/errors.ts';
import { hashToken, newToken } from '../shared/tokens.ts';

const LIFETIME_HOURS: Record<EmailTokenPurpose, number> = { verify_email: 48, reset_password: 1 };

/** Issues a one-time link token for `email`; earlier unused tokens of the same purpose lapse. */
export async function issueEmailToken(db: Kysely<DB>, userId: number, purpose: EmailTokenPurpose, email: string): Promise<string> {
  const { token, hash } = newToken();
  const now = new Date();
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('email_tokens').where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null).execute();
    await tx
      .insertInto('email_tokens')
      .values({
        id: hash,
        user_id: userId,
        purpose,
        email,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + LIFETIME_HOURS[purpose] * 3_600_000).toISOString(),
        used_at: null,
      })
      .execute();
  });
  return token;
}

/** Checks a token without using it (to show the reset form). */
export async function peekEmailToken(db: Kysely<DB>, token: string, purpose: EmailTokenPurpose) {
  if (typeof token !== 'string' || token.length < 20 || token.length > 100) throw invalid();
  const row = await db.selectFrom('email_tokens').selectAll().where('id', '=', hashToken(token)).where('purpose', '=', purpose).executeTakeFirst();
  if (!row || row.used_at || row.expires_at < new Date().toISOString()) throw invalid();
  return row;
}

/** Uses a token once, inside the caller's transaction. Forged, used or expired tokens are refused. */
export async function consumeEmailToken(tx: Kysely<DB>, token: string, purpose: EmailTokenPurpose) {
  const row = await peekEmailToken(tx, token, purpose);
  const used = await tx.updateTable('email_tokens').set({ used_at: new Date().toISOString() }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst();
  if (Number(used.numUpdatedRows) !== 1) throw invalid();
  return row;
}

const invalid = () => new UserError(text('accounts:errors.linkInvalid'), 400);
