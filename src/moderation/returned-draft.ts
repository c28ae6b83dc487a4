// "Edit and resubmit" (issue 18): a draft the community team returned opens again in the composer
// (a topic) or the reply form (a reply), with its text, the team's note and what the guard finds in
// it now, for its author only. From there it is posted (through the same pipeline as any post) or
// sent to the team again: either way it is this draft that moves on, never a copy beside it, so the
// author's drafts and the team's queue keep one entry for it.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { can, type Actor } from '../policy/policy.ts';
import { NotFoundError, text } from '../shared/errors.ts';
import { checkDraft, type DraftCheck } from '../confidentiality/check.ts';
import { attachmentsOfHeldDraft } from '../attachments/list-attachments.ts';
import type { AttachmentText } from '../attachments/text-file.ts';
import { nowIso } from '../shared/clock.ts';

/** The actor's returned draft; anyone else's, or one not (or no longer) returned, is not there (404). */
export async function loadReturnedDraft(db: Kysely<DB>, actor: Actor, id: number) {
  const d = await db
    .selectFrom('held_drafts')
    .leftJoin('boards', 'boards.id', 'held_drafts.board_id')
    .select(['held_drafts.id', 'held_drafts.kind', 'held_drafts.author_id', 'held_drafts.status', 'held_drafts.topic_kind', 'held_drafts.title', 'held_drafts.body_markdown', 'held_drafts.tags', 'held_drafts.author_note', 'held_drafts.reviewer_comment', 'held_drafts.topic_id', 'boards.slug as board_slug'])
    .where('held_drafts.id', '=', id)
    .executeTakeFirst();
  if (!d || !can(actor, 'draft.resubmit', { authorId: d.author_id, status: d.status })) throw new NotFoundError(text('moderation:errors.noReturnedDraft'));
  return d;
}

/** Where the author edits a returned draft: the composer of its board, or its topic's reply form. */
export const returnedDraftUrl = (d: { id: number; kind: string; board_slug: string | null; topic_id: number | null }): string | null =>
  d.kind === 'topic' ? (d.board_slug ? `/b/${d.board_slug}/new?draft=${d.id}` : null) : d.topic_id ? `/t/${d.topic_id}/reply?draft=${d.id}` : null;

/** The form's starting point: the draft's text, the team's note, and the guard's findings on it today. */
export async function returnedDraftToEdit(db: Kysely<DB>, actor: Actor, id: number) {
  const d = await loadReturnedDraft(db, actor, id);
  // Checked as it would be posted now (the policy or registers may have changed since it was held).
  const check: DraftCheck = await checkDraft(db, actor, { body: d.body_markdown, where: d.kind, ...(d.kind === 'topic' && d.title ? { title: d.title } : {}), target: d.kind === 'reply' ? `topic:${d.topic_id}` : `board:${d.board_slug}` });
  const attachments = await attachmentsOfHeldDraft(db, d.id);
  return {
    kind: d.kind,
    boardSlug: d.board_slug,
    topicId: d.topic_id,
    values: { kind: d.topic_kind ?? 'question', title: d.title ?? '', body: d.body_markdown, tags: d.tags, note: d.author_note, draft: String(d.id) },
    comment: d.reviewer_comment,
    check,
    attachmentNames: attachments.map((a) => a.filename),
  };
}

/** The draft's own attachments (it keeps them when it is posted or sent again), then the form's new ones. */
export async function withDraftAttachments(db: Kysely<DB>, id: number, added: readonly AttachmentText[] | undefined): Promise<AttachmentText[]> {
  const own = (await attachmentsOfHeldDraft(db, id)).map((a) => ({ name: a.filename, text: a.text }));
  return [...own, ...(added ?? [])];
}

/** The author posted their returned draft themselves: it is done, and points at the post. */
export async function markReturnedDraftPublished(db: Kysely<DB>, id: number, postId: number): Promise<void> {
  await db.updateTable('held_drafts').set({ status: 'published', published_post_id: postId, decided_at: nowIso() }).where('id', '=', id).where('status', '=', 'returned').execute();
}
