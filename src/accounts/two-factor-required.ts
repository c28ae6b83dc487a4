// REQUIRE_TWO_FACTOR: the team (or everyone) must use two-step verification. An account in scope
// that signs in with a password and has not set it up may do nothing but set it up: its pages
// lead to the settings, and anything else it sends (forms, the API with its cookie) is refused.
// Accounts without a password sign in through single sign-on, whose identity provider asks for a
// second step: they are not held. API tokens are not held either (a token is made by a session).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';

export type TwoFactorRule = 'none' | 'team' | 'everyone';

export const TEAM_ROLES = ['employee', 'moderator', 'community_manager', 'admin'] as const;

/** Whether the rule covers this account's roles. */
export const ruleCovers = (rule: TwoFactorRule, actor: Actor): boolean => rule === 'everyone' || (rule === 'team' && TEAM_ROLES.some((r) => actor.roles.has(r)));

/** True when the rule covers the account and it signs in with a password but has no second step yet. */
export async function mustSetUpTwoFactor(db: Kysely<DB>, rule: TwoFactorRule, actor: Actor): Promise<boolean> {
  if (rule === 'none' || !ruleCovers(rule, actor)) return false;
  const row = await db
    .selectFrom('users')
    .leftJoin('two_factor', 'two_factor.user_id', 'users.id')
    .select(['users.password_hash', 'two_factor.enabled_at'])
    .where('users.id', '=', actor.id)
    .executeTakeFirst();
  return !!row?.password_hash && !row.enabled_at;
}

// What such an account may still ask for: the settings page (where it sets it up), the set-up
// itself, the guidelines an employee acknowledges first, signing in and out, and the assets.
export const OPEN_UNTIL_SET_UP = new Set(['/settings', '/settings/two-factor/setup', '/settings/two-factor/confirm', '/guidelines', '/signin', '/signin/two-factor', '/signout']);
