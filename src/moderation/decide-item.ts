// A moderator's decision on a review item about a published post (issue 13, point 2): keep it
// (reports dismissed, shown again), edit then approve, hide it, or delete it; the reason goes to
// the author, the outcome to every reporter. Two moderators deciding at once: the conditional
// update on status='open' lets exactly one through; the other is told who decided.
import { assertItemInScope } from './queue-scope.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, can, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, UserError, text } from '../shared/errors.ts';
import { loadPost } from '../community/load-post.ts';
import { editPost } from '../community/edit-post.ts';
import { deletePost } from '../community/delete-post.ts';
import { logStaffAction } from './staff-log.ts';
import { indexPost } from '../search/index-document.ts';
import { notifyModeration } from '../notifications/notify-moderation.ts';
import { announcePost } from '../notifications/live.ts';

export const POST_DECISIONS = ['keep', 'approve-edited', 'hide', 'delete'] as const;
export type PostDecision = (typeof POST_DECISIONS)[number];
export const DECISION_REASON_MAX = 1000;


/** Takes an open item, so that other moderators see who is on it. */
export async function claimItem(db: Kysely<DB>, actor: Actor, id: number, release = false): Promise<void> {
  authorize(actor, 'queue.review', null);
  const item = await db.selectFrom('review_items').select(['id', 'status', 'claimed_by', 'board_id', 'reason', 'confidential']).where('id', '=', id).executeTakeFirst();
  if (!item) throw new NotFoundError(text('moderation:errors.noSuchReviewItem'));
  await assertItemInScope(db, actor, item);
  if (release) {
    await db.updateTable('review_items').set({ claimed_by: null, claimed_at: null }).where('id', '=', id).where('claimed_by', '=', actor.id).execute();
    return;
  }
  const r = await db
    .updateTable('review_items')
    .set({ claimed_by: actor.id, claimed_at: nowIso() })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claimed_by', '=', actor.id)]))
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw await conflict(db, id);
  await logStaffAction(db, actor, { action: 'review.claim', target: `review:${id}` });
}

/** The 409 for the moderator who came second: who took or decided the item. */
export async function conflict(db: Kysely<DB>, id: number): Promise<UserError> {
  const row = await db.selectFrom('review_items').leftJoin('users as c', 'c.id', 'review_items.claimed_by').leftJoin('users as d', 'd.id', 'review_items.decided_by')
    .select(['review_items.status', 'review_items.decision', 'c.display_name as claimer', 'd.display_name as decider']).where('review_items.id', '=', id).executeTakeFirst();
  if (row?.status === 'done') return new UserError(row.decider ? text('moderation:errors.alreadyDecided', { name: row.decider, decision: row.decision ?? 'done' }) : text('moderation:errors.alreadyDecidedByAnother', { decision: row.decision ?? 'done' }), 409);
  return new UserError(row?.claimer ? text('moderation:errors.alreadyClaimed', { name: row.claimer }) : text('moderation:errors.alreadyClaimedByAnother'), 409);
}

export async function decidePostItem(
  db: Kysely<DB>,
  actor: Actor,
  input: { id: number; decision: string; reason?: string; body?: string },
): Promise<{ postId: number; topicId: number }> {
  authorize(actor, 'queue.review', null);
  if (!(POST_DECISIONS as readonly string[]).includes(input.decision)) throw new UserError(text('moderation:errors.chooseOneOf', { options: POST_DECISIONS.join(', ') }), 400, 'decision');
  const decision = input.decision as PostDecision;
  const reason = (input.reason ?? '').replace(/\r\n?/g, '\n').trim();
  if (reason.length > DECISION_REASON_MAX) throw new UserError(text('moderation:errors.reasonTooLong', { max: DECISION_REASON_MAX }), 400, 'reason');
  if ((decision === 'hide' || decision === 'delete') && !reason) throw new UserError(text('moderation:errors.reasonForAuthor'), 400, 'reason');
  if (decision === 'approve-edited' && !(input.body ?? '').trim()) throw new UserError(text('moderation:errors.editedEmpty'), 400, 'body');
  const item = await db.selectFrom('review_items').selectAll().where('id', '=', input.id).executeTakeFirst();
  if (!item || item.kind !== 'post') throw new NotFoundError(text('moderation:errors.noSuchReviewItem'));
  await assertItemInScope(db, actor, item);
  const { post, subject } = await loadPost(db, item.subject_id);
  if (!can(actor, 'post.moderate', subject)) throw new NotFoundError(text('moderation:errors.noSuchReviewItem'));

  // The decision is taken here, once: whoever updates the open row first wins.
  const taken = await db
    .updateTable('review_items')
    .set({ status: 'done', decided_by: actor.id, decision, decision_reason: reason, decided_at: nowIso() })
    .where('id', '=', item.id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) !== 1) throw await conflict(db, item.id);
  try {
    if (decision === 'approve-edited') await editPost(db, actor, { postId: post.id, body: input.body!, reason: reason || 'Edited by a moderator', fromReview: true });
    if (decision === 'delete' && !post.deleted_at) await deletePost(db, actor, post.id);
    if (decision === 'hide') {
      await db.updateTable('posts').set({ hidden_at: nowIso() }).where('id', '=', post.id).where('hidden_at', 'is', null).execute();
      // Decided, no longer waiting for review: its note says a moderator hid it.
      await db.updateTable('posts').set({ hidden_by: actor.id }).where('id', '=', post.id).execute();
    } else await db.updateTable('posts').set({ hidden_at: null, hidden_by: null }).where('id', '=', post.id).execute();
    await indexPost(db, post.id); // hidden: out of search; kept: back in
    if (decision !== 'delete') announcePost(post, 'edit'); // open pages: hidden, shown again or edited (deletePost announces its own)
  } catch (err) {
    // The action failed (an edit the guard refuses, say): the item is open again, nothing half-done.
    await db.updateTable('review_items').set({ status: 'open', decided_by: null, decision: null, decision_reason: '', decided_at: null }).where('id', '=', item.id).execute();
    throw err;
  }
  const at = nowIso();
  const reporters = await db.selectFrom('post_reports').select('reporter_id').where('post_id', '=', post.id).where('outcome', 'is', null).execute();
  await db.updateTable('post_reports').set({ outcome: decision, decided_at: at }).where('post_id', '=', post.id).where('outcome', 'is', null).execute();
  await logStaffAction(db, actor, { action: `post.${decision === 'approve-edited' ? 'edit' : decision}`, target: `post:${post.id}`, reason, detail: `review:${item.id}` });

  // The reporters hear the outcome (not the reason: that is written to the author), the author
  // what was done and why; in the app, and by e-mail as each chose (notify-moderation.ts).
  for (const r of new Set(reporters.map((x) => x.reporter_id))) {
    await notifyModeration(db, { userId: r, kind: 'report', outcome: decision, topicId: post.topic_id, postId: post.id }, at);
  }
  if (decision !== 'keep') await notifyModeration(db, { userId: post.user_id, kind: 'moderated', outcome: decision, reason, topicId: post.topic_id, postId: post.id }, at);
  return { postId: post.id, topicId: post.topic_id };
}
