// Writes through the JSON API are limited per account and per API token (issue 17, point 8): a
// script with a stolen or runaway token cannot flood the community, and one account cannot get
// around its limit by making more tokens. Reads are not limited here. The counts live in the
// rate-limit plugin's store (in the primary process when clustered), keyed by account and token
// id, never by client address (an API client may sit behind a shared proxy).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { text, UserError } from '../shared/errors.ts';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function limitApiWrites(api: FastifyInstance): void {
  const { API_WRITE_RATE_LIMIT, API_TOKEN_WRITE_RATE_LIMIT } = api.config;
  // Two separate limiters (the plugin's own per-route limiter runs once per request).
  const perAccount = api.createRateLimit({ max: API_WRITE_RATE_LIMIT, timeWindow: 60_000, keyGenerator: (r: FastifyRequest) => `api-write:user:${r.actor?.id ?? 'none'}` });
  const perToken = api.createRateLimit({ max: API_TOKEN_WRITE_RATE_LIMIT, timeWindow: 60_000, keyGenerator: (r: FastifyRequest) => `api-write:token:${r.apiToken?.id ?? 'none'}` });
  api.addHook('preHandler', async (request, reply) => {
    if (READS.has(request.method) || !request.actor) return; // visitors are refused by the route (401)
    const checks: Array<[typeof perAccount, string]> = [[perAccount, 'api:errors.tooManyWritesAccount']];
    if (request.apiToken) checks.unshift([perToken, 'api:errors.tooManyWritesToken']);
    for (const [check, who] of checks) {
      const limit = await check(request);
      if (!limit.isAllowed && limit.isExceeded) {
        reply.header('retry-after', String(limit.ttlInSeconds));
        throw new UserError(text(who, { max: limit.max, seconds: limit.ttlInSeconds }), 429);
      }
    }
  });
}
