// Reading attachments: the topic page's list (one query for the page's posts, no text), and a
// held draft's attachments with their text (for the team and the author).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { preparedQuery } from '../db/prepared.ts';

export interface AttachmentSummary {
  id: number;
  post_id: number;
  filename: string;
  byte_size: number;
}

const NONE = new Map<number, AttachmentSummary[]>();

// The topic page shows at most 20 posts and the accepted answer: the lookup is compiled once
// with 21 slots (src/db/prepared.ts) and unused slots get 0, an id no post has.
const SLOTS = 21;
const placeholders = Array.from({ length: SLOTS }, (_, i) => -7_302_001 - i);
const byPostQuery = (db: Kysely<DB>, ids: readonly number[]) =>
  db
    .selectFrom('attachments')
    .select(['id', 'post_id', 'filename', 'byte_size'])
    .where('post_id', 'in', [...ids])
    .orderBy('post_id')
    .orderBy('position');
const pageQuery = preparedQuery(placeholders, (db, ...ids) => byPostQuery(db, ids));

/**
 * The attachments of the given posts, by post id, in order: ONE indexed query (attachments_post),
 * compiled once for up to 21 posts, and none at all when there are no posts. Posts without
 * attachments are absent from the map.
 */
export async function attachmentsOfPosts(db: Kysely<DB>, postIds: readonly number[]): Promise<Map<number, AttachmentSummary[]>> {
  if (!postIds.length) return NONE;
  const ids = [...new Set(postIds)];
  const rows = ids.length <= SLOTS ? await pageQuery(db, ...ids.concat(Array(SLOTS - ids.length).fill(0))) : await byPostQuery(db, ids).execute();
  if (!rows.length) return NONE;
  const byPost = new Map<number, AttachmentSummary[]>();
  for (const r of rows) {
    const list = byPost.get(r.post_id!) ?? [];
    list.push(r as AttachmentSummary);
    byPost.set(r.post_id!, list);
  }
  return byPost;
}

/** One post's attachments (an edit form). */
export async function attachmentsOfPost(db: Kysely<DB>, postId: number): Promise<AttachmentSummary[]> {
  return (await attachmentsOfPosts(db, [postId])).get(postId) ?? [];
}

/** A held draft's attachments with their text; authorization is the caller's (showHeld). */
export async function attachmentsOfHeldDraft(db: Kysely<DB>, heldDraftId: number) {
  return db.selectFrom('attachments').select(['id', 'filename', 'byte_size', 'text']).where('held_draft_id', '=', heldDraftId).orderBy('position').execute();
}
