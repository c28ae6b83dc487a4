import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, can, type Actor } from '../policy/policy.ts';
import { runPublishPipeline } from '../publish/pipeline.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, UserError } from '../shared/errors.ts';
import { ArticleExistsError, uniqueArticleSlug } from './articles.ts';

/** One action for a community manager: a solved question becomes a draft article, prefilled
 * with the question's title and text and the accepted answer, and linked to its thread. */
export async function createArticleFromTopic(db: Kysely<DB>, actor: Actor, topicId: number, at = nowIso()): Promise<{ id: number; slug: string }> {
  const topic = await db
    .selectFrom('topics')
    .innerJoin('boards', 'boards.id', 'topics.board_id')
    .select(['topics.id', 'topics.kind', 'topics.title', 'topics.solved_post_id', 'topics.locked', 'topics.closed', 'topics.deleted_at', 'boards.visibility'])
    .where('topics.id', '=', topicId)
    .executeTakeFirst();
  const subject = topic && { board: { visibility: topic.visibility }, locked: !!topic.locked, closed: !!topic.closed, deleted: !!topic.deleted_at };
  if (!topic || !subject || !can(actor, 'topic.view', subject)) throw new NotFoundError('No such topic');
  authorize(actor, 'article.createFromTopic', subject);
  if (topic.deleted_at) throw new UserError('This thread is deleted: it cannot become an article.', 400);
  if (topic.kind !== 'question') throw new UserError('Only a question with an accepted answer can become a knowledge-base article; this thread is a discussion.', 400);
  if (!topic.solved_post_id) throw new UserError('This question has no accepted answer yet: accept an answer first, then turn it into an article.', 400);
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
  if (!question || question.deleted_at) throw new UserError('The question was deleted: it cannot become an article.', 400);
  if (!answer || answer.deleted_at) throw new UserError('The accepted answer was deleted: accept another answer first.', 400);
  // Credit to whoever wrote the answer (the editor may reword it; it is only prefilled).
  const answerer = await db.selectFrom('posts').innerJoin('users', 'users.id', 'posts.user_id').select(['users.username', 'users.display_name', 'users.deleted_at']).where('posts.id', '=', answer.id).executeTakeFirstOrThrow();
  const credit = answerer.deleted_at ? 'a community member' : `[${escapeMarkdown(answerer.display_name)}](/u/${encodeURIComponent(answerer.username)})`;
  const body = `${question.body_markdown}\n\n## Answer\n\n${answer.body_markdown}\n\n*Answered by ${credit} in the community.*`;
  const text = await runPublishPipeline(db, { actor, where: 'article', title: topic.title, body, unpublished: true });

  try {
    return await db.transaction().execute(async (tx) => {
      const again = await tx.selectFrom('articles').select(['slug', 'title']).where('source_topic_id', '=', topic.id).executeTakeFirst();
      if (again) throw new ArticleExistsError(again);
      const slug = await uniqueArticleSlug(tx, text.title!);
      const { id } = await tx
        .insertInto('articles')
        .values({ slug, title: text.title!, status: 'draft', current_version: 1, first_published_version: null, source_topic_id: topic.id, created_by: actor.id, created_at: at, updated_at: at, published_at: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('article_versions')
        .values({ article_id: id, version: 1, title: text.title!, body_markdown: text.bodyMarkdown, body_html: text.bodyHtml, author_id: actor.id, created_at: at, note: 'Created from the community thread' })
        .execute();
      return { id, slug };
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
