import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { text, UserError } from '../shared/errors.ts';
import { loadVisiblePost } from './load-post.ts';

/** A saved post's note: the reader's own reminder ("try this after the upgrade"). */
export const NOTE_MAX = 200;
/** Saved posts a person may keep (Discourse's default max_bookmarks_per_user is 2,000 too). */
export const MAX_BOOKMARKS = 2000;

/**
 * Saves a post for the reader to come back to, or changes its note when it is saved already.
 * The note is private to the reader (nobody else ever sees it), so it is not put through the
 * confidentiality guard, which keeps customer data out of what others read.
 * @returns whether the post was newly saved (false: the note of a saved post changed).
 */
export async function bookmarkPost(db: Kysely<DB>, actor: Actor, postId: number, note = '', max = MAX_BOOKMARKS): Promise<boolean> {
  const { post, subject } = await loadVisiblePost(db, actor, postId);
  authorize(actor, 'post.bookmark', subject);
  const clean = note.replace(/\s+/g, ' ').trim();
  if (clean.length > NOTE_MAX) throw new UserError(text('community:bookmarks.errors.noteTooLong', { max: NOTE_MAX }), 400, 'note');
  return db.transaction().execute(async (tx) => {
    const changed = await tx.updateTable('bookmarks').set({ note: clean }).where('user_id', '=', actor.id).where('post_id', '=', post.id).executeTakeFirst();
    if (Number(changed.numUpdatedRows) > 0) return false;
    const row = await tx.selectFrom('bookmarks').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', actor.id).executeTakeFirstOrThrow();
    if (Number(row.n) >= max) throw new UserError(text('community:bookmarks.errors.tooMany', { max }), 409);
    // Two saves of the same post at once: the second finds the row and changes nothing.
    await tx.insertInto('bookmarks').values({ user_id: actor.id, post_id: post.id, note: clean, created_at: nowIso() })
      .onConflict((oc) => oc.columns(['user_id', 'post_id']).doNothing()).execute();
    return true;
  });
}

/** Takes a post off the reader's saved posts; a post that was not saved is no error (the page may be stale). */
export async function removeBookmark(db: Kysely<DB>, actor: Actor, postId: number): Promise<boolean> {
  const removed = await db.deleteFrom('bookmarks').where('user_id', '=', actor.id).where('post_id', '=', postId).executeTakeFirst();
  return Number(removed.numDeletedRows) > 0;
}
