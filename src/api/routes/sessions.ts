// Where the signed-in person is signed in: list their browsers' sessions, sign one out, or all
// others. Like API tokens, a matter for the person at a browser: a cookie session only (with its
// CSRF header for the writes), never an API token, which could otherwise sign its owner out.
import type { FastifyInstance } from 'fastify';
import { listSessions, SESSION_KEY_LENGTH } from '../../accounts/list-sessions.ts';
import { endOtherSessions, endSession } from '../../accounts/end-session.ts';
import { sessionOnly, security } from '../auth.ts';
import { errors } from '../schemas.ts';

const tags = ['Users'];
const session = {
  type: 'object',
  properties: {
    key: { type: 'string', description: 'Names the session in DELETE /me/sessions/{key} (the start of its hash, never its token)' },
    browser: { type: ['string', 'null'] },
    os: { type: ['string', 'null'] },
    mobile: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    lastSeenAt: { type: 'string', format: 'date-time' },
    current: { type: 'boolean', description: 'The session this request came with' },
  },
  required: ['key', 'browser', 'os', 'mobile', 'createdAt', 'lastSeenAt', 'current'],
} as const;

export async function sessionApiRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;

  app.get('/me/sessions', {
    schema: {
      tags, security: security.session, summary: 'Where you are signed in: your sessions, the current one first, then the most recently used',
      response: { 200: { type: 'object', properties: { sessions: { type: 'array', items: session } }, required: ['sessions'] }, ...errors(401, 403) },
    },
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return { sessions: await listSessions(db, sessionOnly(request), request.sessionToken) };
  });

  app.delete<{ Params: { key: string } }>('/me/sessions/:key', {
    schema: {
      tags, security: security.session, summary: 'Sign out one of your other sessions (the current one signs out with POST /signout)',
      params: { type: 'object', properties: { key: { type: 'string', maxLength: 64 } }, required: ['key'] },
      response: { 200: { type: 'object', properties: { key: { type: 'string' }, ended: { type: 'boolean' } }, required: ['key', 'ended'] }, ...errors(400, 401, 403, 404) },
    },
  }, async (request) => {
    await endSession(db, sessionOnly(request), request.params.key, request.sessionToken);
    return { key: request.params.key.slice(0, SESSION_KEY_LENGTH), ended: true };
  });

  app.post('/me/sessions/end-others', {
    schema: {
      tags, security: security.session, summary: 'Sign out everywhere but here',
      response: { 200: { type: 'object', properties: { ended: { type: 'integer' } }, required: ['ended'] }, ...errors(401, 403) },
    },
  }, async (request) => ({ ended: await endOtherSessions(db, sessionOnly(request), request.sessionToken) }));
}
