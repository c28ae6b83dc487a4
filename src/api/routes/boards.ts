// Boards: the list, a board's topics (paged, sorted, by tag), and creating a board.
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../community/create-board.ts';
import { listBoards } from '../../community/list-boards.ts';
import { listBoardTopics, type Sort } from '../../community/list-board-topics.ts';
import { signedIn, security } from '../auth.ts';
import type { Presenter } from '../present.ts';
import { boardTopicsQuery, errors, ref, slugParams } from '../schemas.ts';

const tags = ['Boards'];

export async function boardRoutes(app: FastifyInstance, { present }: { present: Presenter }): Promise<void> {
  const db = app.database.db;

  app.get('/boards', {
    schema: {
      tags, security: security.optional, summary: 'The boards the caller may see, in order',
      response: { 200: { type: 'object', properties: { boards: { type: 'array', items: ref('Board') } }, required: ['boards'] } },
    },
  }, async (request) => ({ boards: (await listBoards(db, request.actor)).map((b) => present.board(b)) }));

  app.post<{ Body: { name: string; slug?: string; description?: string; visibility?: 'public' | 'members' | 'staff'; topicCreators?: 'members' | 'staff'; position?: number } }>('/boards', {
    schema: {
      tags, security: security.any, summary: 'Create a board (community managers)',
      body: {
        type: 'object',
        properties: {
          name: { type: 'string', minLength: 2, maxLength: 60 },
          slug: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 60, description: 'Made from the name when omitted' },
          description: { type: 'string', maxLength: 500 },
          visibility: { type: 'string', enum: ['public', 'members', 'staff'], default: 'public' },
          topicCreators: { type: 'string', enum: ['members', 'staff'], default: 'members', description: 'staff: only staff start topics (everyone who reads the board replies)' },
          position: { type: 'integer', minimum: -1_000_000, maximum: 1_000_000 },
        },
        required: ['name'],
        additionalProperties: false,
      },
      response: { 201: { type: 'object', properties: { board: ref('Board') }, required: ['board'] }, ...errors(400, 401, 403, 409) },
    },
  }, async (request, reply) => {
    // createBoard treats a null actor as the system: the API always passes a signed-in one.
    const { topicCreators, ...fields } = request.body;
    const created = await createBoard(db, signedIn(request), { ...fields, ...(topicCreators ? { topic_creators: topicCreators } : {}) });
    const board = (await listBoards(db, request.actor)).find((b) => b.id === created.id);
    return reply.code(201).send({ board: present.board(board!) });
  });

  app.get<{ Params: { slug: string }; Querystring: { page: number; sort: Sort; tag?: string } }>('/boards/:slug/topics', {
    schema: {
      tags, security: security.optional, summary: 'A board\'s topics, one page at a time',
      params: slugParams,
      querystring: boardTopicsQuery,
      response: {
        200: {
          type: 'object',
          properties: {
            board: ref('Board'),
            topics: { type: 'array', items: ref('TopicSummary') },
            page: { type: 'integer' },
            pageCount: { type: 'integer' },
            sort: { type: 'string' },
            tag: { type: ['string', 'null'] },
          },
          required: ['board', 'topics', 'page', 'pageCount', 'sort', 'tag'],
        },
        ...errors(400, 401, 404),
      },
    },
  }, async (request) => {
    const { page, sort, tag } = request.query;
    const data = await listBoardTopics(db, request.actor, request.params.slug, page, sort, tag);
    return { board: present.board(data.board), topics: present.topicSummaries(data), page: data.page, pageCount: data.pageCount, sort: data.sort, tag: data.tag };
  });
}
