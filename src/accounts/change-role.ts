import type { Kysely } from 'kysely';
import type { DB, Role } from '../db/schema.ts';
import { ROLES } from '../db/schema.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, UserError } from '../shared/errors.ts';
import { logStaffAction } from '../moderation/staff-log.ts';
import { forgetAuthor } from './find-user.ts';

export function parseRole(value: string): Role {
  const role = value.trim().toLowerCase().replace(/[- ]/g, '_') as Role;
  if (!ROLES.includes(role)) throw new UserError(`Unknown role "${value}". Roles: ${ROLES.join(', ')}`);
  return role;
}

/**
 * Grants or revokes a role and records the change in the role log. Returns false when there
 * was nothing to change (already held / not held). Callers authorize first (policy 'role.grant').
 */
export async function changeRole(
  db: Kysely<DB>,
  change: { userId: number; role: Role; action: 'grant' | 'revoke'; actorId: number | null; reason?: string },
): Promise<boolean> {
  if (change.role === 'member') throw new UserError('Every account is a member; that role cannot be changed');
  return db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').select('id').where('id', '=', change.userId).where('deleted_at', 'is', null).executeTakeFirst();
    if (!user) throw new NotFoundError('No such user');
    const held = await tx
      .selectFrom('user_roles')
      .select('role')
      .where('user_id', '=', change.userId)
      .where('role', '=', change.role)
      .executeTakeFirst();
    if ((change.action === 'grant') === !!held) return false;
    const at = nowIso();
    if (change.action === 'grant') {
      await tx.insertInto('user_roles').values({ user_id: change.userId, role: change.role, granted_at: at, granted_by: change.actorId }).execute();
    } else {
      await tx.deleteFrom('user_roles').where('user_id', '=', change.userId).where('role', '=', change.role).execute();
    }
    await tx
      .insertInto('role_changes')
      .values({ user_id: change.userId, role: change.role, action: change.action, actor_id: change.actorId, reason: change.reason ?? '', at })
      .execute();
    // The staff action log (src/moderation) shows role changes with the rest.
    await logStaffAction(tx, change.actorId === null ? null : { id: change.actorId, roles: new Set() }, { action: `role.${change.action}`, target: `user:${change.userId}`, reason: change.reason ?? '', detail: change.role });
    return true;
  }).then((changed) => {
    forgetAuthor(db, change.userId);
    return changed;
  });
}
