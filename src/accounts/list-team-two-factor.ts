// Who on the team uses two-step verification: for community managers and admins turning on
// REQUIRE_TWO_FACTOR, or checking on it. Those still without it come first.
import type { Kysely } from 'kysely';
import type { DB, Role } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { TEAM_ROLES } from './two-factor-required.ts';

export interface TeamMemberTwoFactor {
  username: string;
  displayName: string;
  roles: Role[];
  /** 'on' (since `since`), 'off', or 'sso' (no password here: the identity provider's second step). */
  state: 'on' | 'off' | 'sso';
  since: string | null;
  lastSignInAt: string | null;
}

export async function listTeamTwoFactor(db: Kysely<DB>, actor: Actor): Promise<TeamMemberTwoFactor[]> {
  authorize(actor, 'role.manage', null);
  const rows = await db
    .selectFrom('users')
    .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
    .leftJoin('two_factor', 'two_factor.user_id', 'users.id')
    .select(['users.id', 'users.username', 'users.display_name', 'users.last_sign_in_at', 'two_factor.enabled_at', 'user_roles.role'])
    .select((eb) => eb('users.password_hash', 'is not', null).as('has_password'))
    .where('user_roles.role', 'in', [...TEAM_ROLES])
    .where('users.deleted_at', 'is', null)
    .orderBy('users.display_name')
    .orderBy('users.id')
    .execute();
  const people = new Map<number, TeamMemberTwoFactor>();
  for (const r of rows) {
    const known = people.get(r.id);
    if (known) {
      known.roles.push(r.role as Role);
      continue;
    }
    const state = r.enabled_at ? 'on' : Number(r.has_password) === 1 ? 'off' : 'sso';
    people.set(r.id, { username: r.username, displayName: r.display_name, roles: [r.role as Role], state, since: r.enabled_at ?? null, lastSignInAt: r.last_sign_in_at ?? null });
  }
  const order = { off: 0, sso: 1, on: 2 } as const;
  return [...people.values()].sort((a, b) => order[a.state] - order[b.state]);
}
