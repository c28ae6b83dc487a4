// Security headers (CSP, HSTS, nosniff, frame options, ...) from helmet, the maintained set of
// defaults. @fastify/helmet rebuilds helmet's middleware (parsing every CSP directive) on each
// request; Parley has no per-route header options or CSP nonces, so it is built once here.
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';
import type { FastifyInstance } from 'fastify';

export const securityHeaders = fp(async (app: FastifyInstance, options: HelmetOptions) => {
  const apply = helmet(options);
  app.addHook('onRequest', (request, reply, done) => {
    apply(request.raw, reply.raw, (err) => done(err as Error | undefined));
  });
});
