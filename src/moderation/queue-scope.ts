// What part of the review queue an actor sees (issue 13): the moderating roles all of it; a board
// moderator the items of their boards, except what the confidentiality guard held (customer data
// stays with the global team). The rule itself is the policy's 'queue.item'; this turns it into a
// query filter and per-item checks that answer 404, as for an item that does not exist.
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, can, type Actor } from '../policy/policy.ts';
import { NotFoundError, text } from '../shared/errors.ts';

/** True for the global moderating roles (a board-less item is theirs only). */
export const reviewsEverything = (actor: Actor | null): boolean => can(actor, 'queue.item', { boardId: null, reason: 'any' });

/** Restricts a review_items query to what the actor may see. */
export function scopeItems<O>(qb: SelectQueryBuilder<DB, 'review_items' | any, O>, actor: Actor): SelectQueryBuilder<DB, 'review_items' | any, O> {
  if (reviewsEverything(actor)) return qb;
  const boards = [...(actor.boards ?? [])];
  if (!boards.length) return qb.where((eb) => eb.val(1), '=', 0);
  return qb.where('review_items.board_id', 'in', boards).where('review_items.reason', '!=', 'guard');
}

/** 404 unless the actor may review this item. */
export function assertItemInScope(actor: Actor, item: { board_id: number | null; reason: string }): void {
  authorize(actor, 'queue.review', null);
  if (!can(actor, 'queue.item', { boardId: item.board_id, reason: item.reason })) throw new NotFoundError(text('moderation:errors.noSuchReviewItem'));
}

/** A held draft: 404 unless the actor may review the queue item it waits in. */
export async function assertDraftInScope(db: Kysely<DB>, actor: Actor, draftId: number): Promise<void> {
  authorize(actor, 'queue.review', null);
  if (reviewsEverything(actor)) return;
  const item = await db.selectFrom('review_items').select(['board_id', 'reason']).where('kind', '=', 'draft').where('subject_id', '=', draftId).orderBy('id', 'desc').executeTakeFirst();
  if (!item || !can(actor, 'queue.item', { boardId: item.board_id, reason: item.reason })) throw new NotFoundError(text('moderation:errors.noSuchDraft'));
}
