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
  body: Buffer;
  expires: number;
  /** The response's content type (sitemaps and feeds are cached too, and are not HTML). */
  type: string;
}

export interface AnonymousCacheOptions {
  ttlSeconds: number;
  /** Memory for stored pages, in bytes (default 64 MiB); the oldest go first. */
  maxBytes?: number;
  /** A page is stored on its n-th visit within the TTL (default 2, as Discourse's
   * anon_cache_store_threshold): the long tail of pages seen once never churns the cache. */
  storeAfter?: number;
}

export const anonymousCache = fp(async (app: FastifyInstance, opts: AnonymousCacheOptions) => {
  if (opts.ttlSeconds <= 0) return;
  const ttl = opts.ttlSeconds * 1000;
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  const storeAfter = opts.storeAfter ?? 2;
  // Pages as bytes, outside the JavaScript heap: tens of megabytes of strings made GC pauses.
  const cache = new Map<string, Entry>();
  let bytes = 0;
  // Visits of pages not stored yet: url → [visits, window end].
  const visits = new Map<string, [number, number]>();
  const cacheable = (request: import('fastify').FastifyRequest) =>
    request.method === 'GET' && !request.user && request.routeOptions.config?.anonymousCache === true;
  const drop = (url: string, entry: Entry) => {
    cache.delete(url);
    bytes -= entry.body.length;
  };

  app.addHook('onRequest', async (request, reply) => {
    if (!cacheable(request)) return;
    const hit = cache.get(request.url);
    if (!hit) return;
    if (hit.expires < Date.now()) {
      drop(request.url, hit);
      return;
    }
    return reply.header('content-type', hit.type).header('x-parley-cache', 'hit').send(hit.body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (typeof payload !== 'string' || reply.statusCode !== 200 || !cacheable(request) || reply.getHeader('x-parley-cache')) return payload;
    const now = Date.now();
    const seen = visits.get(request.url);
    const count = seen && seen[1] > now ? seen[0] + 1 : 1;
    if (count < storeAfter) {
      if (visits.size >= 100_000) visits.clear();
      visits.set(request.url, [count, seen && seen[1] > now ? seen[1] : now + ttl]);
      return payload;
    }
    visits.delete(request.url);
    const body = Buffer.from(payload);
    if (body.length > maxBytes) return payload;
    const old = cache.get(request.url);
    if (old) drop(request.url, old);
    for (const [url, entry] of cache) {
      if (bytes + body.length <= maxBytes) break;
      drop(url, entry); // oldest first (a Map keeps insertion order)
    }
    cache.set(request.url, { body, expires: now + ttl, type: String(reply.getHeader('content-type') ?? 'text/html; charset=utf-8') });
    bytes += body.length;
    return body;
  });

  app.addHook('onResponse', async (request, reply) => {
    const writes = request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'OPTIONS';
    if (writes && reply.statusCode < 400) {
      cache.clear();
      visits.clear();
      bytes = 0;
    }
  });
});
