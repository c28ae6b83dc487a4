// Publishing a topic or reply, or holding it for the team (issue 13, point 2): when the guard's
// policy says "hold" (or another check asks for a review), the draft is not refused, it goes to the
// review queue as a held draft, the same way on every path (web forms and the API).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { createTopic, type CreateTopicInput } from '../community/create-topic.ts';
import { createReply, type CreateReplyInput } from '../community/create-reply.ts';
import { GuardStoppedError } from '../confidentiality/check.ts';
import { holdDraft, type HeldFinding } from './hold-draft.ts';
import { HoldForReviewError, type HoldReason } from './hold-error.ts';

export interface Held {
  held: { id: number; reason: HoldReason; message: string };
}

const MESSAGES: Record<HoldReason, string> = {
  guard: 'Your post contains something the confidentiality guard asks the community team to review. It is with the team, not in public; you will get an e-mail when they have looked at it.',
  first_post: 'Welcome! The first posts of a new member are read by a moderator before they appear. Yours is waiting for review; you will get an e-mail when it is published.',
  watched_word: 'Your post contains a word or phrase the moderators review before it appears. It is waiting for review; you will get an e-mail when they have looked at it.',
};

/** The hold a publish attempt ended in, if it ended in one (anything else is rethrown). */
function holdOf(err: unknown): { reason: HoldReason; findings: HeldFinding[] } | null {
  if (err instanceof GuardStoppedError && err.action === 'hold') {
    return { reason: 'guard', findings: err.findings.map(({ type, field, attachment, attachmentName, start, end, reason }) => ({ type, field, ...(attachment !== undefined ? { attachment, attachmentName: attachmentName! } : {}), start, end, reason })) };
  }
  if (err instanceof HoldForReviewError) return { reason: err.reason, findings: err.findings };
  return null;
}

export async function publishTopicOrHold(db: Kysely<DB>, actor: Actor, input: CreateTopicInput): Promise<Awaited<ReturnType<typeof createTopic>> | Held> {
  try {
    return await createTopic(db, actor, input);
  } catch (err) {
    const hold = holdOf(err);
    if (!hold || input.approvedBy) throw err;
    const tags = Array.isArray(input.tags) ? input.tags.join(',') : input.tags;
    const { id } = await holdDraft(db, actor, {
      kind: 'topic', boardSlug: input.boardSlug, topicKind: input.kind, title: input.title, body: input.body.replace(/\r\n?/g, '\n').trim(),
      ...(tags ? { tags } : {}), reason: hold.reason, findings: hold.findings, ...(input.attachments?.length ? { attachments: input.attachments } : {}),
    });
    return { held: { id, reason: hold.reason, message: MESSAGES[hold.reason] } };
  }
}

export async function publishReplyOrHold(db: Kysely<DB>, actor: Actor, input: CreateReplyInput): Promise<Awaited<ReturnType<typeof createReply>> | Held> {
  try {
    return await createReply(db, actor, input);
  } catch (err) {
    const hold = holdOf(err);
    if (!hold || input.approvedBy) throw err;
    const { id } = await holdDraft(db, actor, {
      kind: 'reply', topicId: input.topicId, body: input.body.replace(/\r\n?/g, '\n').trim(), reason: hold.reason, findings: hold.findings,
      ...(input.attachments?.length ? { attachments: input.attachments } : {}),
    });
    return { held: { id, reason: hold.reason, message: MESSAGES[hold.reason] } };
  }
}

export const isHeld = (r: object): r is Held => 'held' in r;
