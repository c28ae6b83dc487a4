import type { FastifyInstance } from 'fastify';
import { rolesByUser } from '../accounts/find-user.ts';
import { listBoards, latestTopics } from './list-boards.ts';
import { listBoardTopics } from './list-board-topics.ts';
import { showTopic } from './show-topic.ts';
import { viewHelpers } from '../web/view-helpers.ts';

const pageQuery = {
  type: 'object',
  properties: { page: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 } },
} as const;

export async function communityRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;

  const cached = { anonymousCache: true };

  app.get('/', { config: cached }, async (request, reply) => {
    const [boards, latest] = await Promise.all([listBoards(db, request.actor), latestTopics(db, request.actor, 10)]);
    const roles = await rolesByUser(db, latest.map((t) => t.last_user_id));
    return reply.view('home', { title: app.config.SITE_NAME, boards, latest, roles, canonical: '/' });
  });

  app.get<{ Params: { slug: string }; Querystring: { page: number } }>(
    '/b/:slug',
    { config: cached, schema: { params: { type: 'object', properties: { slug: { type: 'string', maxLength: 80 } } }, querystring: pageQuery } },
    async (request, reply) => {
      const data = await listBoardTopics(db, request.actor, request.params.slug, request.query.page);
      return reply.view('board', {
        ...data,
        title: data.page > 1 ? `${data.board.name} (page ${data.page})` : data.board.name,
        canonical: viewHelpers.boardUrl(data.board.slug, data.page),
      });
    },
  );

  const topicParams = {
    type: 'object',
    properties: { slug: { type: 'string', maxLength: 200 }, id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } },
    required: ['id'],
  } as const;

  app.get<{ Params: { slug: string; id: number }; Querystring: { page: number } }>(
    '/t/:slug/:id',
    { config: cached, schema: { params: topicParams, querystring: pageQuery } },
    async (request, reply) => {
      const data = await showTopic(db, request.actor, request.params.id, request.query.page);
      const canonical = viewHelpers.topicUrl(data.topic, data.page);
      // One URL per page of a topic: a wrong or outdated slug redirects permanently.
      if (request.params.slug !== data.topic.slug) return reply.redirect(canonical, 301);
      return reply.view('topic', {
        ...data,
        title: data.page > 1 ? `${data.topic.title} (page ${data.page})` : data.topic.title,
        canonical,
      });
    },
  );

  app.get<{ Params: { id: number } }>('/t/:id', { schema: { params: topicParams } }, async (request, reply) => {
    const { topic } = await showTopic(db, request.actor, request.params.id, 1);
    return reply.redirect(viewHelpers.topicUrl(topic), 301);
  });
}
