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

/** Role lists for many users at once (for badges beside author names). */
export async function rolesByUser(db: Kysely<DB>, userIds: number[]): Promise<Map<number, Role[]>> {
  const map = new Map<number, Role[]>();
  if (userIds.length === 0) return map;
  const rows = await db.selectFrom('user_roles').select(['user_id', 'role']).where('user_id', 'in', [...new Set(userIds)]).execute();
  for (const r of rows) {
    const list = map.get(r.user_id);
    if (list) list.push(r.role);
    else map.set(r.user_id, [r.role]);
  }
  return map;
}
