import type { Kysely } from 'kysely';
import { assertDraftInScope, GLOBAL_TEAM_ITEM } from './queue-scope.ts';
import type { DB, HeldStatus } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { NotFoundError, text } from '../shared/errors.ts';
import type { HeldFinding } from './hold-draft.ts';
import { attachmentsOfHeldDraft } from '../attachments/list-attachments.ts';
import { returnedDraftUrl } from './returned-draft.ts';

const withNames = (db: Kysely<DB>) =>
  db
    .selectFrom('held_drafts')
    .innerJoin('users as author', 'author.id', 'held_drafts.author_id')
    .leftJoin('boards', 'boards.id', 'held_drafts.board_id')
    .leftJoin('topics', 'topics.id', 'held_drafts.topic_id')
    .leftJoin('users as reviewer', 'reviewer.id', 'held_drafts.reviewer_id')
    .selectAll('held_drafts')
    .select([
      'author.username as author_username', 'author.display_name as author_name',
      'boards.name as board_name', 'boards.slug as board_slug', 'topics.title as topic_title', 'topics.slug as topic_slug',
      'reviewer.display_name as reviewer_name',
    ]);

// edit_url: where its author edits a returned draft to post it or send it again (returned-draft.ts).
const parse = <T extends { findings: string; id: number; kind: string; status: string; board_slug: string | null; topic_id: number | null }>(row: T) =>
  ({ ...row, findings: JSON.parse(row.findings) as HeldFinding[], edit_url: row.status === 'returned' ? returnedDraftUrl(row) : null });

/** The team's queue: pending drafts first, oldest first; then the latest decisions. */
export async function listQueue(db: Kysely<DB>, actor: Actor) {
  authorize(actor, 'queue.item', GLOBAL_TEAM_ITEM); // every board: the global team
  const pending = await withNames(db).where('held_drafts.status', '=', 'pending').orderBy('held_drafts.created_at').limit(200).execute();
  const decided = await withNames(db).where('held_drafts.status', '!=', 'pending').orderBy('held_drafts.decided_at', 'desc').limit(30).execute();
  return { pending: pending.map(parse), decided: decided.map(parse) };
}

/** One held draft with its attachments and the team's earlier returns, for the team or its author. */
export async function showHeld(db: Kysely<DB>, actor: Actor, id: number) {
  const row = await withNames(db).where('held_drafts.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(text('moderation:errors.noSuchDraft'));
  if (row.author_id !== actor.id) await assertDraftInScope(db, actor, row.id);
  const returns = await earlierReturns(db, row);
  return { ...parse(row), attachments: await attachmentsOfHeldDraft(db, row.id), returns, commentIsCurrent: !!row.reviewer_comment && (!AFTER_A_RETURN.includes(row.status) || returns.length === 0) };
}

// A draft keeps its last decision's comment; after a return it goes on (sent again, or posted by
// its author) with that comment left from the return, not a decision on the text it has now.
// (commentIsCurrent: the comment is the team's decision on this text, else its earlier returns say it.)
const AFTER_A_RETURN: readonly string[] = ['pending', 'published'];

/**
 * Each time the team returned this draft before its current version (who, when, what they said),
 * newest first, so a reviewer of a draft sent again knows its history. The staff action log keeps
 * every decision (the draft only its last); the current decision of a returned draft is not earlier.
 */
async function earlierReturns(db: Kysely<DB>, d: { id: number; status: string; reviewer_comment: string }) {
  const rows = await db
    .selectFrom('staff_actions')
    .leftJoin('users', 'users.id', 'staff_actions.actor_id')
    .select(['staff_actions.at', 'staff_actions.reason', 'staff_actions.actor_name', 'users.display_name'])
    .where('staff_actions.action', '=', 'draft.return')
    .where('staff_actions.target', '=', `draft:${d.id}`)
    .orderBy('staff_actions.id', 'desc')
    .execute();
  const earlier = d.status === 'returned' ? rows.slice(1) : rows;
  // The log keeps a comment's first 1000 characters; the latest return's is still on the draft in full.
  const latest = earlier[0];
  const latestInFull = latest !== undefined && AFTER_A_RETURN.includes(d.status) && d.reviewer_comment.startsWith(latest.reason);
  return earlier.map((r, i) => ({ at: r.at, by: r.display_name ?? r.actor_name, comment: i === 0 && latestInFull ? d.reviewer_comment : r.reason }));
}

/** The author's own held drafts with their outcome (`only`: those in these states, e.g. still open to them). */
export async function listMyDrafts(db: Kysely<DB>, actor: Actor, only?: readonly HeldStatus[]) {
  let query = withNames(db).where('held_drafts.author_id', '=', actor.id);
  if (only) query = query.where('held_drafts.status', 'in', only);
  const rows = await query.orderBy('held_drafts.created_at', 'desc').limit(100).execute();
  // A comment on a draft sent again or posted by its author is the one it was returned with.
  return rows.map((row) => ({ ...parse(row), commentFromReturn: !!row.reviewer_comment && AFTER_A_RETURN.includes(row.status) }));
}
