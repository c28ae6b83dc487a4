import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { runPublishPipeline } from '../publish/pipeline.ts';
import { nowIso } from '../shared/clock.ts';
import { findVisibleArticle } from './articles.ts';
import { currentText } from './article-versions.ts';
import { indexArticle } from '../search/index-document.ts';

/** Makes a draft article public. Publishing an already published article changes nothing. */
export async function publishArticle(db: Kysely<DB>, actor: Actor, slug: string, at = nowIso()): Promise<{ slug: string; published: boolean }> {
  const article = await findVisibleArticle(db, actor, slug);
  authorize(actor, 'article.publish', null);
  if (article.status === 'published') return { slug, published: false };
  // The text passed the pipeline when it was saved; it passes again now that it goes public,
  // under the checks of today and as the person who publishes it.
  const current = await currentText(db, article);
  await runPublishPipeline(db, { actor, where: 'article', title: current.title, body: current.body_markdown });
  // Published and searchable in one transaction.
  const done = await db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable('articles')
      .set((eb) => ({ status: 'published', published_at: at, updated_at: at, first_published_version: eb.ref('current_version') }))
      .where('id', '=', article.id)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    await indexArticle(tx, article.id);
    return updated;
  });
  return { slug, published: Number(done.numUpdatedRows) > 0 };
}
