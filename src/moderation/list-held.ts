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

/** One held draft with its attachments, for the team or its author. */
export async function showHeld(db: Kysely<DB>, actor: Actor, id: number) {
  const row = await withNames(db).where('held_drafts.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(text('moderation:errors.noSuchDraft'));
  if (row.author_id !== actor.id) await assertDraftInScope(db, actor, row.id);
  return { ...parse(row), attachments: await attachmentsOfHeldDraft(db, row.id) };
}

/** The author's own held drafts with their outcome (`only`: those in these states, e.g. still open to them). */
export async function listMyDrafts(db: Kysely<DB>, actor: Actor, only?: readonly HeldStatus[]) {
  let query = withNames(db).where('held_drafts.author_id', '=', actor.id);
  if (only) query = query.where('held_drafts.status', 'in', only);
  const rows = await query.orderBy('held_drafts.created_at', 'desc').limit(100).execute();
  return rows.map(parse);
}
