import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, can, type Actor } from '../policy/policy.ts';
import { runPublishPipeline } from '../publish/pipeline.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, text, UserError } from '../shared/errors.ts';
import { en, type T } from '../i18n/index.ts';
import { ArticleExistsError, uniqueArticleSlug } from './articles.ts';
import type { GuardFinding } from '../confidentiality/check.ts';

/** One action for a community manager: a solved question becomes a draft article, prefilled
 * with the question's title and text and the accepted answer, and linked to its thread. The words
 * it adds (the answer's heading, the credit, the version note) are in the manager's language `t`. */
export async function createArticleFromTopic(db: Kysely<DB>, actor: Actor, topicId: number, at = nowIso(), t: T = en): Promise<{ id: number; slug: string; warnings: GuardFinding[] }> {
  const topic = await db
    .selectFrom('topics')
    .innerJoin('boards', 'boards.id', 'topics.board_id')
    .select(['topics.id', 'topics.kind', 'topics.title', 'topics.solved_post_id', 'topics.locked', 'topics.closed', 'topics.deleted_at', 'boards.visibility'])
    .where('topics.id', '=', topicId)
    .executeTakeFirst();
  const subject = topic && { board: { visibility: topic.visibility }, locked: !!topic.locked, closed: !!topic.closed, deleted: !!topic.deleted_at };
  if (!topic || !subject || !can(actor, 'topic.view', subject)) throw new NotFoundError(text('knowledge:errors.noSuchTopic'));
  authorize(actor, 'article.createFromTopic', subject);
  if (topic.deleted_at) throw new UserError(text('knowledge:errors.threadDeleted'), 400);
  if (topic.kind !== 'question') throw new UserError(text('knowledge:errors.notAQuestion'), 400);
  if (!topic.solved_post_id) throw new UserError(text('knowledge:errors.noAcceptedAnswer'), 400);
  const existing = await db.selectFrom('articles').select(['slug', 'title']).where('source_topic_id', '=', topic.id).executeTakeFirst();
  if (existing) throw new ArticleExistsError(existing);

  const posts = await db
    .selectFrom('posts')
    .select(['id', 'post_number', 'body_markdown', 'deleted_at'])
    .where('topic_id', '=', topic.id)
    .where((eb) => eb.or([eb('post_number', '=', 1), eb('id', '=', topic.solved_post_id!)]))
    .execute();
  const question = posts.find((p) => p.post_number === 1);
  const answer = posts.find((p) => p.id === topic.solved_post_id);
  if (!question || question.deleted_at) throw new UserError(text('knowledge:errors.questionDeleted'), 400);
  if (!answer || answer.deleted_at) throw new UserError(text('knowledge:errors.answerDeleted'), 400);
  // Credit to whoever wrote the answer (the editor may reword it; it is only prefilled).
  const answerer = await db.selectFrom('posts').innerJoin('users', 'users.id', 'posts.user_id').select(['users.username', 'users.display_name', 'users.deleted_at']).where('posts.id', '=', answer.id).executeTakeFirstOrThrow();
  const credit = answerer.deleted_at ? t('knowledge:fromTopic.aMember') : `[${escapeMarkdown(answerer.display_name)}](/u/${encodeURIComponent(answerer.username)})`;
  const body = `${question.body_markdown}\n\n## ${t('knowledge:fromTopic.answerHeading')}\n\n${answer.body_markdown}\n\n*${t('knowledge:fromTopic.answeredBy', { credit })}*`;
  const published = await runPublishPipeline(db, { actor, where: 'article', title: topic.title, body, unpublished: true });

  // The thread's text is public already, but an article is a new text: the writer hears what the guard finds.
  const warnings = published.guardWarnings ?? [];
  try {
    return await db.transaction().execute(async (tx) => {
      const again = await tx.selectFrom('articles').select(['slug', 'title']).where('source_topic_id', '=', topic.id).executeTakeFirst();
      if (again) throw new ArticleExistsError(again);
      const slug = await uniqueArticleSlug(tx, published.title!);
      const { id } = await tx
        .insertInto('articles')
        .values({ slug, title: published.title!, status: 'draft', current_version: 1, first_published_version: null, source_topic_id: topic.id, created_by: actor.id, created_at: at, updated_at: at, published_at: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('article_versions')
        .values({ article_id: id, version: 1, title: published.title!, body_markdown: published.bodyMarkdown, body_html: published.bodyHtml, author_id: actor.id, created_at: at, note: t('knowledge:fromTopic.versionNote') })
        .execute();
      return { id, slug, warnings };
    });
  } catch (err) {
    // Two managers converting the same thread at once: the unique index stops the second.
    if (err instanceof UserError) throw err;
    const winner = await db.selectFrom('articles').select(['slug', 'title']).where('source_topic_id', '=', topic.id).executeTakeFirst();
    if (winner) throw new ArticleExistsError(winner);
    throw err;
  }
}

const escapeMarkdown = (text: string) => text.replace(/[\\`*_[\]()<>#!|~]/g, (c) => `\\${c}`);
