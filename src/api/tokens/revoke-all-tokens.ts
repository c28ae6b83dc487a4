import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { nowIso } from '../../shared/clock.ts';

/**
 * Revokes every live API token of an account, after its password was changed or reset: whoever
 * took the account over must not keep a way in. Returns how many were revoked.
 */
export async function revokeAllApiTokens(db: Kysely<DB>, userId: number): Promise<number> {
  const res = await db.updateTable('api_tokens').set({ revoked_at: nowIso() }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(res.numUpdatedRows ?? 0);
}
