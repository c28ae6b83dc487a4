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
/** How far ahead a reminder may be set. */
const REMINDER_MAX_MS = 366 * 86_400_000;

export interface BookmarkChanges {
  /** The reader's note; undefined keeps the saved post's note ('' for a new one). */
  note?: string;
  /** When to be reminded (ISO 8601, within the next year), null for no reminder; undefined keeps it. */
  remindAt?: string | null;
}

/**
 * Saves a post for the reader to come back to, or changes the note or reminder of a saved post.
 * The note is private to the reader (nobody else ever sees it), so it is not put through the
 * confidentiality guard, which keeps customer data out of what others read.
 * @returns whether the post was newly saved (false: a saved post changed).
 */
export async function bookmarkPost(db: Kysely<DB>, actor: Actor, postId: number, changes: BookmarkChanges = {}, max = MAX_BOOKMARKS, now = Date.now()): Promise<boolean> {
  const { post, subject } = await loadVisiblePost(db, actor, postId);
  authorize(actor, 'post.bookmark', subject);
  const note = changes.note === undefined ? undefined : changes.note.replace(/\s+/g, ' ').trim();
  if (note !== undefined && note.length > NOTE_MAX) throw new UserError(text('community:bookmarks.errors.noteTooLong', { max: NOTE_MAX }), 400, 'note');
  const remindAt = changes.remindAt === undefined || changes.remindAt === null ? changes.remindAt : reminderTime(changes.remindAt, now);
  const set = { ...(note !== undefined ? { note } : {}), ...(remindAt !== undefined ? { remind_at: remindAt } : {}) };
  return db.transaction().execute(async (tx) => {
    const existing = await tx.selectFrom('bookmarks').select('post_id').where('user_id', '=', actor.id).where('post_id', '=', post.id).executeTakeFirst();
    if (existing) {
      if (Object.keys(set).length) await tx.updateTable('bookmarks').set(set).where('user_id', '=', actor.id).where('post_id', '=', post.id).execute();
      return false;
    }
    const row = await tx.selectFrom('bookmarks').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', actor.id).executeTakeFirstOrThrow();
    if (Number(row.n) >= max) throw new UserError(text('community:bookmarks.errors.tooMany', { max }), 409);
    // Two saves of the same post at once: the second finds the row and changes nothing.
    await tx.insertInto('bookmarks').values({ user_id: actor.id, post_id: post.id, note: note ?? '', remind_at: remindAt ?? null, created_at: nowIso() })
      .onConflict((oc) => oc.columns(['user_id', 'post_id']).doNothing()).execute();
    return true;
  });
}

/** A reminder time as stored (ISO 8601 UTC, milliseconds): in the future and within the next year. */
function reminderTime(value: string, now: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  // Date.parse rolls a 30 February over into March: the day must exist in its month.
  const real = m && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDate() === Number(m[3]);
  const at = real ? Date.parse(value) : NaN;
  if (!Number.isFinite(at) || at <= now || at > now + REMINDER_MAX_MS) throw new UserError(text('community:bookmarks.errors.badReminder'), 400, 'remindAt');
  return new Date(at).toISOString();
}

/** The list page's "Remind me" choices: when each is from `now`; 'keep' leaves the reminder as it is. */
export const REMINDER_CHOICES = { '2h': 2 * 3_600_000, '1d': 86_400_000, '3d': 3 * 86_400_000, '1w': 7 * 86_400_000 } as const;
export function reminderFromChoice(choice: string, now = Date.now()): string | null | undefined {
  if (choice === 'keep') return undefined;
  const ms = REMINDER_CHOICES[choice as keyof typeof REMINDER_CHOICES];
  return ms ? new Date(now + ms).toISOString() : null;
}

/** Takes a post off the reader's saved posts; a post that was not saved is no error (the page may be stale). */
export async function removeBookmark(db: Kysely<DB>, actor: Actor, postId: number): Promise<boolean> {
  const removed = await db.deleteFrom('bookmarks').where('user_id', '=', actor.id).where('post_id', '=', postId).executeTakeFirst();
  return Number(removed.numDeletedRows) > 0;
}
