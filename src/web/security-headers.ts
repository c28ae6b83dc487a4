// Security headers (CSP, HSTS, nosniff, frame options, ...) from helmet, the maintained set of
// defaults. Parley has no per-route header options or CSP nonces, so its headers are the same
// for every response: helmet works them out once, at start, and each reply carries them through
// Fastify's own header list. (@fastify/helmet rebuilt helmet's middleware on every request, and
// running helmet's 13 middlewares per request set each header on the raw response, which Node
// then merged again with Fastify's: ~5 µs a page.)
import type { IncomingMessage, ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';
import type { FastifyInstance } from 'fastify';

/** The headers helmet sets with these options (it removes none that Fastify sends). */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      return response;
    },
    removeHeader() {}, // X-Powered-By: Fastify sends none
  };
  let finished = false;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
    finished = true;
  });
  // helmet's middlewares are synchronous; if a future version is not, fail at start, not later.
  if (!finished) throw new Error('helmet did not set its headers synchronously');
  return headers;
}

export const securityHeaders = fp(async (app: FastifyInstance, options: HelmetOptions) => {
  const headers = helmetHeaders(options);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
});
