// Trust (issue 13, points 1 and 6): who counts as a trusted member. Earned, never granted by
// being an employee: an account old enough with enough published posts, or enough kudos
// received; the moderating roles are trusted by their role.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { isStaff, type Actor } from '../policy/policy.ts';

export const TRUST = { minDays: 7, minPosts: 5, minKudos: 10 } as const;

export async function isTrusted(db: Kysely<DB>, actor: Actor, now = Date.now()): Promise<boolean> {
  if (isStaff(actor)) return true;
  const user = await db.selectFrom('users').select(['created_at', 'post_count']).where('id', '=', actor.id).executeTakeFirst();
  if (!user) return false;
  const days = (now - Date.parse(user.created_at)) / 86_400_000;
  if (days >= TRUST.minDays && user.post_count >= TRUST.minPosts) return true;
  const kudos = await db
    .selectFrom('posts')
    .select((eb) => eb.fn.sum<number>('kudos_count').as('k'))
    .where('user_id', '=', actor.id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(kudos?.k ?? 0) >= TRUST.minKudos;
}
