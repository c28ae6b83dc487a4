import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { runPublishPipeline } from '../publish/pipeline.ts';
import { nowIso } from '../shared/clock.ts';
import { text, UserError } from '../shared/errors.ts';
import { cleanNote, findVisibleArticle } from './articles.ts';
import { currentText } from './article-versions.ts';
import { indexArticle } from '../search/index-document.ts';
import type { GuardFinding } from '../confidentiality/check.ts';

export interface EditArticleInput {
  slug: string;
  title: string;
  body: string;
  note?: string;
  /** The version the editor started from: a save over someone else's newer version is refused. */
  baseVersion?: number;
  at?: string;
}

/** Saves a new version of an article (title and Markdown body, with an optional note). Saving
 * exactly the current text and no note is a no-op and returns the current version. A draft's
 * findings are warnings (`draft: true`): it is not public, and publishing checks it again; a
 * published article's text passes the guard as any public text (block, hold, mask, warn). */
export async function editArticle(db: Kysely<DB>, actor: Actor, input: EditArticleInput): Promise<{ slug: string; version: number; draft: boolean; warnings: GuardFinding[] }> {
  const article = await findVisibleArticle(db, actor, input.slug);
  authorize(actor, 'article.edit', null);
  const note = cleanNote(input.note);
  const published = await runPublishPipeline(db, { actor, where: 'article', title: input.title, body: input.body, unpublished: article.status === 'draft' });
  const conflict = () =>
    new UserError(text('knowledge:errors.conflict'), 409);
  if (input.baseVersion !== undefined && input.baseVersion !== article.current_version) throw conflict();
  const at = input.at ?? nowIso();
  const told = { draft: article.status === 'draft', warnings: published.guardWarnings ?? [] };

  const saved = await db.transaction().execute(async (tx) => {
    const current = await currentText(tx, article);
    if (current.title === published.title && current.body_markdown === published.bodyMarkdown && !note) {
      return { slug: article.slug, version: article.current_version };
    }
    // The conditional update takes the article's row lock and tells a concurrent save apart.
    const bumped = await tx
      .updateTable('articles')
      .set((eb) => ({ current_version: eb('current_version', '+', 1), title: published.title!, updated_at: at }))
      .where('id', '=', article.id)
      .where('current_version', '=', article.current_version)
      .returning('current_version')
      .executeTakeFirst();
    if (!bumped) throw conflict();
    await tx
      .insertInto('article_versions')
      .values({ article_id: article.id, version: bumped.current_version, title: published.title!, body_markdown: published.bodyMarkdown, body_html: published.bodyHtml, author_id: actor.id, created_at: at, note })
      .execute();
    await indexArticle(tx, article.id); // a published article's new text is searchable at once (a draft stays out)
    return { slug: article.slug, version: bumped.current_version };
  });
  return { ...saved, ...told };
}

/** The edit form's starting point: the current title and Markdown of an article. */
export async function articleForEditing(db: Kysely<DB>, actor: Actor, slug: string) {
  const article = await findVisibleArticle(db, actor, slug);
  authorize(actor, 'article.edit', null);
  const current = await currentText(db, article);
  return { article, title: current.title, body: current.body_markdown };
}
