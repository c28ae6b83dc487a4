// The knowledge base: published articles (and drafts, for those who may see them).
import type { FastifyInstance } from 'fastify';
import { listArticles } from '../../knowledge/list-articles.ts';
import { showArticle } from '../../knowledge/show-article.ts';
import { viewHelpers } from '../../web/view-helpers.ts';
import { security } from '../auth.ts';
import { iso, type Presenter } from '../present.ts';
import { errors, pageQuery, ref } from '../schemas.ts';

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
}
