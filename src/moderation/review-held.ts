// The community team's decisions on a held draft: approve (publish as the author), edit then
// approve, return to the author with a comment, or reject. The author is told by e-mail and
// on their drafts page.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, UserError } from '../shared/errors.ts';
import { createReply } from '../community/create-reply.ts';
import { createTopic } from '../community/create-topic.ts';
import { loadActor } from '../accounts/find-user.ts';
import { attachmentsOfHeldDraft } from '../attachments/list-attachments.ts';

export type ReviewDecision = 'approve' | 'return' | 'reject';

export async function reviewHeld(
  db: Kysely<DB>,
  mailer: Mailer,
  siteUrl: string,
  reviewer: Actor,
  input: { id: number; decision: string; comment?: string; body?: string; title?: string; dropAttachments?: number[] },
): Promise<{ postUrl?: string; postId?: number }> {
  authorize(reviewer, 'queue.review', null);
  if (!['approve', 'return', 'reject'].includes(input.decision)) throw new UserError('Choose approve, return or reject.');
  const decision = input.decision as ReviewDecision;
  const held = await db.selectFrom('held_drafts').selectAll().where('id', '=', input.id).executeTakeFirst();
  if (!held) throw new NotFoundError('No such draft');
  if (held.status !== 'pending') throw new UserError(`This draft was already ${held.status}.`, 409);
  const comment = (input.comment ?? '').trim();
  if (comment.length > 2000) throw new UserError('The comment must be at most 2,000 characters.', 400, 'comment');
  if (decision === 'return' && !comment) throw new UserError('Tell the author what to change: a comment is needed to return a draft.', 400, 'comment');
  const author = await loadActor(db, held.author_id);
  if (!author) throw new UserError('The author of this draft no longer exists.', 409);

  let postId: number | null = null;
  let postUrl: string | undefined;
  if (decision === 'approve') {
    // Published as the author, through the same pipeline; the team's approval is the review
    // the guard asked for, so a hold or block finding does not stop it again.
    const body = input.body !== undefined ? input.body : held.body_markdown;
    const approvedBy = reviewer.id;
    // The draft's attachments are published with it, except those the team chose to leave out.
    const drop = new Set(input.dropAttachments ?? []);
    const attachments = (await attachmentsOfHeldDraft(db, held.id)).filter((a) => !drop.has(a.id)).map((a) => ({ name: a.filename, text: a.text }));
    if (held.kind === 'topic') {
      const board = await db.selectFrom('boards').select('slug').where('id', '=', held.board_id!).executeTakeFirstOrThrow();
      const t = await createTopic(db, author, { boardSlug: board.slug, kind: held.topic_kind!, title: input.title ?? held.title!, body, tags: held.tags, attachments, approvedBy });
      postId = t.postId;
      postUrl = `/t/${t.slug}/${t.id}`;
    } else {
      const r = await createReply(db, author, { topicId: held.topic_id!, body, attachments, approvedBy });
      postId = r.id;
      const topic = await db.selectFrom('topics').select(['slug', 'id']).where('id', '=', held.topic_id!).executeTakeFirstOrThrow();
      postUrl = `/t/${topic.slug}/${topic.id}#post-${r.postNumber}`;
    }
  }
  const status = decision === 'approve' ? 'approved' : decision === 'return' ? 'returned' : 'rejected';
  await db
    .updateTable('held_drafts')
    .set({ status, reviewer_id: reviewer.id, reviewer_comment: comment, published_post_id: postId, decided_at: nowIso() })
    .where('id', '=', held.id)
    .execute();

  const user = await db.selectFrom('users').select(['email', 'display_name']).where('id', '=', held.author_id).executeTakeFirst();
  if (user?.email) {
    const what = held.title ? `"${held.title}"` : 'your reply';
    const outcome =
      decision === 'approve'
        ? `The community team approved ${what} and it is now published:\n\n${siteUrl}${postUrl}`
        : decision === 'return'
          ? `The community team returned ${what} to you with this comment:\n\n${comment}\n\nYou can change it and post it again from your drafts: ${siteUrl}/my/drafts`
          : `The community team decided not to publish ${what}.${comment ? `\n\nTheir comment:\n\n${comment}` : ''}`;
    await mailer.send({ to: user.email, subject: `Your draft: ${status}`, text: `Hello ${user.display_name},\n\n${outcome}\n` });
  }
  return postUrl && postId ? { postUrl, postId } : {};
}
