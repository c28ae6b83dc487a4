import type { Kysely } from 'kysely';
import { createUser } from '../../src/accounts/create-user.ts';
import { acknowledgeGuidelines, currentGuidelines } from '../../src/accounts/guidelines.ts';
import type { DB, Role } from '../../src/db/schema.ts';
import type { Actor } from '../../src/policy/policy.ts';

let n = 0;
/** Creates an account with the given extra roles and returns it as an Actor. Employees have
 * acknowledged the current guidelines unless `acknowledged` is false. */
export async function makeUser(db: Kysely<DB>, roles: Role[] = [], name?: string, acknowledged = true): Promise<Actor & { username: string }> {
  const username = name ?? `user${++n}_${Math.random().toString(36).slice(2, 7)}`;
  const { id } = await createUser(db, {
    username,
    email: `${username}@example.com`,
    displayName: username.replace(/_/g, ' '),
    password: 'correct horse battery staple',
    roles,
    emailVerified: true,
  });
  const actor = { id, username, roles: new Set<Role>(['member', ...roles]) };
  if (acknowledged && roles.includes('employee')) await acknowledgeGuidelines(db, actor, (await currentGuidelines(db)).version);
  return actor;
}
