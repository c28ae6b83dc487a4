// The JSON REST API under /api/v1, for scripts and integrations. Routes validate (JSON schema),
// call the same use cases as the pages (so the same policy decides), and present JSON. The
// OpenAPI description is generated from those schemas by @fastify/swagger and served at
// /api/openapi.json, with a browsable page (@fastify/swagger-ui) at /api/docs.
//
// Callers authenticate with `Authorization: Bearer <API token>` (see src/api/tokens; no CSRF
// token needed) or with the session cookie (then every write needs the `x-csrf-token` header).
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { text, UserError } from '../shared/errors.ts';
import { signedIn } from './auth.ts';
import { Presenter } from './present.ts';
import { articleRoutes } from './routes/articles.ts';
import { boardRoutes } from './routes/boards.ts';
import { sessionApiRoutes } from './routes/sessions.ts';
import { meRoutes } from './routes/me.ts';
import { draftRoutes } from './routes/drafts.ts';
import { postRoutes } from './routes/posts.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { topicRoutes } from './routes/topics.ts';
import { userRoutes } from './routes/users.ts';
import { conversationApiRoutes } from './routes/conversations.ts';
import { searchApiRoutes } from './routes/search.ts';
import { sharedSchemas } from './schemas.ts';
import { limitApiWrites } from './write-rate-limit.ts';

export const API_PREFIX = '/api/v1';

export async function apiRoutes(app: FastifyInstance): Promise<void> {
  // Registered first, in this (encapsulated) context: it collects the schemas of the routes
  // below and nothing of the HTML pages.
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: `${app.site.name} API`,
        version: '1',
        description:
          'The community as JSON: boards, topics, replies, edits with revisions, kudos, accepted answers, moderation, ' +
          'knowledge-base articles, public profiles, private conversations and your drafts held for the community team. Create an API token under Account settings and send it as ' +
          '`Authorization: Bearer <token>`. Errors are `{statusCode, error, message}`, and a refused request changes nothing.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token from Account settings' },
          cookieAuth: { type: 'apiKey', in: 'cookie', name: 'parley_session', description: 'A browser session; writes also need the x-csrf-token header (GET /api/v1/me)' },
        },
      },
    },
    // Shared schemas appear under components/schemas by their $id (Author, Post, …).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    uiConfig: { deepLinking: true },
    // Swagger UI sets a few inline styles: allowed on its own pages only (scripts stay 'self').
    transformStaticCSP: (header) => header.replace(/style-src 'self'(?=;|$)/, "style-src 'self' 'unsafe-inline'"),
  });
  for (const schema of sharedSchemas) app.addSchema(structuredClone(schema) as Record<string, unknown>);

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(
    async (v1) => {
      // Answers depend on who asks (cookie or token): no shared cache may keep them.
      v1.addHook('onSend', async (_request, reply, payload) => {
        reply.header('cache-control', 'no-store');
        return payload;
      });
      // Writes: say "sign in" or "send the CSRF header" before the body is even looked at (the
      // CSRF token itself is still checked by the server's preHandler for cookie sessions).
      v1.addHook('preValidation', async (request) => {
        if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
        signedIn(request);
        if (!request.apiToken && !request.headers['x-csrf-token']) {
          throw new UserError(text('api:errors.csrfHeader'), 403);
        }
      });
      limitApiWrites(v1);
      const present = new Presenter(app.config.publicUrl);
      await v1.register(meRoutes, { present });
      await v1.register(tokenRoutes);
      await v1.register(sessionApiRoutes);
      await v1.register(boardRoutes, { present });
      await v1.register(topicRoutes, { present });
      await v1.register(postRoutes, { present });
      await v1.register(articleRoutes, { present });
      await v1.register(userRoutes, { present });
      await v1.register(conversationApiRoutes);
      await v1.register(searchApiRoutes, { present });
      await v1.register(draftRoutes, { present });
    },
    { prefix: API_PREFIX },
  );
}
