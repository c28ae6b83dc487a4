// A board's earlier addresses (migration 035). Changing a board's slug keeps the old one, so
// that links to /b/<old> and its feed (bookmarks, search engines, other sites) redirect to the
// board at its new address (src/web/server.ts's error handler). A slug a board takes (again)
// stops being an old address.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { can, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';

/** In the transaction that renames the board: `from` now leads to it; `to` is no one's old address. */
export async function rememberOldSlug(db: Kysely<DB>, boardId: number, from: string, to: string): Promise<void> {
  await db.deleteFrom('board_slug_history').where('slug', '=', to).execute();
  await db.insertInto('board_slug_history').values({ slug: from, board_id: boardId, changed_at: nowIso() })
    .onConflict((oc) => oc.column('slug').doUpdateSet({ board_id: boardId, changed_at: nowIso() }))
    .execute();
}

/** In the transaction that creates a board at `slug`: an older board's redirect from it ends. */
export async function forgetOldSlug(db: Kysely<DB>, slug: string): Promise<void> {
  await db.deleteFrom('board_slug_history').where('slug', '=', slug).execute();
}

/** Where the board once at `slug` is now, if the actor may see it (a staff board's new address is not told to others). */
export async function boardNowAt(db: Kysely<DB>, actor: Actor | null, slug: unknown): Promise<string | null> {
  if (typeof slug !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) || slug.length > 60) return null;
  const board = await db.selectFrom('board_slug_history').innerJoin('boards', 'boards.id', 'board_slug_history.board_id')
    .select(['boards.id', 'boards.slug', 'boards.visibility']).where('board_slug_history.slug', '=', slug).executeTakeFirst();
  return board && can(actor, 'board.view', board) ? board.slug : null;
}
