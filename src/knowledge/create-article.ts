import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { runPublishPipeline } from '../publish/pipeline.ts';
import { nowIso } from '../shared/clock.ts';
import { cleanNote, uniqueArticleSlug } from './articles.ts';
import type { GuardFinding } from '../confidentiality/check.ts';

export interface CreateArticleInput {
  title: string;
  body: string;
  note?: string;
  at?: string;
}

/**
 * A community manager writes a new knowledge-base article; it starts as a draft (version 1). The
 * guard checks it as it is saved: a draft is not public, so what it finds is a warning for the
 * writer (`warnings`, no values), not a refusal; publishing checks it again and may stop it.
 */
export async function createArticle(db: Kysely<DB>, actor: Actor, input: CreateArticleInput): Promise<{ id: number; slug: string; warnings: GuardFinding[] }> {
  authorize(actor, 'article.edit', null);
  const note = cleanNote(input.note);
  const text = await runPublishPipeline(db, { actor, where: 'article', title: input.title, body: input.body, unpublished: true });
  const at = input.at ?? nowIso();
  const created = await db.transaction().execute(async (tx) => {
    const slug = await uniqueArticleSlug(tx, text.title!);
    const { id } = await tx
      .insertInto('articles')
      .values({ slug, title: text.title!, status: 'draft', current_version: 1, first_published_version: null, source_topic_id: null, created_by: actor.id, created_at: at, updated_at: at, published_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('article_versions')
      .values({ article_id: id, version: 1, title: text.title!, body_markdown: text.bodyMarkdown, body_html: text.bodyHtml, author_id: actor.id, created_at: at, note })
      .execute();
    return { id, slug };
  });
  return { ...created, warnings: text.guardWarnings ?? [] };
}
