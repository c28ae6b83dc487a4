// Kudos shown in topic lists (the Ideas board votes with them): the kudos of each topic's first
// post, read for the listed topics only, beside the listing query rather than inside it.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export async function firstPostKudos(db: Kysely<DB>, topicIds: readonly number[]): Promise<Map<number, number>> {
  if (topicIds.length === 0) return new Map();
  const rows = await db.selectFrom('posts').select(['topic_id', 'kudos_count']).where('topic_id', 'in', [...topicIds]).where('post_number', '=', 1).where('kudos_count', '>', 0).execute();
  return new Map(rows.map((r) => [r.topic_id, Number(r.kudos_count)]));
}
