// Community managers move a board up or down the home page. Positions are rewritten densely
// (1..n) in one transaction, which also repairs gaps or ties left by earlier writes.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { NotFoundError, text, UserError } from '../shared/errors.ts';

export type Direction = 'up' | 'down';

export function parseDirection(v: unknown): Direction {
  if (v === 'up' || v === 'down') return v;
  throw new UserError(text('community:errors.chooseDirection'), 400, 'direction');
}

/** Moves a board one place; returns false when it is already first (up) or last (down). */
export async function moveBoard(db: Kysely<DB>, actor: Actor, slug: string, direction: Direction): Promise<boolean> {
  authorize(actor, 'board.manage', null);
  return db.transaction().execute(async (tx) => {
    // Every reorder first takes the same row lock (the oldest board's): on PostgreSQL two managers
    // reordering at once take turns, instead of both writing from the same stale order or
    // deadlocking over rows locked in different orders. SQLite has one writer anyway.
    await tx
      .updateTable('boards')
      .set((eb) => ({ position: eb.ref('position') }))
      .where('id', '=', (eb) => eb.selectFrom('boards as first').select((f) => f.fn.min('first.id').as('id')))
      .execute();
    const boards = await tx.selectFrom('boards').select(['id', 'slug', 'position']).orderBy('position').orderBy('id').execute();
    const i = boards.findIndex((b) => b.slug === slug);
    if (i < 0) throw new NotFoundError(text('community:errors.noSuchBoard'));
    const j = direction === 'up' ? i - 1 : i + 1;
    const moved = j >= 0 && j < boards.length;
    if (moved) [boards[i], boards[j]] = [boards[j]!, boards[i]!];
    for (const [k, b] of boards.entries()) {
      if (b.position !== k + 1) await tx.updateTable('boards').set({ position: k + 1 }).where('id', '=', b.id).execute();
    }
    return moved;
  });
}

/** Every board in home-page order, whatever its visibility, for the managers' list. */
export async function listBoardsInOrder(db: Kysely<DB>, actor: Actor) {
  authorize(actor, 'board.manage', null);
  return db
    .selectFrom('boards')
    .select(['id', 'slug', 'name', 'description', 'visibility', 'position', 'topic_count', 'post_count'])
    .orderBy('position')
    .orderBy('id')
    .execute();
}
