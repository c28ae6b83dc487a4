// What part of the review queue an actor sees (issue 13): the moderating roles all of it; a board
// moderator the items of their boards that they may still read, except whatever the confidentiality
// guard found (customer data stays with the global team: `review_items.confidential`). The rule
// itself is the policy's 'queue.item'; this turns it into a query filter and per-item checks that
// answer 404, as for an item that does not exist.
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, can, visibleBoardKinds, type Actor } from '../policy/policy.ts';
import { NotFoundError, text, type Text } from '../shared/errors.ts';

/** The subject of 'queue.item' for what only the global team reviews (a board-less item). */
export const GLOBAL_TEAM_ITEM = { board: null, confidential: true } as const;

/** True for the global moderating roles (a board-less item is theirs only). */
export const reviewsEverything = (actor: Actor | null): boolean => can(actor, 'queue.item', GLOBAL_TEAM_ITEM);

/** Restricts a review_items query to what the actor may see. */
export function scopeItems<O>(qb: SelectQueryBuilder<DB, 'review_items' | any, O>, actor: Actor): SelectQueryBuilder<DB, 'review_items' | any, O> {
  if (reviewsEverything(actor)) return qb;
  const boards = [...(actor.boards ?? [])];
  if (!boards.length) return qb.where((eb) => eb.val(1), '=', 0);
  return qb
    .where('review_items.board_id', 'in', (eb: any) => eb.selectFrom('boards').select('boards.id').where('boards.id', 'in', boards).where('boards.visibility', 'in', visibleBoardKinds(actor)))
    .where('review_items.confidential', '=', 0);
}

/** Whether the actor may review an item (its board read for a board moderator). */
async function inScope(db: Kysely<DB>, actor: Actor, item: { board_id: number | null; confidential: number }): Promise<boolean> {
  if (reviewsEverything(actor)) return true;
  const board = item.board_id === null ? undefined : await db.selectFrom('boards').select(['id', 'visibility']).where('id', '=', item.board_id).executeTakeFirst();
  return can(actor, 'queue.item', { board: board ?? null, confidential: item.confidential !== 0 });
}

/** 404 unless the actor may review this item. */
export async function assertItemInScope(db: Kysely<DB>, actor: Actor, item: { board_id: number | null; confidential: number }, notFound: Text = text('moderation:errors.noSuchReviewItem')): Promise<void> {
  authorize(actor, 'queue.review', null);
  if (!(await inScope(db, actor, item))) throw new NotFoundError(notFound);
}

/** A held draft: 404 unless the actor may review the queue item it waits in. */
export async function assertDraftInScope(db: Kysely<DB>, actor: Actor, draftId: number): Promise<void> {
  authorize(actor, 'queue.review', null);
  if (reviewsEverything(actor)) return;
  const item = await db.selectFrom('review_items').select(['board_id', 'confidential']).where('kind', '=', 'draft').where('subject_id', '=', draftId).orderBy('id', 'desc').executeTakeFirst();
  if (!item) throw new NotFoundError(text('moderation:errors.noSuchDraft'));
  await assertItemInScope(db, actor, item, text('moderation:errors.noSuchDraft'));
}
