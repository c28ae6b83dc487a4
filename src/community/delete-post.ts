import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { loadVisiblePost } from './load-post.ts';
import { indexPost, unindexTopic } from '../search/index-document.ts';
import { announcePost } from '../notifications/live.ts';

/**
 * Soft-deletes a post (its text stays in the database for moderators). Deleting the first post
 * of a topic removes the whole topic from lists.
 */
export async function deletePost(db: Kysely<DB>, actor: Actor, postId: number): Promise<{ topicDeleted: boolean }> {
  const { post, subject } = await loadVisiblePost(db, actor, postId);
  authorize(actor, 'post.delete', subject);
  const at = nowIso();
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('posts').set({ deleted_at: at, deleted_by: actor.id }).where('id', '=', post.id).execute();
    if (post.post_number === 1) {
      await tx.updateTable('topics').set({ deleted_at: at }).where('id', '=', post.topic_id).execute();
      await tx.updateTable('boards').set((eb) => ({ topic_count: eb('topic_count', '-', 1) })).where('id', '=', post.board_id).execute();
      // The board's "latest topic" on the home page must not go on naming a deleted topic.
      const latest = await tx
        .selectFrom('topics')
        .select(['id', 'last_post_at'])
        .where('board_id', '=', post.board_id)
        .where('deleted_at', 'is', null)
        .orderBy('last_post_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      await tx
        .updateTable('boards')
        .set({ last_topic_id: latest?.id ?? null, last_post_at: latest?.last_post_at ?? null })
        .where('id', '=', post.board_id)
        .where('last_topic_id', '=', post.topic_id)
        .execute();
    }
    // A deleted reply is no longer the accepted answer.
    await tx.updateTable('topics').set({ solved_post_id: null }).where('solved_post_id', '=', post.id).execute();
    // Out of the search index with it (a deleted first post takes its whole topic out).
    if (post.post_number === 1) await unindexTopic(tx, post.topic_id);
    else await indexPost(tx, post.id);
  });
  announcePost(post, 'delete'); // open pages of the topic take the post away (src/notifications/live.ts)
  return { topicDeleted: post.post_number === 1 };
}
