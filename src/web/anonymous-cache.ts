// Anonymous page cache, after Discourse's: visitors who are not signed in (most of them arrive
// from a search engine) all get the same HTML for a page, so a rendered page is kept for a few
// seconds and served again without touching the database. Signed-in users always get a fresh
// page. Any successful write through this process empties the cache at once; other processes'
// copies expire within the TTL, which bounds how stale a visitor's page can be.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This GET route's HTML may be cached for visitors. */
    anonymousCache?: boolean;
  }
}

interface Entry {
  html: string;
  expires: number;
  /** The response's content type (sitemaps and feeds are cached too, and are not HTML). */
  type?: string;
}

export const anonymousCache = fp(async (app: FastifyInstance, opts: { ttlSeconds: number; maxEntries?: number }) => {
  if (opts.ttlSeconds <= 0) return;
  const ttl = opts.ttlSeconds * 1000;
  const max = opts.maxEntries ?? 5000;
  const cache = new Map<string, Entry>();
  const cacheable = (request: import('fastify').FastifyRequest) =>
    request.method === 'GET' && !request.user && request.routeOptions.config?.anonymousCache === true;

  app.addHook('onRequest', async (request, reply) => {
    if (!cacheable(request)) return;
    const hit = cache.get(request.url);
    if (!hit) return;
    if (hit.expires < Date.now()) {
      cache.delete(request.url);
      return;
    }
    return reply.header('content-type', hit.type ?? 'text/html; charset=utf-8').header('x-parley-cache', 'hit').send(hit.html);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (typeof payload !== 'string' || reply.statusCode !== 200 || !cacheable(request) || reply.getHeader('x-parley-cache')) return payload;
    if (cache.size >= max) cache.delete(cache.keys().next().value!); // oldest first
    cache.set(request.url, { html: payload, expires: Date.now() + ttl, type: String(reply.getHeader('content-type') ?? 'text/html; charset=utf-8') });
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const writes = request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'OPTIONS';
    if (writes && reply.statusCode < 400) cache.clear();
  });
});
