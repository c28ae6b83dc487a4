// New-member limits (issue 13, point 6), kept in the settings table and edited by community
// managers on /moderation/settings. Limits relax once a member is trusted (src/moderation/trust.ts).
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { text, UserError } from '../shared/errors.ts';
import { logStaffAction } from './staff-log.ts';

const KEY = 'moderation.limits';
const count = (max: number) => z.coerce.number().int().min(0).max(max);

export const limitsSchema = z.object({
  /** The first N posts of a member who is not trusted yet wait for a moderator (0: off). */
  firstPostsHeld: count(100),
  /** Posts (topics and replies, held ones included) per account per minute / hour; 0: no limit. */
  newPerMinute: count(1000),
  newPerHour: count(10_000),
  trustedPerMinute: count(1000),
  trustedPerHour: count(10_000),
  /** Links a member who is not trusted yet may put in one post. */
  newMaxLinks: count(1000),
});
export type ModerationLimits = z.infer<typeof limitsSchema>;

export const DEFAULT_LIMITS: ModerationLimits = { firstPostsHeld: 0, newPerMinute: 10, newPerHour: 60, trustedPerMinute: 30, trustedPerHour: 600, newMaxLinks: 3 };

export async function readLimits(db: Kysely<DB>): Promise<ModerationLimits> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  if (!row) return DEFAULT_LIMITS;
  const parsed = limitsSchema.safeParse({ ...DEFAULT_LIMITS, ...JSON.parse(row.value) });
  return parsed.success ? parsed.data : DEFAULT_LIMITS;
}

export async function saveLimits(db: Kysely<DB>, actor: Actor, input: Record<string, unknown>): Promise<ModerationLimits> {
  authorize(actor, 'watchedWords.manage', null);
  const parsed = limitsSchema.safeParse({ ...(await readLimits(db)), ...input });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(text('moderation:errors.limitInvalid', { field: String(issue.path[0]), reason: issue.message }), 400, String(issue.path[0]));
  }
  const value = JSON.stringify(parsed.data);
  await db.insertInto('settings').values({ key: KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  await logStaffAction(db, actor, { action: 'settings.limits', target: 'settings:moderation', detail: value });
  return parsed.data;
}
