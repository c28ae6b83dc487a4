// Publishing a topic or reply, or holding it for the team (issue 13, point 2): when the guard's
// policy says "hold" (or another check asks for a review), the draft is not refused, it goes to the
// review queue as a held draft, the same way on every path (web forms and the API).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { createTopic, type CreateTopicInput } from '../community/create-topic.ts';
import { createReply, type CreateReplyInput } from '../community/create-reply.ts';
import { evaluateDraft, GuardStoppedError } from '../confidentiality/check.ts';
import type { AttachmentText } from '../attachments/text-file.ts';
import { checkNewMemberLimits } from './new-member-limits.ts';
import { flagWatchedPost } from './watched-check.ts';
import { holdDraft, type HeldFinding } from './hold-draft.ts';
import { HoldForReviewError, type HoldReason } from './hold-error.ts';
import { en } from '../i18n/index.ts';

export interface Held {
  held: { id: number; reason: HoldReason; message: string; messageKey: string };
}

// What the author is told (catalogue keys; `message` stays English for callers that know no language).
const MESSAGES: Record<HoldReason, string> = {
  guard: 'moderation:held.told.guard',
  first_post: 'moderation:held.told.first_post',
  watched_word: 'moderation:held.told.watched_word',
};

/** The hold a publish attempt ended in, if it ended in one (anything else is rethrown). */
function holdOf(err: unknown): { reason: HoldReason; findings: HeldFinding[] } | null {
  if (err instanceof GuardStoppedError && err.action === 'hold') {
    return { reason: 'guard', findings: err.findings.map(({ type, field, attachment, attachmentName, start, end, reason }) => ({ type, field, ...(attachment !== undefined ? { attachment, attachmentName: attachmentName! } : {}), start, end, reason })) };
  }
  if (err instanceof HoldForReviewError) return { reason: err.reason, findings: err.findings };
  return null;
}

/**
 * A hold from another check than the guard (a new member's first posts, a watched word) must not
 * let the guard's "block" through a moderator's approval: the guard decides first here, and its
 * findings go with the held draft for the reviewer to see.
 */
async function holdFor(db: Kysely<DB>, actor: Actor, err: unknown, draft: { title?: string; body: string; attachments?: AttachmentText[] }) {
  const hold = holdOf(err);
  if (!hold || hold.reason === 'guard') return hold;
  const ev = await evaluateDraft(db, { actor, body: draft.body.replace(/\r\n?/g, '\n'), ...(draft.title !== undefined ? { title: draft.title } : {}), ...(draft.attachments?.length ? { attachments: draft.attachments } : {}) });
  if (ev.action === 'block') throw new GuardStoppedError({ action: 'block', canAskCommunityTeam: ev.canAskCommunityTeam, findings: ev.findings });
  const guard = ev.findings.filter((f) => f.action !== 'allow').map(({ type, field, attachment, attachmentName, start, end, reason }) => ({ type, field, ...(attachment !== undefined ? { attachment, attachmentName: attachmentName! } : {}), start, end, reason }));
  return { reason: hold.reason, findings: [...hold.findings, ...guard] };
}

/** `replacesDraft`: the author's returned draft this is (returned-draft.ts); a hold updates it instead of holding a copy. */
interface Resubmitting {
  replacesDraft?: number;
}

export async function publishTopicOrHold(db: Kysely<DB>, actor: Actor, input: CreateTopicInput, opts: Resubmitting = {}): Promise<Awaited<ReturnType<typeof createTopic>> | Held> {
  try {
    if (!input.approvedBy) await checkNewMemberLimits(db, actor, `${input.title}\n${input.body}`);
    const created = await createTopic(db, actor, input);
    await flagWatchedPost(db, actor, { id: created.postId, boardId: await boardOfTopic(db, created.id), body: input.body });
    return created;
  } catch (err) {
    if (input.approvedBy) throw err;
    const hold = await holdFor(db, actor, err, input);
    if (!hold) throw err;
    const tags = Array.isArray(input.tags) ? input.tags.join(',') : input.tags;
    const { id } = await holdDraft(db, actor, {
      kind: 'topic', boardSlug: input.boardSlug, topicKind: input.kind, title: input.title, body: input.body.replace(/\r\n?/g, '\n').trim(),
      ...(tags ? { tags } : {}), reason: hold.reason, findings: hold.findings, ...(input.attachments?.length ? { attachments: input.attachments } : {}),
      ...(opts.replacesDraft !== undefined ? { replaces: opts.replacesDraft } : {}),
    });
    return { held: { id, reason: hold.reason, message: en(MESSAGES[hold.reason]), messageKey: MESSAGES[hold.reason] } };
  }
}

export async function publishReplyOrHold(db: Kysely<DB>, actor: Actor, input: CreateReplyInput, opts: Resubmitting = {}): Promise<Awaited<ReturnType<typeof createReply>> | Held> {
  try {
    if (!input.approvedBy) await checkNewMemberLimits(db, actor, input.body);
    const created = await createReply(db, actor, input);
    await flagWatchedPost(db, actor, { id: created.id, boardId: await boardOfTopic(db, input.topicId), body: input.body });
    return created;
  } catch (err) {
    if (input.approvedBy) throw err;
    const hold = await holdFor(db, actor, err, input);
    if (!hold) throw err;
    const { id } = await holdDraft(db, actor, {
      kind: 'reply', topicId: input.topicId, body: input.body.replace(/\r\n?/g, '\n').trim(), reason: hold.reason, findings: hold.findings,
      ...(input.attachments?.length ? { attachments: input.attachments } : {}),
      ...(opts.replacesDraft !== undefined ? { replaces: opts.replacesDraft } : {}),
    });
    return { held: { id, reason: hold.reason, message: en(MESSAGES[hold.reason]), messageKey: MESSAGES[hold.reason] } };
  }
}

// The item carries its board, so that board moderators see it (queue filtered by board).
const boardOfTopic = async (db: Kysely<DB>, topicId: number): Promise<number | null> =>
  (await db.selectFrom('topics').select('board_id').where('id', '=', topicId).executeTakeFirst())?.board_id ?? null;

export const isHeld = (r: object): r is Held => 'held' in r;
