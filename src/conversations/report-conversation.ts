// A participant reports a conversation (or one message in it) to the moderators. From then on
// moderators may read it (each reading is written to the access log), and the report waits in
// the moderators' list of reported conversations, linked from the review queue.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { text, UserError } from '../shared/errors.ts';
import { loadConversation } from './load-conversation.ts';
import { enqueueReview } from '../moderation/queue-items.ts';
import { GLOBAL_TEAM_ITEM } from '../moderation/queue-scope.ts';

export async function reportConversation(db: Kysely<DB>, actor: Actor, id: number, input: { messageId?: number; reason: string }): Promise<number> {
  const { conversation, subject } = await loadConversation(db, actor, id);
  authorize(actor, 'conversation.report', subject);
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (reason.length < 3) throw new UserError(text('conversations:errors.reasonShort'), 400, 'reason');
  if (reason.length > 1000) throw new UserError(text('conversations:errors.reasonLong', { max: 1000 }), 400, 'reason');
  if (input.messageId !== undefined) {
    const m = await db.selectFrom('conversation_messages').select('id').where('id', '=', input.messageId).where('conversation_id', '=', conversation.id).executeTakeFirst();
    if (!m) throw new UserError(text('conversations:errors.noSuchMessage'), 400, 'message');
  }
  const at = nowIso();
  return db.transaction().execute(async (tx) => {
    const { id: reportId } = await tx
      .insertInto('conversation_reports')
      .values({ conversation_id: conversation.id, message_id: input.messageId ?? null, reporter_id: actor.id, reason, status: 'open', created_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (!conversation.reported_at) await tx.updateTable('conversations').set({ reported_at: at }).where('id', '=', conversation.id).execute();
    // It waits in the one review queue with everything else (one item per conversation while open).
    await enqueueReview(tx, { kind: 'conversation', subjectId: conversation.id, reason: 'reported_conversation', detail: reason });
    return reportId;
  });
}

/** The moderators' list of reports (open first). */
export async function listConversationReports(db: Kysely<DB>, actor: Actor) {
  authorize(actor, 'queue.item', GLOBAL_TEAM_ITEM); // the global team (board moderators: boards only)
  return db
    .selectFrom('conversation_reports as r')
    .innerJoin('conversations as c', 'c.id', 'r.conversation_id')
    .leftJoin('users as reporter', 'reporter.id', 'r.reporter_id')
    .select(['r.id', 'r.conversation_id', 'r.message_id', 'r.reason', 'r.status', 'r.created_at', 'c.subject', 'reporter.display_name as reporter_name'])
    .orderBy('r.status', 'desc') // 'open' before 'closed'
    .orderBy('r.created_at', 'desc')
    .limit(200)
    .execute();
}

export async function closeConversationReport(db: Kysely<DB>, actor: Actor, reportId: number): Promise<void> {
  authorize(actor, 'queue.item', GLOBAL_TEAM_ITEM); // the global team (board moderators: boards only)
  const r = await db.updateTable('conversation_reports').set({ status: 'closed' }).where('id', '=', reportId).where('status', '=', 'open').executeTakeFirst();
  if (!Number(r.numUpdatedRows)) throw new UserError(text('conversations:errors.noSuchReport'), 404);
  // The queue item goes when the conversation's last open report is closed.
  const report = await db.selectFrom('conversation_reports').select('conversation_id').where('id', '=', reportId).executeTakeFirstOrThrow();
  const open = await db.selectFrom('conversation_reports').select('id').where('conversation_id', '=', report.conversation_id).where('status', '=', 'open').executeTakeFirst();
  if (!open) {
    await db.updateTable('review_items').set({ status: 'done', decided_by: actor.id, decision: 'closed', decided_at: nowIso() })
      .where('kind', '=', 'conversation').where('subject_id', '=', report.conversation_id).where('status', '=', 'open').execute();
  }
}

export async function openReportCount(db: Kysely<DB>): Promise<number> {
  const r = await db.selectFrom('conversation_reports').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'open').executeTakeFirstOrThrow();
  return Number(r.n);
}
