// GET /api/v1/search: the search page's results as JSON (same use case, same visibility rules).
import type { FastifyInstance } from 'fastify';
import { searchContent } from '../../search/search-content.ts';
import { searchInputFrom, type SearchQuerystring } from '../../search/search-options.ts';
import { security } from '../auth.ts';
import type { Presenter } from '../present.ts';
import { errors, ref } from '../schemas.ts';

const tags = ['Search'];
const str = (description: string, maxLength = 200, extra: object = {}) => ({ type: 'string', maxLength, description, ...extra }) as const;

export async function searchApiRoutes(app: FastifyInstance, { present }: { present: Presenter }): Promise<void> {
  const db = app.database.db;
  app.get<{ Querystring: SearchQuerystring }>('/search', {
    schema: {
      tags, security: security.optional,
      summary: 'Full-text search over topics, replies and knowledge-base articles the caller may read',
      description:
        'Words are all required and matched by their English and Dutch stems; `"a phrase"` matches words in order and `word*` a prefix. ' +
        'Any other character is read as text (never as syntax). Ranked by relevance (title matches, articles and accepted answers weigh more; newer first on ties). ' +
        '`snippetHtml` and `titleHtml` are escaped HTML with `<mark>` around the matched words.',
      querystring: {
        type: 'object',
        properties: {
          q: str('The search text', 20_000),
          board: str('A board slug'),
          tag: str('A tag'),
          kind: { type: 'string', enum: ['question', 'discussion', 'article'] },
          status: { type: 'string', enum: ['solved', 'unsolved'] },
          author: str('A username'),
          employee: { type: 'string', enum: ['1', '0', 'true', 'false'], description: '1: only threads with a reply from an employee' },
          from: str('First day, YYYY-MM-DD', 10, { pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
          to: str('Last day, YYYY-MM-DD', 10, { pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
          sort: { type: 'string', enum: ['relevance', 'newest'] },
          page: { type: 'string', pattern: '^[1-9][0-9]{0,3}$' },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            results: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  type: { type: 'string', enum: ['topic', 'post', 'article'] },
                  title: { type: 'string' },
                  titleHtml: { type: 'string' },
                  snippetHtml: { type: 'string' },
                  url: { type: 'string', format: 'uri' },
                  createdAt: { type: 'string', format: 'date-time' },
                  author: ref('Author'),
                  board: { type: ['object', 'null'], properties: { slug: { type: 'string' }, name: { type: 'string' } }, required: ['slug', 'name'] },
                  topicKind: { type: ['string', 'null'], enum: ['question', 'discussion', null] },
                  solved: { type: 'boolean' },
                  acceptedAnswer: { type: 'boolean' },
                },
                required: ['type', 'title', 'titleHtml', 'snippetHtml', 'url', 'createdAt', 'author', 'board', 'topicKind', 'solved', 'acceptedAnswer'],
              },
            },
            total: { type: 'integer', description: 'Matches, counted up to 1,000' },
            totalCapped: { type: 'boolean', description: 'true: there are more than `total`' },
            page: { type: 'integer' },
            pageCount: { type: 'integer' },
          },
          required: ['results', 'total', 'totalCapped', 'page', 'pageCount'],
        },
        ...errors(400),
      },
    },
  }, async (request) => {
    const data = await searchContent(db, request.actor, searchInputFrom(request.query));
    return {
      results: data.results.map((r) => ({
        type: r.type,
        title: r.title,
        titleHtml: r.titleHtml,
        snippetHtml: r.snippetHtml,
        url: present.url(r.url),
        createdAt: new Date(r.createdAt).toISOString(),
        author: present.author(r.author, r.author.roles),
        board: r.board,
        topicKind: r.topicKind,
        solved: r.solved,
        acceptedAnswer: r.acceptedAnswer,
      })),
      total: data.total,
      totalCapped: data.totalCapped,
      page: data.page,
      pageCount: data.pageCount,
    };
  });
}
