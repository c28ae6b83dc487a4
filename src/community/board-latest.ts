import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/**
 * Sets a board's "latest" (the topic its home-page card names, and its last activity) from the
 * live topics it holds now: after a topic leaves or joins it other than by a new post (moved,
 * merged, split), so that the card never names a topic of another board — perhaps one its
 * readers may not see — nor misses the one that came in. Call inside the write's transaction.
 */
export async function recomputeBoardLatest(tx: Kysely<DB>, boardId: number): Promise<void> {
  const latest = await tx
    .selectFrom('topics')
    .select(['id', 'last_post_at'])
    .where('board_id', '=', boardId)
    .where('deleted_at', 'is', null)
    .orderBy('last_post_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  await tx.updateTable('boards').set({ last_topic_id: latest?.id ?? null, last_post_at: latest?.last_post_at ?? null }).where('id', '=', boardId).execute();
}
