// API tokens of the signed-in person: create (the token is shown once), list, revoke.
import type { FastifyInstance } from 'fastify';
import { createApiToken, TOKEN_NAME_MAX } from '../tokens/create-token.ts';
import { listApiTokens } from '../tokens/list-tokens.ts';
import { revokeApiToken } from '../tokens/revoke-token.ts';
import { sessionOnly, security } from '../auth.ts';
import { errors, idParams, ref } from '../schemas.ts';

const tags = ['API tokens'];

export async function tokenRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;

  app.get('/tokens', {
    schema: {
      tags, security: security.session, summary: 'Your API tokens (never the tokens themselves)',
      response: { 200: { type: 'object', properties: { tokens: { type: 'array', items: ref('ApiToken') } }, required: ['tokens'] }, ...errors(401, 403) },
    },
  }, async (request) => ({ tokens: await listApiTokens(db, sessionOnly(request)) }));

  app.post<{ Body: { name: string; expiresInDays?: number | null } }>('/tokens', {
    schema: {
      tags, security: security.session,
      summary: 'Create an API token',
      description: 'The response carries the token: it is shown this once and only its SHA-256 is stored. A cookie session must send the CSRF token in the `x-csrf-token` header (see GET /me).',
      body: {
        type: 'object',
        properties: {
          name: { type: 'string', minLength: 1, maxLength: TOKEN_NAME_MAX, description: 'What uses it, e.g. "nightly export"' },
          expiresInDays: { type: ['integer', 'null'], minimum: 1, maximum: 3650, description: 'Omit or null: until revoked' },
        },
        required: ['name'],
        additionalProperties: false,
      },
      response: {
        201: {
          type: 'object',
          properties: { id: { type: 'integer' }, name: { type: 'string' }, token: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' }, expiresAt: { type: ['string', 'null'], format: 'date-time' } },
          required: ['id', 'name', 'token', 'createdAt', 'expiresAt'],
        },
        ...errors(400, 401, 403, 409),
      },
    },
  }, async (request, reply) => {
    const created = await createApiToken(db, sessionOnly(request), { name: request.body.name, expiresInDays: request.body.expiresInDays ?? null });
    return reply.code(201).header('cache-control', 'no-store').send(created);
  });

  app.delete<{ Params: { id: number } }>('/tokens/:id', {
    schema: {
      tags, security: security.session, summary: 'Revoke one of your API tokens (it stops working at once)', params: idParams,
      response: { 200: { type: 'object', properties: { id: { type: 'integer' }, revoked: { type: 'boolean' } }, required: ['id', 'revoked'] }, ...errors(401, 403, 404) },
    },
  }, async (request) => {
    await revokeApiToken(db, sessionOnly(request), request.params.id);
    return { id: request.params.id, revoked: true };
  });
}
