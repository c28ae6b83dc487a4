// Ignoring a member (as Discourse's "Ignore"): their posts are folded away on the ignorer's topic
// pages (one click shows one), and replies, mentions, quotes and kudos from them notify the
// ignorer of nothing. The ignored person is not told. The community team cannot be ignored: a
// moderator's word about a post or an account must reach everyone.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, isStaff, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, text, UserError } from '../shared/errors.ts';
import { rolesOf } from './find-user.ts';

/** People one may ignore at most (a list past this is better handled by reporting them). */
export const MAX_IGNORED = 500;

async function target(db: Kysely<DB>, username: string) {
  const user = await db.selectFrom('users').select(['id', 'username', 'display_name']).where('username_lower', '=', username.toLowerCase()).where('deleted_at', 'is', null).executeTakeFirst();
  if (!user) throw new NotFoundError(text('accounts:errors.noSuchMember'));
  return { ...user, staff: isStaff({ id: user.id, roles: new Set(await rolesOf(db, user.id)) }) };
}

/** Starts ignoring a member; ignoring them again changes nothing. */
export async function ignoreUser(db: Kysely<DB>, actor: Actor, username: string): Promise<{ username: string; displayName: string }> {
  const user = await target(db, username);
  if (user.id === actor.id) throw new UserError(text('accounts:ignore.errors.self'), 400);
  authorize(actor, 'user.ignore', user);
  await db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('user_ignores').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', actor.id).executeTakeFirstOrThrow();
    if (Number(row.n) >= MAX_IGNORED) throw new UserError(text('accounts:ignore.errors.tooMany', { max: MAX_IGNORED }), 409);
    await tx.insertInto('user_ignores').values({ user_id: actor.id, ignored_user_id: user.id, created_at: nowIso() })
      .onConflict((oc) => oc.columns(['user_id', 'ignored_user_id']).doNothing()).execute();
  });
  return { username: user.username, displayName: user.display_name };
}

/** Stops ignoring a member; one not ignored is no error. */
export async function stopIgnoring(db: Kysely<DB>, actor: Actor, username: string): Promise<boolean> {
  const user = await target(db, username);
  const r = await db.deleteFrom('user_ignores').where('user_id', '=', actor.id).where('ignored_user_id', '=', user.id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Whom the actor ignores, by name (the settings page's list). */
export async function listIgnored(db: Kysely<DB>, actor: Actor): Promise<{ username: string; displayName: string; since: string }[]> {
  const rows = await db.selectFrom('user_ignores as i').innerJoin('users as u', 'u.id', 'i.ignored_user_id')
    .select(['u.username', 'u.display_name', 'i.created_at']).where('i.user_id', '=', actor.id).where('u.deleted_at', 'is', null)
    .orderBy('u.display_name').execute();
  return rows.map((r) => ({ username: r.username, displayName: r.display_name, since: r.created_at }));
}

/** Whether the actor ignores this member (the profile's button). */
export async function ignores(db: Kysely<DB>, actor: Actor | null, userId: number): Promise<boolean> {
  if (!actor) return false;
  return !!(await db.selectFrom('user_ignores').select('user_id').where('user_id', '=', actor.id).where('ignored_user_id', '=', userId).executeTakeFirst());
}

/** Of these people, those who ignore `actorId` (they are not notified of what it does). */
export async function ignoringAmong(db: Kysely<DB>, actorId: number, userIds: number[]): Promise<Set<number>> {
  const out = new Set<number>();
  // In chunks: a busy topic's watchers can be many more than a statement's parameters allow.
  for (let i = 0; i < userIds.length; i += 1000) {
    const rows = await db.selectFrom('user_ignores').select('user_id').where('ignored_user_id', '=', actorId).where('user_id', 'in', userIds.slice(i, i + 1000)).execute();
    for (const r of rows) out.add(r.user_id);
  }
  return out;
}
