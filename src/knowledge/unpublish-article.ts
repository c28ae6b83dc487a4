import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { logStaffAction } from '../moderation/staff-log.ts';
import { nowIso } from '../shared/clock.ts';
import { text, UserError } from '../shared/errors.ts';
import { findVisibleArticle } from './articles.ts';
import { indexArticle } from '../search/index-document.ts';

export const UNPUBLISH_REASON_MAX = 1000;

/**
 * Takes a published article down: it becomes a draft again, which only the community team sees
 * (readers get "no such article", the list, search and the thread's link drop it), with every
 * version kept, so it can be fixed and published again. The way out when an article turns out to
 * be wrong or to hold something that must not be public. Logged for the team with the reason.
 * Unpublishing a draft changes nothing.
 */
export async function unpublishArticle(db: Kysely<DB>, actor: Actor, slug: string, reason = '', at = nowIso()): Promise<{ slug: string; unpublished: boolean }> {
  const article = await findVisibleArticle(db, actor, slug);
  authorize(actor, 'article.unpublish', null);
  const why = reason.replace(/\s+/g, ' ').trim();
  if (why.length > UNPUBLISH_REASON_MAX) throw new UserError(text('knowledge:errors.reasonTooLong', { max: UNPUBLISH_REASON_MAX }), 400, 'reason');
  if (article.status !== 'published') return { slug, unpublished: false };
  // Out of sight, out of the index and in the log together, or not at all.
  const done = await db.transaction().execute(async (tx) => {
    const updated = await tx.updateTable('articles').set({ status: 'draft', updated_at: at }).where('id', '=', article.id).where('status', '=', 'published').executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false; // someone else took it down first
    await indexArticle(tx, article.id);
    await logStaffAction(tx, actor, { action: 'article.unpublish', target: `article:${article.id}`, reason: why });
    return true;
  });
  return { slug, unpublished: done };
}
