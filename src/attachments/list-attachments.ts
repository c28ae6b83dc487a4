// Reading attachments: the topic page's list (one query for the page's posts, no text), and a
// held draft's attachments with their text (for the team and the author).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export interface AttachmentSummary {
  id: number;
  post_id: number;
  filename: string;
  byte_size: number;
}

const NONE = new Map<number, AttachmentSummary[]>();

/**
 * The attachments of the given posts, by post id, in order: ONE indexed query (attachments_post)
 * and nothing at all for a page whose posts are all deleted. Posts without attachments are absent.
 */
export async function attachmentsOfPosts(db: Kysely<DB>, postIds: readonly number[]): Promise<Map<number, AttachmentSummary[]>> {
  if (!postIds.length) return NONE;
  const rows = await db
    .selectFrom('attachments')
    .select(['id', 'post_id', 'filename', 'byte_size'])
    .where('post_id', 'in', [...new Set(postIds)])
    .orderBy('post_id')
    .orderBy('position')
    .execute();
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
