import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { changedOnlyTopic } from '../web/anonymous-cache.ts';

/** A write to one post changes only its topic's pages (and the lists): visitors' cached pages of
 * other topics stay (src/web/anonymous-cache.ts). Takes effect only if the write succeeds. */
export async function changedPostsTopic(db: Kysely<DB>, request: FastifyRequest, postId: number): Promise<void> {
  const row = await db.selectFrom('posts').select('topic_id').where('id', '=', postId).executeTakeFirst();
  if (row) changedOnlyTopic(request, row.topic_id);
}
