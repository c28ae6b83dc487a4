// Reporting a post (issue 13, point 1): any signed-in reader, someone else's post, once. The
// post waits in the review queue; enough reports from trusted members hide it until reviewed.
import type { Kysely } from 'kysely';
import type { DB, ReportReason } from '../db/schema.ts';
import { can, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { ForbiddenError, NotFoundError, UserError, text } from '../shared/errors.ts';
import { loadPost } from '../community/load-post.ts';
import { enqueueReview } from './queue-items.ts';
import { isTrusted } from './trust.ts';
import { logStaffAction } from './staff-log.ts';
import { indexPost } from '../search/index-document.ts';
import { announcePost } from '../notifications/live.ts';

export const REPORT_REASONS: Record<ReportReason, string> = {
  off_topic: 'Off-topic',
  inappropriate: 'Inappropriate',
  spam: 'Spam',
  personal_data: 'Personal data',
  other: 'Something else',
};
export const REPORT_DETAIL_MAX = 1000;

export interface ReportInput {
  postId: number;
  reason: string;
  detail?: string;
  /** Reports from trusted members that hide the post until it is reviewed (0: never hide). */
  hideThreshold: number;
}

export async function reportPost(db: Kysely<DB>, actor: Actor, input: ReportInput): Promise<{ reportId: number; hidden: boolean }> {
  const { post, subject } = await loadPost(db, input.postId);
  if (!can(actor, 'topic.view', subject) || subject.postDeleted) throw new NotFoundError(text('moderation:errors.noSuchPost'));
  if (actor.id === post.user_id) throw new ForbiddenError(text('moderation:errors.reportOwnPost'));
  if (!can(actor, 'post.report', subject)) throw new ForbiddenError();
  if (!Object.hasOwn(REPORT_REASONS, input.reason)) throw new UserError(text('moderation:errors.reportReason'), 400, 'reason');
  const reason = input.reason as ReportReason;
  const detail = (input.detail ?? '').replace(/\r\n?/g, '\n').trim();
  if (detail.length > REPORT_DETAIL_MAX) throw new UserError(text('moderation:errors.reportDetailLong', { max: REPORT_DETAIL_MAX }), 400, 'detail');
  if (reason === 'other' && !detail) throw new UserError(text('moderation:errors.reportDetailNeeded'), 400, 'detail');
  const already = await db.selectFrom('post_reports').select('id').where('post_id', '=', post.id).where('reporter_id', '=', actor.id).executeTakeFirst();
  if (already) throw new UserError(text('moderation:errors.alreadyReported'), 409);
  const trusted = await isTrusted(db, actor);

  const result = await db.transaction().execute(async (tx) => {
    let reportId: number;
    try {
      reportId = (await tx
        .insertInto('post_reports')
        .values({ post_id: post.id, reporter_id: actor.id, reason, detail, trusted: trusted ? 1 : 0, created_at: nowIso(), outcome: null, decided_at: null })
        .returning('id')
        .executeTakeFirstOrThrow()).id;
    } catch (err) {
      // Two submissions at once: the unique index lets one in.
      if (/unique|duplicate/i.test((err as Error).message)) throw new UserError(text('moderation:errors.alreadyReportedShort'), 409);
      throw err;
    }
    await enqueueReview(tx, { kind: 'post', subjectId: post.id, boardId: post.board_id, reason: 'reported' });
    let hidden = false;
    if (input.hideThreshold > 0) {
      const n = await tx
        .selectFrom('post_reports')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('post_id', '=', post.id)
        .where('trusted', '=', 1)
        .where('outcome', 'is', null)
        .executeTakeFirstOrThrow();
      if (Number(n.n) >= input.hideThreshold) {
        const r = await tx.updateTable('posts').set({ hidden_at: nowIso() }).where('id', '=', post.id).where('hidden_at', 'is', null).executeTakeFirst();
        hidden = Number(r.numUpdatedRows) === 1;
        if (hidden) await indexPost(tx, post.id); // out of search results too
        if (hidden) await logStaffAction(tx, null, { action: 'post.hide', target: `post:${post.id}`, reason: `${Number(n.n)} reports from trusted members` });
      }
    }
    return { reportId, hidden };
  });
  if (result.hidden) announcePost(post, 'edit'); // open pages stop showing it (src/notifications/live.ts)
  return result;
}
