// The community team's decisions on a held draft: approve (publish as the author), edit then
// approve, return to the author with a comment, or reject. The author is told in the app and by
// e-mail (notify-moderation.ts), and on their drafts page.
import { assertDraftInScope } from './queue-scope.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, UserError, text } from '../shared/errors.ts';
import { createReply } from '../community/create-reply.ts';
import { createTopic } from '../community/create-topic.ts';
import { loadActor } from '../accounts/find-user.ts';
import { attachmentsOfHeldDraft } from '../attachments/list-attachments.ts';
import { evaluateDraft } from '../confidentiality/check.ts';
import { maskText, type Finding } from '../guard/index.ts';
import { conflict } from './decide-item.ts';
import { logStaffAction } from './staff-log.ts';
import { notifyModeration } from '../notifications/notify-moderation.ts';

export type ReviewDecision = 'approve' | 'approve-masked' | 'return' | 'reject';

export async function reviewHeld(
  db: Kysely<DB>,
  reviewer: Actor,
  input: { id: number; decision: string; comment?: string; body?: string; title?: string; dropAttachments?: number[]; confirmUnmasked?: boolean },
): Promise<{ postUrl?: string; postId?: number }> {
  authorize(reviewer, 'queue.review', null);
  if (!['approve', 'approve-masked', 'return', 'reject'].includes(input.decision)) throw new UserError(text('moderation:errors.chooseHeldDecision'));
  const decision = input.decision as ReviewDecision;
  const held = await db.selectFrom('held_drafts').selectAll().where('id', '=', input.id).executeTakeFirst();
  if (!held) throw new NotFoundError(text('moderation:errors.noSuchDraft'));
  await assertDraftInScope(db, reviewer, held.id);
  if (held.status !== 'pending') throw new UserError(['approved', 'returned', 'rejected', 'published'].includes(held.status) ? text(`moderation:errors.draftAlready.${held.status}`) : `This draft was already ${held.status}.`, 409);
  const comment = (input.comment ?? '').trim();
  if (comment.length > 2000) throw new UserError(text('moderation:errors.commentTooLong', { max: 2000 }), 400, 'comment');
  if (decision === 'return' && !comment) throw new UserError(text('moderation:errors.commentToReturn'), 400, 'comment');
  const author = await loadActor(db, held.author_id);
  if (!author) throw new UserError(text('moderation:errors.authorGone'), 409);
  // Findings published as written only when the moderator confirms it (issue 13, point 2);
  // "approve with the findings masked" is the primary action.
  const heldFindings = JSON.parse(held.findings) as unknown[];
  if (decision === 'approve' && heldFindings.length > 0 && !input.confirmUnmasked) {
    throw new UserError(text('moderation:errors.confirmFindings'), 409, 'confirm');
  }
  // The decision is taken once, on the queue item: a second moderator deciding at the same time is told.
  const item = await db.selectFrom('review_items').select('id').where('kind', '=', 'draft').where('subject_id', '=', held.id).where('status', '=', 'open').executeTakeFirst();
  if (item) {
    const taken = await db.updateTable('review_items')
      .set({ status: 'done', decided_by: reviewer.id, decision, decision_reason: comment, decided_at: nowIso() })
      .where('id', '=', item.id).where('status', '=', 'open').executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1) throw await conflict(db, item.id);
  }
  const decide = async (): Promise<{ postUrl?: string; postId?: number }> => {
    let postId: number | null = null;
    let postUrl: string | undefined;
    if (decision === 'approve' || decision === 'approve-masked') {
      // Published as the author, through the same pipeline; the team's approval is the review
      // the guard asked for, so a hold or block finding does not stop it again.
      let body = input.body !== undefined ? input.body : held.body_markdown;
      let title = input.title ?? held.title ?? undefined;
      const approvedBy = reviewer.id;
      // The draft's attachments are published with it, except those the team chose to leave out.
      const drop = new Set(input.dropAttachments ?? []);
      let attachments = (await attachmentsOfHeldDraft(db, held.id)).filter((a) => !drop.has(a.id)).map((a) => ({ name: a.filename, text: a.text }));
      if (decision === 'approve-masked') {
        // Scanned again (the team may have edited it): every finding the policy does not simply allow is masked.
        const ev = await evaluateDraft(db, { actor: author, body, ...(title !== undefined ? { title } : {}), ...(attachments.length ? { attachments } : {}) });
        const spans = (field: string, index?: number) => ev.findings.filter((f) => f.action !== 'allow' && f.field === field && f.attachment === index) as unknown as Finding[];
        body = maskText(body, spans('body'));
        if (title !== undefined) title = maskText(title, spans('title'));
        attachments = attachments.map((a, i) => ({ name: a.name, text: maskText(a.text, spans('attachment', i)) }));
      }
      if (held.kind === 'topic') {
        const board = await db.selectFrom('boards').select('slug').where('id', '=', held.board_id!).executeTakeFirstOrThrow();
        const t = await createTopic(db, author, { boardSlug: board.slug, kind: held.topic_kind!, title: title ?? held.title!, body, tags: held.tags, attachments, approvedBy });
        postId = t.postId;
        postUrl = `/t/${t.slug}/${t.id}`;
      } else {
        const r = await createReply(db, author, { topicId: held.topic_id!, body, attachments, approvedBy });
        postId = r.id;
        const topic = await db.selectFrom('topics').select(['slug', 'id']).where('id', '=', held.topic_id!).executeTakeFirstOrThrow();
        postUrl = `/t/${topic.slug}/${topic.id}#post-${r.postNumber}`;
      }
    }
    const status = decision === 'approve' || decision === 'approve-masked' ? 'approved' : decision === 'return' ? 'returned' : 'rejected';
    await db
      .updateTable('held_drafts')
      .set({ status, reviewer_id: reviewer.id, reviewer_comment: comment, published_post_id: postId, decided_at: nowIso() })
      .where('id', '=', held.id)
      .where('status', '=', 'pending')
      .execute();

    // The author hears the decision and the team's comment, in the app and by e-mail as they chose.
    const outcome = decision === 'approve-masked' ? 'approved-masked' : status;
    const published = postId !== null ? await db.selectFrom('posts').select('topic_id').where('id', '=', postId).executeTakeFirst() : undefined;
    await notifyModeration(db, {
      userId: held.author_id,
      kind: 'draft',
      outcome,
      reason: comment,
      // A returned or rejected draft is not in any topic: its own title (if any) and /my/drafts.
      topicId: published?.topic_id ?? null,
      postId,
      title: published ? null : held.title,
    });
    await logStaffAction(db, reviewer, { action: `draft.${decision}`, target: `draft:${held.id}`, reason: comment, ...(postId ? { detail: `post:${postId}` } : {}) });
    return postUrl && postId ? { postUrl, postId } : {};
  };
  try {
    return await decide();
  } catch (err) {
    if (item) await db.updateTable('review_items').set({ status: 'open', decided_by: null, decision: null, decision_reason: '', decided_at: null }).where('id', '=', item.id).execute();
    throw err;
  }
}
