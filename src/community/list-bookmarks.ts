import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { can, visibleBoardKinds, type Actor } from '../policy/policy.ts';
import { text, UserError } from '../shared/errors.ts';
import { POSTS_PER_PAGE } from './show-topic.ts';

export const BOOKMARKS_PER_PAGE = 30;

export interface Bookmark {
  postId: number;
  postNumber: number;
  /** The page of the topic the post is on (the saved post's link goes to it). */
  page: number;
  topic: { id: number; title: string; slug: string };
  board: { name: string; slug: string };
  author: { username: string | null; displayName: string | null };
  /** The start of the post's text, for recognising it. */
  excerpt: string;
  note: string;
  /** When the reader is to be reminded; null for no reminder (or once it was sent). */
  remindAt: string | null;
  savedAt: string;
}

/** Where the next page of saved posts starts: the last one shown, as "<savedAt>~<postId>". */
export type BookmarkCursor = { savedAt: string; postId: number };

const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z)~([1-9]\d{0,9})$/;

/** A cursor from a URL; a forged or garbled one is a 400 with a message, never a scan. */
export function parseBookmarkCursor(value: string | undefined): BookmarkCursor | null {
  if (value === undefined || value === '') return null;
  const m = CURSOR.exec(value);
  if (!m || Number(m[2]) > 2_147_483_647 || Number.isNaN(Date.parse(m[1]!))) throw new UserError(text('community:bookmarks.errors.badCursor'), 400);
  return { savedAt: m[1]!, postId: Number(m[2]) };
}

/**
 * The reader's saved posts, newest saved first, a page at a time by key (the last one shown),
 * so the hundredth page costs what the first does. Only what the reader may read now is listed:
 * a post since deleted, hidden, or moved to a board the reader does not see drops out of the list
 * (and comes back should it become readable again).
 */
export async function listBookmarks(db: Kysely<DB>, actor: Actor, after: BookmarkCursor | null = null, limit = BOOKMARKS_PER_PAGE): Promise<{ bookmarks: Bookmark[]; next: string | null }> {
  let q = db
    .selectFrom('bookmarks as k')
    .innerJoin('posts as p', 'p.id', 'k.post_id')
    .innerJoin('topics as t', 't.id', 'p.topic_id')
    .innerJoin('boards as b', 'b.id', 't.board_id')
    .leftJoin('users as u', 'u.id', 'p.user_id')
    .select([
      'k.post_id', 'k.note', 'k.remind_at', 'k.created_at', 'p.post_number', 'p.user_id', 'p.body_text', 'p.deleted_at', 'p.hidden_at', 't.id as topic_id', 't.title', 't.slug',
      't.locked', 't.closed', 't.deleted_at as topic_deleted', 't.board_id', 'b.name as board_name', 'b.slug as board_slug', 'b.visibility',
      'u.username', 'u.display_name', 'u.deleted_at as user_deleted',
    ])
    .where('k.user_id', '=', actor.id)
    .where('b.visibility', 'in', visibleBoardKinds(actor))
    .where('t.deleted_at', 'is', null)
    .where('p.deleted_at', 'is', null);
  if (after) q = q.where((eb) => eb.or([eb('k.created_at', '<', after.savedAt), eb.and([eb('k.created_at', '=', after.savedAt), eb('k.post_id', '<', after.postId)])]));
  const rows = await q.orderBy('k.created_at', 'desc').orderBy('k.post_id', 'desc').limit(limit + 1).execute();
  const more = rows.length > limit;
  const bookmarks: Bookmark[] = [];
  for (const r of rows.slice(0, limit)) {
    // The policy has the last word on each post (a hidden post: its author and moderators only).
    const subject = { board: { visibility: r.visibility, id: r.board_id }, locked: !!r.locked, closed: !!r.closed, deleted: !!r.topic_deleted, authorId: r.user_id, postDeleted: !!r.deleted_at, postHidden: !!r.hidden_at };
    if (!can(actor, 'post.view', subject)) continue;
    bookmarks.push({
      postId: r.post_id,
      postNumber: r.post_number,
      page: Math.ceil(r.post_number / POSTS_PER_PAGE),
      topic: { id: r.topic_id, title: r.title, slug: r.slug },
      board: { name: r.board_name, slug: r.board_slug },
      author: r.user_deleted ? { username: null, displayName: null } : { username: r.username, displayName: r.display_name },
      excerpt: excerpt(r.body_text),
      note: r.note,
      remindAt: r.remind_at,
      savedAt: r.created_at,
    });
  }
  const last = rows[Math.min(rows.length, limit) - 1];
  return { bookmarks, next: more && last ? `${last.created_at}~${last.post_id}` : null };
}

/** The first 160 characters of a post's text, cut at a word. */
function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  if (flat.length <= 160) return flat;
  const cut = flat.slice(0, 160);
  const space = cut.lastIndexOf(' ');
  return `${space > 100 ? cut.slice(0, space) : cut}…`;
}

/** Whether the reader has saved each of these posts (the topic page's buttons). */
export async function bookmarkedAmong(db: Kysely<DB>, actor: Actor, postIds: number[]): Promise<Set<number>> {
  if (!postIds.length) return new Set();
  const rows = await db.selectFrom('bookmarks').select('post_id').where('user_id', '=', actor.id).where('post_id', 'in', postIds).execute();
  return new Set(rows.map((r) => r.post_id));
}
