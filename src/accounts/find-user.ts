import type { Kysely } from 'kysely';
import type { DB, Role } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';

/** Looks an account up by username or e-mail address, case-insensitively. */
export async function findUserByLogin(db: Kysely<DB>, login: string) {
  const key = login.trim().toLowerCase();
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb.or([eb('username_lower', '=', key), eb('email_lower', '=', key)]))
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function rolesOf(db: Kysely<DB>, userId: number): Promise<Role[]> {
  const rows = await db.selectFrom('user_roles').select('role').where('user_id', '=', userId).execute();
  return rows.map((r) => r.role);
}

export async function loadActor(db: Kysely<DB>, userId: number): Promise<Actor | null> {
  const user = await db.selectFrom('users').select('id').where('id', '=', userId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!user) return null;
  return { id: user.id, roles: new Set(await rolesOf(db, userId)) };
}

// Badges beside names are read on every page, roles change rarely: role lists for badges are
// kept for a minute (per database handle). A change made through this process drops the entry
// at once; other processes show the new badge within BADGE_TTL_MS. Authorization never uses
// this cache: loadActor reads the roles afresh on each request.
const BADGE_TTL_MS = 60_000;
const BADGE_CACHE_MAX = 50_000;
const badgeCaches = new WeakMap<Kysely<DB>, Map<number, { roles: Role[]; expires: number }>>();

export function forgetBadgeRoles(db: Kysely<DB>, userId: number): void {
  badgeCaches.get(db)?.delete(userId);
}

/** Role lists for many users at once (for badges beside author names). */
export async function rolesByUser(db: Kysely<DB>, userIds: number[]): Promise<Map<number, Role[]>> {
  const map = new Map<number, Role[]>();
  if (userIds.length === 0) return map;
  let cache = badgeCaches.get(db);
  if (!cache) badgeCaches.set(db, (cache = new Map()));
  const now = Date.now();
  const missing: number[] = [];
  for (const id of new Set(userIds)) {
    const hit = cache.get(id);
    if (hit && hit.expires > now) map.set(id, hit.roles);
    else missing.push(id);
  }
  if (missing.length === 0) return map;
  const rows = await db.selectFrom('user_roles').select(['user_id', 'role']).where('user_id', 'in', missing).execute();
  for (const id of missing) map.set(id, []);
  for (const r of rows) map.get(r.user_id)!.push(r.role);
  if (cache.size + missing.length > BADGE_CACHE_MAX) cache.clear();
  for (const id of missing) cache.set(id, { roles: map.get(id)!, expires: now + BADGE_TTL_MS });
  return map;
}
