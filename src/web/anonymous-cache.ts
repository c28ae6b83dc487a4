// Anonymous page cache, after Discourse's: visitors who are not signed in (most of them arrive
// from a search engine) all get the same HTML for a page, so a rendered page is kept for a few
// seconds and served again without touching the database. Signed-in users always get a fresh
// page. A successful write through this process drops what it may have changed at once: by
// default every page; a write that says it changed one topic (a reply, an edit, kudos) drops
// that topic's pages and the lists (home, boards, feeds), so one busy thread does not empty the
// cache for the whole site; a POST that changes no public page (the composer's live check and
// preview, signing in) keeps it. The other workers of a clustered server drop the same pages
// when told over the cluster bus; other processes (the CLI) are bounded by the TTL.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { cacheLifetime, onResync, publish, subscribe } from '../cluster/bus.ts';

export interface PageCacheStats {
  /** Visitors' requests for cacheable pages served from the cache, and those rendered. */
  hits: number;
  misses: number;
  /** Pages held now, and their size in bytes. */
  pages: number;
  bytes: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Counters of the visitors' page cache since start (for benchmarks and operators). */
    pageCacheStats(): PageCacheStats;
  }
  interface FastifyContextConfig {
    /** This GET route's HTML may be cached for visitors; 'topic': it is a page of the topic
     * whose id is the route's `id` parameter (dropped when that topic changes). */
    anonymousCache?: boolean | 'topic';
    /** This POST changes no page a visitor can see: a success keeps the cache. */
    keepsPages?: boolean;
  }
}

// What a successful write changed, when it is less than everything (set by the route).
const changed = new WeakMap<FastifyRequest, { topic: number } | 'nothing'>();

/** The write changed one topic only (its posts, kudos, answer, state) and so the lists. */
export function changedOnlyTopic(request: FastifyRequest, topicId: number): void {
  changed.set(request, { topic: topicId });
}

/** The write changed no public page (say, a draft sent to the community team). */
export function changedNoPage(request: FastifyRequest): void {
  changed.set(request, 'nothing');
}

interface Entry {
  body: Buffer;
  /** When it was stored (its lifetime is decided when it is read: see cacheLifetime). */
  at: number;
  /** The response's content type (sitemaps and feeds are cached too, and are not HTML). */
  type: string;
  /** The topic the page belongs to; null for lists and other pages. */
  topic: number | null;
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
  // Pages as bytes, outside the JavaScript heap: tens of megabytes of strings made GC pauses.
  const cache = new Map<string, Entry>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;
  app.decorate('pageCacheStats', () => ({ hits, misses, pages: cache.size, bytes }));
  if (opts.ttlSeconds <= 0) return;
  const ttl = opts.ttlSeconds * 1000;
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  const storeAfter = opts.storeAfter ?? 2;
  // Visits of pages not stored yet: url → [visits, window end].
  const visits = new Map<string, [number, number]>();
  const cacheable = (request: FastifyRequest) => request.method === 'GET' && !request.user && !!request.routeOptions.config?.anonymousCache;
  const drop = (url: string, entry: Entry) => {
    cache.delete(url);
    bytes -= entry.body.length;
  };

  app.addHook('onRequest', async (request, reply) => {
    if (!cacheable(request)) return;
    const hit = cache.get(keyOf(request));
    if (!hit) {
      misses++;
      return;
    }
    if (hit.at + cacheLifetime(ttl) < Date.now()) {
      misses++;
      drop(keyOf(request), hit);
      return;
    }
    hits++;
    return reply.header('content-type', hit.type).header('x-parley-cache', 'hit').send(hit.body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.method !== 'OPTIONS') {
      forgetWhatChanged(request, reply);
      return payload;
    }
    // Pages come as bytes (src/web/views.ts); feeds and sitemaps as strings.
    if ((typeof payload !== 'string' && !Buffer.isBuffer(payload)) || reply.statusCode !== 200 || !cacheable(request) || reply.getHeader('x-parley-cache')) return payload;
    const now = Date.now();
    const key = keyOf(request);
    const seen = visits.get(key);
    const count = seen && seen[1] > now ? seen[0] + 1 : 1;
    if (count < storeAfter) {
      if (visits.size >= 100_000) visits.clear();
      visits.set(key, [count, seen && seen[1] > now ? seen[1] : now + ttl]);
      return payload;
    }
    visits.delete(key);
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    if (body.length > maxBytes) return payload;
    const old = cache.get(key);
    if (old) drop(key, old);
    for (const [url, entry] of cache) {
      if (bytes + body.length <= maxBytes) break;
      drop(url, entry); // oldest first (a Map keeps insertion order)
    }
    const topic = request.routeOptions.config?.anonymousCache === 'topic' ? Number((request.params as { id?: unknown }).id) : null;
    cache.set(key, { body, at: now, type: String(reply.getHeader('content-type') ?? 'text/html; charset=utf-8'), topic });
    bytes += body.length;
    return body;
  });

  /** Drops what a write changed: one topic's pages and the lists, or everything. */
  const forget = (scope: { topic: number } | 'all') => {
    if (scope !== 'all') {
      for (const [url, entry] of cache) if (entry.topic === null || entry.topic === scope.topic) drop(url, entry);
      return;
    }
    cache.clear();
    visits.clear();
    bytes = 0;
  };
  const unsubscribe = subscribe(BUS_CHANNEL, (scope) => forget(scope === 'all' ? 'all' : { topic: Number((scope as { topic: unknown }).topic) }));
  const unresync = onResync(() => forget('all'));
  app.addHook('onClose', async () => (unsubscribe(), unresync()));

  // Before the response leaves (onSend, not onResponse): whoever the writer tells next — or the
  // writer itself, reloading — must not meet the old page on this worker or another. The bus
  // message goes out ahead of the response, and the primary relays it to each worker on the same
  // channel as the connections it hands them, so it arrives first.
  const forgetWhatChanged = (request: FastifyRequest, reply: FastifyReply) => {
    if (reply.statusCode >= 400 || request.routeOptions.config?.keepsPages) return;
    const changes = changed.get(request);
    if (changes === 'nothing') return;
    const scope = changes ?? 'all';
    forget(scope);
    publish(BUS_CHANNEL, scope);
  };
});

const BUS_CHANNEL = 'pages';

// A page is kept per language (src/i18n/plugin.ts decides it in an earlier onRequest hook).
const keyOf = (request: FastifyRequest) => (request.locale === 'en' ? request.url : `${request.locale} ${request.url}`);
