import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { text, UserError } from '../shared/errors.ts';
import { loadVisiblePost } from './load-post.ts';
import { notifyPostEvent } from '../notifications/notify-post-event.ts';

/** One kudos per person per post; returns the new count. */
export async function giveKudos(db: Kysely<DB>, actor: Actor, postId: number): Promise<number> {
  const { post, subject } = await loadVisiblePost(db, actor, postId);
  if (actor.id === post.user_id) throw new UserError(text('community:errors.ownKudos'), 403);
  authorize(actor, 'post.kudos', subject);
  const count = await db.transaction().execute(async (tx) => {
    const inserted = await tx
      .insertInto('kudos')
      .values({ post_id: post.id, user_id: actor.id, created_at: nowIso() })
      .onConflict((oc) => oc.columns(['post_id', 'user_id']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) throw new UserError(text('community:errors.alreadyKudos'), 409);
    const row = await tx
      .updateTable('posts')
      .set((eb) => ({ kudos_count: eb('kudos_count', '+', 1) }))
      .where('id', '=', post.id)
      .returning('kudos_count')
      .executeTakeFirstOrThrow();
    return row.kudos_count;
  });
  await notifyPostEvent(db, 'kudos', post.id, actor.id); // the post's author hears of it in the app
  return count;
}

/** Takes one's kudos back; returns the new count. */
export async function takeBackKudos(db: Kysely<DB>, actor: Actor, postId: number): Promise<number> {
  const { post } = await loadVisiblePost(db, actor, postId);
  return db.transaction().execute(async (tx) => {
    const removed = await tx.deleteFrom('kudos').where('post_id', '=', post.id).where('user_id', '=', actor.id).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw new UserError(text('community:errors.noKudosGiven'), 409);
    const row = await tx
      .updateTable('posts')
      .set((eb) => ({ kudos_count: eb('kudos_count', '-', 1) }))
      .where('id', '=', post.id)
      .returning('kudos_count')
      .executeTakeFirstOrThrow();
    return row.kudos_count;
  });
}
