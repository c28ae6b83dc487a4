// The review queue's item model (issue 13, point 2): what kind of thing waits (kind), which one
// (subject id), and why (reason). Any part of Parley can queue an item with enqueueReview; the
// queue page and the decisions read it. Kinds known today: 'post' (a published post, e.g.
// reported) and 'draft' (a held_drafts row: asked the team, held by the guard, a new member's
// first posts, watched words).
import type { Actor } from '../policy/policy.ts';
import { scopeItems } from './queue-scope.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { nowIso } from '../shared/clock.ts';

export interface ReviewFinding {
  type: string;
  field: string;
  start: number;
  end: number;
  reason: string;
  attachment?: number;
  attachmentName?: string;
}

export interface EnqueueInput {
  kind: string;
  subjectId: number;
  boardId?: number | null;
  reason: string;
  detail?: string;
  findings?: ReviewFinding[];
}

// Reasons whose items are the confidentiality guard's, whatever their findings: a draft the guard
// held, one its author sent to the community team (policy point 7: "ask the community team").
const GUARD_REASONS = new Set(['guard', 'asked']);

/**
 * Whether an item stays with the global community team: the guard's own holds, and any item that
 * carries a finding of the guard's (a first post or watched-word hold also lists what the guard
 * found in the draft). Watched-word findings alone are community moderation, for board moderators too.
 */
export function holdsConfidential(reason: string, findings: readonly { type?: unknown }[]): boolean {
  return GUARD_REASONS.has(reason) || findings.some((f) => f.type !== 'watched_word');
}

/** Queues an item, unless the same subject already waits for the same reason (then returns that one). */
export async function enqueueReview(db: Kysely<DB>, input: EnqueueInput): Promise<{ id: number; created: boolean }> {
  const open = await db
    .selectFrom('review_items')
    .select('id')
    .where('kind', '=', input.kind)
    .where('subject_id', '=', input.subjectId)
    .where('reason', '=', input.reason)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (open) return { id: open.id, created: false };
  const row = await db
    .insertInto('review_items')
    .values({
      kind: input.kind,
      subject_id: input.subjectId,
      board_id: input.boardId ?? null,
      ...openItem(input),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, created: true };
}

/** An item waiting from now: its reason, note and findings (positions and types, never values), nobody on it yet. */
function openItem(input: EnqueueInput) {
  return {
    reason: input.reason,
    detail: (input.detail ?? '').slice(0, 2000),
    findings: JSON.stringify((input.findings ?? []).map(({ type, field, start, end, reason, attachment, attachmentName }) => ({ type, field, start, end, reason, attachment, attachmentName }))),
    confidential: holdsConfidential(input.reason, input.findings ?? []) ? 1 : 0,
    status: 'open',
    claimed_by: null,
    claimed_at: null,
    decided_by: null,
    decision: null,
    decision_reason: '',
    created_at: nowIso(),
    decided_at: null,
    reminded_at: null,
  } as const;
}

/**
 * Opens a subject's latest item again, as new (a returned draft its author sent back to the team):
 * unclaimed, undecided, waiting from now, with the new reason, note and findings. The earlier
 * decision stays in the staff action log. Without an earlier item, queues one.
 */
export async function reopenReview(db: Kysely<DB>, input: EnqueueInput): Promise<{ id: number }> {
  const last = await db.selectFrom('review_items').select('id').where('kind', '=', input.kind).where('subject_id', '=', input.subjectId).orderBy('id', 'desc').executeTakeFirst();
  if (!last) return enqueueReview(db, input);
  await db
    .updateTable('review_items')
    .set({
      board_id: input.boardId ?? null,
      ...openItem(input),
    })
    .where('id', '=', last.id)
    .execute();
  return { id: last.id };
}

/** Open items, for the header's "Review (N)" (a board moderator counts their boards' items only). */
export async function countOpenReviews(db: Kysely<DB>, actor: Actor): Promise<number> {
  const row = await openReviewsQuery(db, actor).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The count as a query (also read inside a page's own statement: src/accounts/signed-in-facts.ts). */
export function openReviewsQuery(db: Kysely<DB>, actor: Actor) {
  return scopeItems(db.selectFrom('review_items').select((eb) => eb.fn.countAll().as('n')), actor).where('status', '=', 'open');
}
