// Writes a post's (or a held draft's) attachments. Called inside the transaction that writes
// the post, after the publish pipeline: what is stored is the guarded (possibly masked) text.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { nowIso } from '../shared/clock.ts';
import { text, UserError } from '../shared/errors.ts';
import type { AttachmentText } from './text-file.ts';

export type AttachmentOwner = { postId: number } | { heldDraftId: number };

export async function storeAttachments(tx: Kysely<DB>, owner: AttachmentOwner, list: readonly AttachmentText[] | undefined): Promise<void> {
  if (!list?.length) return;
  const ids = 'postId' in owner ? { post_id: owner.postId, held_draft_id: null } : { post_id: null, held_draft_id: owner.heldDraftId };
  const last = await tx
    .selectFrom('attachments')
    .select((eb) => eb.fn.max('position').as('n'))
    .where(ids.post_id !== null ? 'post_id' : 'held_draft_id', '=', ids.post_id ?? ids.held_draft_id!)
    .executeTakeFirst();
  const first = Number(last?.n ?? 0) + 1;
  const at = nowIso();
  await tx
    .insertInto('attachments')
    .values(list.map((a, i) => ({ ...ids, position: first + i, filename: a.name, byte_size: Buffer.byteLength(a.text, 'utf8'), text: a.text, created_at: at })))
    .execute();
  // The topic page looks attachments up only in topics that have had some.
  if (ids.post_id !== null) {
    await tx.updateTable('topics').set({ has_attachments: 1 }).where('id', '=', tx.selectFrom('posts').select('topic_id').where('id', '=', ids.post_id)).execute();
  }
}

/** Removes some of a post's attachments (an edit); ids that are not the post's are refused. */
export async function removeAttachments(tx: Kysely<DB>, postId: number, ids: readonly number[]): Promise<void> {
  if (!ids.length) return;
  const r = await tx.deleteFrom('attachments').where('post_id', '=', postId).where('id', 'in', [...ids]).executeTakeFirst();
  if (Number(r.numDeletedRows) !== new Set(ids).size) throw new UserError(text('compose:errors.attachmentNotOfPost'), 400, 'attachments');
}
