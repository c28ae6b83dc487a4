import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../policy/policy.ts';
import { nowIso } from '../../shared/clock.ts';
import { NotFoundError, text } from '../../shared/errors.ts';

/** Revokes one of the actor's own tokens; it stops working at once. Revoking twice is harmless. */
export async function revokeApiToken(db: Kysely<DB>, actor: Actor, tokenId: number): Promise<void> {
  // Someone else's token looks like no token at all.
  const row = await db.selectFrom('api_tokens').select(['id', 'revoked_at']).where('id', '=', tokenId).where('user_id', '=', actor.id).executeTakeFirst();
  if (!row) throw new NotFoundError(text('api:errors.noSuchToken'));
  if (row.revoked_at) return;
  await db.updateTable('api_tokens').set({ revoked_at: nowIso() }).where('id', '=', row.id).execute();
}
