import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { can, type Actor } from '../policy/policy.ts';
import { NotFoundError, text } from '../shared/errors.ts';

export const ARTICLES_PER_PAGE = 30;

/** The knowledge base: published articles for everyone, and drafts (listed first) for those
 * who may see them; most recently updated first. */
export async function listArticles(db: Kysely<DB>, actor: Actor | null, page = 1) {
  const withDrafts = can(actor, 'article.view', { status: 'draft' });
  const visible = () => {
    const q = db.selectFrom('articles');
    return withDrafts ? q : q.where('status', '=', 'published');
  };
  const { n } = await visible().select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  const pageCount = Math.max(1, Math.ceil(Number(n) / ARTICLES_PER_PAGE));
  if (page > pageCount) throw new NotFoundError(text('knowledge:errors.noSuchPage'));
  const articles = await visible()
    .select(['id', 'slug', 'title', 'status', 'current_version', 'source_topic_id', 'updated_at', 'published_at'])
    .orderBy('status')
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(ARTICLES_PER_PAGE)
    .offset((page - 1) * ARTICLES_PER_PAGE)
    .execute();
  return { articles, page, pageCount, total: Number(n), canCreate: can(actor, 'article.edit', null) };
}
