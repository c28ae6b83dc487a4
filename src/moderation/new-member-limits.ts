// New-member limits (issue 13, point 6), applied to every topic and reply people write through
// the forms and the API (src/moderation/post-or-hold.ts): posting rate per account, links per
// post, and the first posts held for approval. Trust relaxes them; the moderating roles are trusted.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { UserError, text as msg } from '../shared/errors.ts';
import { HoldForReviewError } from './hold-error.ts';
import { readLimits } from './settings.ts';
import { isTrusted } from './trust.ts';

const LINK = /https?:\/\/|www\.[\p{L}\p{N}-]+\.[\p{L}]/giu;
export const countLinks = (text: string): number => (text.match(LINK) ?? []).length;

async function postsSince(db: Kysely<DB>, userId: number, since: string): Promise<number> {
  const [posts, held] = await Promise.all([
    db.selectFrom('posts').select((eb) => eb.fn.countAll().as('n')).where('user_id', '=', userId).where('created_at', '>=', since).executeTakeFirstOrThrow(),
    db.selectFrom('held_drafts').select((eb) => eb.fn.countAll().as('n')).where('author_id', '=', userId).where('created_at', '>=', since).executeTakeFirstOrThrow(),
  ]);
  return Number(posts.n) + Number(held.n);
}

/** Throws 429 (too fast), 422 (too many links) or HoldForReviewError (first posts); returns when the post may go on. */
export async function checkNewMemberLimits(db: Kysely<DB>, actor: Actor, text: string, now = Date.now()): Promise<void> {
  const limits = await readLimits(db);
  const trusted = await isTrusted(db, actor, now);
  const perMinute = trusted ? limits.trustedPerMinute : limits.newPerMinute;
  const perHour = trusted ? limits.trustedPerHour : limits.newPerHour;
  if (perMinute && (await postsSince(db, actor.id, new Date(now - 60_000).toISOString())) >= perMinute) {
    throw new UserError(msg(trusted ? 'moderation:errors.tooFast' : 'moderation:errors.tooFastNew', { count: perMinute }), 429);
  }
  if (perHour && (await postsSince(db, actor.id, new Date(now - 3_600_000).toISOString())) >= perHour) {
    throw new UserError(msg(trusted ? 'moderation:errors.hourLimit' : 'moderation:errors.hourLimitNew', { count: perHour }), 429);
  }
  if (trusted) return;
  const links = countLinks(text);
  if (links > limits.newMaxLinks) {
    throw new UserError(msg('moderation:errors.tooManyLinks', { count: limits.newMaxLinks, links }), 422, 'body');
  }
  if (limits.firstPostsHeld > 0) {
    const user = await db.selectFrom('users').select('post_count').where('id', '=', actor.id).executeTakeFirst();
    if ((user?.post_count ?? 0) < limits.firstPostsHeld) {
      throw new HoldForReviewError('first_post', msg('moderation:errors.firstPostsReviewed', { count: limits.firstPostsHeld }));
    }
  }
}
