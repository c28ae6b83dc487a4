// The knowledge base: published articles (and drafts, for those who may see them).
import { translatorFor } from '../../i18n/plugin.ts';
import type { FastifyInstance } from 'fastify';
import { listArticles } from '../../knowledge/list-articles.ts';
import { showArticle } from '../../knowledge/show-article.ts';
import { viewHelpers } from '../../web/view-helpers.ts';
import { security, signedIn } from '../auth.ts';
import { createArticle } from '../../knowledge/create-article.ts';
import { createArticleFromTopic } from '../../knowledge/create-article-from-topic.ts';
import { editArticle } from '../../knowledge/edit-article.ts';
import { publishArticle } from '../../knowledge/publish-article.ts';
import { unpublishArticle } from '../../knowledge/unpublish-article.ts';
import { iso, type Presenter } from '../present.ts';
import { errors, pageQuery, ref } from '../schemas.ts';
import type { GuardFinding } from '../../confidentiality/check.ts';

const tags = ['Knowledge base'];

export async function articleRoutes(app: FastifyInstance, { present }: { present: Presenter }): Promise<void> {
  const db = app.database.db;

  app.get<{ Querystring: { page: number } }>('/articles', {
    schema: {
      tags, security: security.optional, summary: 'Knowledge-base articles, most recently updated first',
      querystring: pageQuery,
      response: {
        200: {
          type: 'object',
          properties: { articles: { type: 'array', items: ref('ArticleSummary') }, page: { type: 'integer' }, pageCount: { type: 'integer' }, total: { type: 'integer' } },
          required: ['articles', 'page', 'pageCount', 'total'],
        },
        ...errors(400, 404),
      },
    },
  }, async (request) => {
    const data = await listArticles(db, request.actor, request.query.page);
    return { articles: data.articles.map((a) => present.articleSummary(a)), page: data.page, pageCount: data.pageCount, total: data.total };
  });

  app.get<{ Params: { slug: string } }>('/articles/:slug', {
    schema: {
      tags, security: security.optional, summary: 'An article: its current version, its versions, and the thread it came from',
      params: { type: 'object', properties: { slug: { type: 'string', minLength: 1, maxLength: 100 } }, required: ['slug'] },
      response: {
        200: {
          type: 'object',
          properties: {
            article: ref('ArticleSummary'),
            bodyHtml: { type: 'string' },
            bodyMarkdown: { type: 'string' },
            author: ref('Author'),
            versionCreatedAt: { type: 'string', format: 'date-time' },
            sourceTopic: {
              type: ['object', 'null'],
              description: 'The community discussion it was created from, when the caller may open it.',
              properties: { id: { type: 'integer' }, title: { type: 'string' }, url: { type: 'string', format: 'uri' } },
              required: ['id', 'title', 'url'],
            },
            versions: {
              type: 'array',
              items: {
                type: 'object',
                properties: { version: { type: 'integer' }, title: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' }, author: ref('Author') },
                required: ['version', 'title', 'createdAt', 'author'],
              },
            },
          },
          required: ['article', 'bodyHtml', 'bodyMarkdown', 'author', 'versionCreatedAt', 'sourceTopic', 'versions'],
        },
        ...errors(400, 404),
      },
    },
  }, async (request) => {
    const data = await showArticle(db, request.actor, request.params.slug);
    const v = data.version;
    return {
      article: present.articleSummary(data.article),
      bodyHtml: v.body_html,
      bodyMarkdown: v.body_markdown,
      author: present.author({ username: v.author_username, display_name: v.author_name, deleted: v.author_deleted }, data.roles.get(v.author_id)),
      versionCreatedAt: iso(v.created_at)!,
      sourceTopic: data.source ? { id: data.source.id, title: data.source.title, url: present.url(viewHelpers.topicUrl(data.source)) } : null,
      versions: data.versions.map((x) => ({
        version: x.version,
        title: x.title,
        createdAt: iso(x.created_at)!,
        author: present.author({ username: x.author_username, display_name: x.author_name, deleted: x.author_deleted }, data.roles.get(x.author_id)),
      })),
    };
  });

  // ---- Writing (community managers; the policy decides) ----
  const slugParams = { type: 'object', properties: { slug: { type: 'string', minLength: 1, maxLength: 100 } }, required: ['slug'] } as const;
  // What the guard found in a saved draft: a warning, not a refusal (a draft is not public; publishing checks it again).
  const warnings = {
    type: 'array',
    description: 'What the confidentiality guard found in the saved text (never the values). A draft is saved anyway; publishing checks it again and may refuse it (422).',
    items: {
      type: 'object',
      properties: { type: { type: 'string' }, field: { type: 'string', enum: ['title', 'body'] }, start: { type: 'integer' }, end: { type: 'integer' }, reason: { type: 'string' }, action: { type: 'string' } },
      required: ['type', 'field', 'start', 'end', 'reason', 'action'],
    },
  } as const;
  const findingsOnly = (list: readonly GuardFinding[]) => list.map(({ type, field, start, end, reason, action }) => ({ type, field, start, end, reason, action }));
  const written = {
    201: { type: 'object', properties: { slug: { type: 'string' }, url: { type: 'string', format: 'uri' }, warnings }, required: ['slug', 'url', 'warnings'] },
  } as const;
  const articleBody = {
    type: 'object',
    properties: { title: { type: 'string', maxLength: 1000 }, body: { type: 'string', maxLength: 1_000_000 }, note: { type: 'string', maxLength: 5000 } },
    required: ['title', 'body'],
    additionalProperties: false,
  } as const;

  app.post<{ Body: { title: string; body: string; note?: string } }>('/articles', {
    schema: { tags, security: security.any, summary: 'Write a new article (a draft)', body: articleBody, response: { ...written, ...errors(400, 401, 403, 413, 422) } },
  }, async (request, reply) => {
    const created = await createArticle(db, signedIn(request), request.body);
    return reply.code(201).send({ slug: created.slug, url: present.url(`/kb/${created.slug}`), warnings: findingsOnly(created.warnings) });
  });

  app.put<{ Params: { slug: string }; Body: { title: string; body: string; note?: string; baseVersion?: number } }>('/articles/:slug', {
    schema: {
      tags, security: security.any, summary: 'Save a new version of an article', params: slugParams,
      body: { ...articleBody, properties: { ...articleBody.properties, baseVersion: { type: 'integer', minimum: 1 } } },
      response: { 200: { type: 'object', properties: { slug: { type: 'string' }, version: { type: 'integer' }, warnings }, required: ['slug', 'version', 'warnings'] }, ...errors(400, 401, 403, 404, 409, 413, 422) },
    },
  }, async (request) => {
    const b = request.body;
    const saved = await editArticle(db, signedIn(request), { slug: request.params.slug, title: b.title, body: b.body, ...(b.note !== undefined ? { note: b.note } : {}), ...(b.baseVersion !== undefined ? { baseVersion: b.baseVersion } : {}) });
    return { slug: saved.slug, version: saved.version, warnings: findingsOnly(saved.warnings) };
  });

  app.post<{ Params: { slug: string } }>('/articles/:slug/publish', {
    schema: {
      tags, security: security.any, summary: 'Publish an article (checked again by the guard)', params: slugParams,
      response: { 200: { type: 'object', properties: { slug: { type: 'string' }, published: { type: 'boolean' } }, required: ['slug', 'published'] }, ...errors(401, 403, 404, 422) },
    },
  }, async (request) => publishArticle(db, signedIn(request), request.params.slug));

  app.post<{ Params: { slug: string }; Body: { reason?: string } | undefined }>('/articles/:slug/unpublish', {
    // The body is optional (the reason is): a call without one reads as {}.
    preValidation: (request, _reply, done) => {
      request.body ??= {};
      done();
    },
    schema: {
      tags, security: security.any, summary: 'Take a published article down (it becomes a draft again; logged with the reason)', params: slugParams,
      body: { type: 'object', properties: { reason: { type: 'string', maxLength: 1000 } }, additionalProperties: false },
      response: { 200: { type: 'object', properties: { slug: { type: 'string' }, unpublished: { type: 'boolean' } }, required: ['slug', 'unpublished'] }, ...errors(400, 401, 403, 404) },
    },
  }, async (request) => unpublishArticle(db, signedIn(request), request.params.slug, request.body?.reason));

  app.post<{ Params: { id: number } }>('/topics/:id/article', {
    schema: {
      tags, security: security.any, summary: 'Turn a solved question into a draft article (question and accepted answer prefilled)',
      params: { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } }, required: ['id'] },
      response: { ...written, ...errors(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const created = await createArticleFromTopic(db, signedIn(request), request.params.id, undefined, translatorFor(request).t);
    return reply.code(201).send({ slug: created.slug, url: present.url(`/kb/${created.slug}`), warnings: findingsOnly(created.warnings) });
  });
}
