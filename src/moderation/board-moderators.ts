// Board moderators (issue 13): "Board moderators see the items of their boards only." A community
// manager assigns a member to moderate some boards; the actor then carries those board ids
// (read with the roles on each request) and the policy lets them review those boards' queue items
// and moderate their topics and posts. Global moderators keep everything.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, UserError, text } from '../shared/errors.ts';
import { logStaffAction } from './staff-log.ts';

/** The boards a user moderates, or undefined when none (most users: nothing added to the actor). */
export async function moderatedBoards(db: Kysely<DB>, userId: number): Promise<ReadonlySet<number> | undefined> {
  const rows = await db.selectFrom('board_moderators').select('board_id').where('user_id', '=', userId).execute();
  return rows.length ? new Set(rows.map((r) => r.board_id)) : undefined;
}

/** The actor's `boards` field, spread into an actor when it is loaded: {} for most users. */
export async function boardsOf(db: Kysely<DB>, userId: number): Promise<{ boards?: ReadonlySet<number> }> {
  const boards = await moderatedBoards(db, userId);
  return boards ? { boards } : {};
}

export async function listBoardModerators(db: Kysely<DB>, boardId: number) {
  return db.selectFrom('board_moderators').innerJoin('users', 'users.id', 'board_moderators.user_id')
    .select(['users.id', 'users.username', 'users.display_name']).where('board_moderators.board_id', '=', boardId).orderBy('users.username').execute();
}

export async function addBoardModerator(db: Kysely<DB>, actor: Actor | null, boardId: number, username: string): Promise<void> {
  if (actor) authorize(actor, 'board.manage', null);
  const name = typeof username === 'string' ? username.trim().replace(/^@/, '').toLowerCase() : '';
  if (!name) throw new UserError(text('moderation:errors.boardModeratorUsername'), 400, 'username');
  const user = await db.selectFrom('users').select('id').where('username_lower', '=', name).where('deleted_at', 'is', null).executeTakeFirst();
  if (!user) throw new UserError(text('moderation:errors.noMemberCalled', { name }), 400, 'username');
  const board = await db.selectFrom('boards').select('id').where('id', '=', boardId).executeTakeFirst();
  if (!board) throw new NotFoundError(text('moderation:errors.noSuchBoard'));
  const exists = await db.selectFrom('board_moderators').select('user_id').where('board_id', '=', boardId).where('user_id', '=', user.id).executeTakeFirst();
  if (exists) throw new UserError(text('moderation:errors.alreadyModerates', { name }), 409, 'username');
  await db.insertInto('board_moderators').values({ board_id: boardId, user_id: user.id, created_by: actor?.id ?? null, created_at: nowIso() }).execute();
  await logStaffAction(db, actor, { action: 'board_moderator.add', target: `user:${user.id}`, detail: `board:${boardId}` });
}

export async function removeBoardModerator(db: Kysely<DB>, actor: Actor | null, boardId: number, userId: number): Promise<void> {
  if (actor) authorize(actor, 'board.manage', null);
  const r = await db.deleteFrom('board_moderators').where('board_id', '=', boardId).where('user_id', '=', userId).executeTakeFirst();
  if (Number(r.numDeletedRows) !== 1) throw new NotFoundError(text('moderation:errors.noSuchBoardModerator'));
  await logStaffAction(db, actor, { action: 'board_moderator.remove', target: `user:${userId}`, detail: `board:${boardId}` });
}

/** The slugs of the boards a user moderates (for the CLI). */
export async function listModeratedBoards(db: Kysely<DB>, userId: number): Promise<string[]> {
  const rows = await db.selectFrom('board_moderators').innerJoin('boards', 'boards.id', 'board_moderators.board_id').select('boards.slug').where('board_moderators.user_id', '=', userId).orderBy('boards.slug').execute();
  return rows.map((r) => r.slug);
}
