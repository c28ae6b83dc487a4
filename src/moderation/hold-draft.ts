import type { Kysely } from 'kysely';
import type { DB, TopicKind } from '../db/schema.ts';
import { authorize, can, hidesBoard, type Actor } from '../policy/policy.ts';
import { LIMITS } from '../publish/pipeline.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, UserError, text } from '../shared/errors.ts';
import { parseTags } from '../community/tags.ts';
import { storeAttachments } from '../attachments/store-attachments.ts';
import { checkAttachments, type AttachmentText } from '../attachments/text-file.ts';
import { enqueueReview, reopenReview } from './queue-items.ts';
import { loadReturnedDraft } from './returned-draft.ts';

/** A finding as the queue keeps it: where and why, never the value itself. */
export interface HeldFinding {
  type: string;
  field: 'title' | 'body' | 'attachment';
  /** For field 'attachment': its index in the draft's attachments, and its name. */
  attachment?: number;
  attachmentName?: string;
  start: number;
  end: number;
  reason: string;
}

interface HoldCommon {
  body: string;
  note?: string;
  findings?: HeldFinding[];
  reason: 'asked' | 'guard' | 'first_post' | 'watched_word';
  /** Text attachments go with the draft: approving publishes them with it. */
  attachments?: AttachmentText[];
  /** The author's returned draft this one is the new version of (returned-draft.ts): that draft is
   * updated and goes back to the team, its attachments replaced by `attachments`; no second draft. */
  replaces?: number;
}
export type HoldInput =
  | (HoldCommon & { kind: 'topic'; boardSlug: string; topicKind: TopicKind | string; title: string; tags?: string })
  | (HoldCommon & { kind: 'reply'; topicId: number });

/**
 * "Ask the community team" (policy point 7): the draft goes to the team's queue instead of the
 * public thread. Only the author and the team can read it until a moderator decides.
 */
export async function holdDraft(db: Kysely<DB>, actor: Actor, input: HoldInput): Promise<{ id: number }> {
  const body = typeof input.body === 'string' ? input.body.replace(/\r\n?/g, '\n').trim() : '';
  if (body.length < LIMITS.bodyMin) throw new UserError(text('moderation:errors.messageEmpty'), 400, 'body');
  if (body.length > LIMITS.bodyMax) throw new UserError(text('moderation:errors.messageTooLong', { max: LIMITS.bodyMax }), 413, 'body');
  const note = (input.note ?? '').trim();
  if (note.length > 1000) throw new UserError(text('moderation:errors.noteTooLong', { max: 1000 }), 400, 'note');
  const attachments = checkAttachments(input.attachments ?? []);
  let boardId: number | null = null;
  let topicId: number | null = null;
  let title: string | null = null;
  let topicKind: TopicKind | null = null;
  let tags = '';
  if (input.kind === 'topic') {
    if (input.topicKind !== 'question' && input.topicKind !== 'discussion') throw new UserError(text('moderation:errors.chooseKind'), 400, 'kind');
    topicKind = input.topicKind;
    const board = await db.selectFrom('boards').select(['id', 'visibility', 'topic_creators']).where('slug', '=', input.boardSlug).executeTakeFirst();
    if (!board || hidesBoard(actor, board)) throw new NotFoundError(text('moderation:errors.noSuchBoard'));
    authorize(actor, 'topic.create', board);
    title = input.title.trim().replace(/\s+/g, ' ');
    if (title.length < LIMITS.titleMin) throw new UserError(text('moderation:errors.titleTooShort', { min: LIMITS.titleMin }), 400, 'title');
    if (title.length > LIMITS.titleMax) throw new UserError(text('moderation:errors.titleTooLong', { max: LIMITS.titleMax }), 400, 'title');
    tags = parseTags(input.tags).join(',');
    boardId = board.id;
  } else {
    const topic = await db
      .selectFrom('topics')
      .innerJoin('boards', 'boards.id', 'topics.board_id')
      .select(['topics.id', 'topics.board_id', 'topics.locked', 'topics.closed', 'topics.deleted_at', 'boards.visibility'])
      .where('topics.id', '=', input.topicId)
      .executeTakeFirst();
    if (!topic) throw new NotFoundError(text('moderation:errors.noSuchTopic'));
    const subject = { board: { visibility: topic.visibility }, locked: !!topic.locked, closed: !!topic.closed, deleted: !!topic.deleted_at };
    if (!can(actor, 'topic.view', subject)) throw new NotFoundError(text('moderation:errors.noSuchTopic')); // not "not allowed": it is not there for them
    if (!can(actor, 'post.create', subject)) authorize(actor, 'post.create', subject);
    topicId = topic.id;
    boardId = topic.board_id;
  }
  const findings = JSON.stringify((input.findings ?? []).map(({ type, field, attachment, attachmentName, start, end, reason }) => ({ type, field, attachment, attachmentName, start, end, reason })));
  if (input.replaces !== undefined) {
    await loadReturnedDraft(db, actor, input.replaces); // the policy: only its author, only while returned
    const id = input.replaces;
    return db.transaction().execute(async (tx) => {
      // Conditional on 'returned': two tabs sending the same draft again, the second is told.
      const r = await tx
        .updateTable('held_drafts')
        .set({ board_id: boardId, topic_id: topicId, topic_kind: topicKind, title, body_markdown: body, tags, reason: input.reason, findings, author_note: note, status: 'pending', created_at: nowIso(), decided_at: null })
        .where('id', '=', id)
        .where('author_id', '=', actor.id)
        .where('status', '=', 'returned')
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new UserError(text('moderation:errors.draftAlreadySent'), 409);
      await tx.deleteFrom('attachments').where('held_draft_id', '=', id).execute();
      await storeAttachments(tx, { heldDraftId: id }, attachments);
      // Its queue item (decided "return") opens again with the new text's findings: one item per draft.
      await reopenReview(tx, { kind: 'draft', subjectId: id, boardId, reason: input.reason, detail: note, findings: input.findings ?? [] });
      return { id };
    });
  }
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('held_drafts')
      .values({
        kind: input.kind,
        author_id: actor.id,
        board_id: boardId,
        topic_id: topicId,
        topic_kind: topicKind,
        title,
        body_markdown: body,
        tags,
        reason: input.reason,
        findings,
        author_note: note,
        status: 'pending',
        reviewer_id: null,
        reviewer_comment: '',
        published_post_id: null,
        created_at: nowIso(),
        decided_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await storeAttachments(tx, { heldDraftId: row.id }, attachments);
    // Every held draft is one item of the team's review queue (issue 13, point 2).
    await enqueueReview(tx, { kind: 'draft', subjectId: row.id, boardId, reason: input.reason, detail: note, findings: input.findings ?? [] });
    return { id: row.id };
  });
}
