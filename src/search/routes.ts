// The search page (/search, a plain GET form that works without JavaScript) and the small JSON
// list of similar solved questions and articles shown while someone types a question's title.
import type { FastifyInstance } from 'fastify';
import { listBoards } from '../community/list-boards.ts';
import { UserError } from '../shared/errors.ts';
import { translatorFor } from '../i18n/plugin.ts';
import { searchContent, type SearchOutput } from './search-content.ts';
import { searchInputFrom, searchQueryString, type SearchQuerystring } from './search-options.ts';
import { similarQuestions } from './similar-questions.ts';

const querystring = {
  type: 'object',
  properties: Object.fromEntries(['q', 'board', 'tag', 'kind', 'status', 'author', 'employee', 'from', 'to', 'sort', 'page'].map((k) => [k, { type: 'string', maxLength: k === 'q' ? 20_000 : 200 }])),
} as const;

export async function searchRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;

  app.get<{ Querystring: SearchQuerystring }>('/search', { schema: { querystring } }, async (request, reply) => {
    const input = searchInputFrom(request.query);
    const { t } = translatorFor(request);
    let data: SearchOutput | null = null;
    let error: { message: string; field: string | null } | null = null;
    // The filter's board list is read alongside the search, not after it.
    // (The home page's list, compiled once per set of board kinds: not built by Kysely per search.)
    const boardList = listBoards(db, request.actor);
    boardList.catch(() => {}); // awaited below; this only keeps an early failure from counting as unhandled
    try {
      data = await searchContent(db, request.actor, input);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      error = { message: err.say(t), field: err.field ?? null };
    }
    const boards = await boardList;
    // Results depend on who asks: no shared cache may keep them.
    reply.header('cache-control', 'private, no-store');
    return reply.code(error ? 400 : 200).view('search', {
      title: input.q.trim() ? t('search:page.titleFor', { q: input.q.trim().slice(0, 80) }) : t('search:page.title'),
      searchQuery: input.q.slice(0, 500),
      input,
      data,
      error,
      boards,
      pageUrl: (p: number) => `/search?${searchQueryString(input, p)}`,
    });
  });

  app.get<{ Querystring: { title?: string } }>(
    '/search/similar',
    { schema: { querystring: { type: 'object', properties: { title: { type: 'string', maxLength: 2000 } } } } },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store');
      return { results: await similarQuestions(db, request.actor, request.query.title ?? '') };
    },
  );
}
