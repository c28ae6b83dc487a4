// Prometheus metrics at /metrics (prom-client), when METRICS_TOKEN is set, for scrapers that
// send it as a bearer token. Labels are bounded sets (route patterns, never URLs; decision and
// finding types, never values), so no personal data and no unbounded series. With WORKERS > 1
// a scrape shows the whole server, gathered by the primary (cluster-metrics.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import client from 'prom-client';
import { onGuardDecision } from '../confidentiality/audit.ts';
import { isWorker } from '../cluster/primary.ts';
import { metricsOfAllWorkers, reportToAggregation } from './cluster-metrics.ts';
import { jobFailures } from '../jobs/queue.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Adds the request hooks and the route; call before the routes it should count. */
export function installMetrics(app: FastifyInstance): void {
  const token = app.config.METRICS_TOKEN;
  if (!token) return;
  const expected = digest(token);
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  const clustered = isWorker();
  if (clustered) reportToAggregation(registry);

  const requests = new client.Counter({ name: 'parley_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const latency = new client.Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method and route pattern',
    labelNames: ['method', 'route'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(no route)';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  // The visitors' page cache keeps its own counts; expose them as counters (rate() of each gives the ratio).
  const cacheSeen = { hits: 0, misses: 0 };
  for (const kind of ['hits', 'misses'] as const) {
    new client.Counter({
      name: `parley_page_cache_${kind}_total`,
      help: `Visitors' page cache ${kind}`,
      registers: [registry],
      collect() {
        const now = app.pageCacheStats()[kind];
        this.inc(Math.max(0, now - cacheSeen[kind]));
        cacheSeen[kind] = now;
      },
    });
  }
  new client.Gauge({
    name: 'parley_page_cache_hit_ratio',
    help: "Share of cacheable visitor page views served from the page cache since start",
    registers: [registry],
    // Clustered: the mean of the workers' ratios (rate() of the two counters gives the exact one).
    aggregator: 'average',
    collect() {
      const { hits, misses } = app.pageCacheStats();
      this.set(hits + misses === 0 ? 0 : hits / (hits + misses));
    },
  });

  const decisions = new client.Counter({ name: 'parley_guard_decisions_total', help: "Confidentiality guard decisions, by decision and finding type ('none': no finding)", labelNames: ['decision', 'finding_type'], registers: [registry] });
  const stop = onGuardDecision((decision, findings) => {
    // "block; approved by user 4", "mask (unpublished draft)": the leading word is the decision.
    const kind = /^[a-z_]+/.exec(decision)?.[0] ?? 'other';
    const types = new Set(findings.map((f) => f.type));
    if (types.size === 0) decisions.inc({ decision: kind, finding_type: 'none' });
    for (const type of types) decisions.inc({ decision: kind, finding_type: type });
  });
  app.addHook('onClose', async () => stop());

  // Background jobs (src/jobs): failures counted by this process; the queue depth is the
  // fleet's (pg-boss counts in PostgreSQL), so it is the same on every server.
  const failuresSeen = new Map<string, number>();
  new client.Counter({
    name: 'parley_job_failures_total',
    help: 'Background job tries that failed (each is retried with a growing pause), by job',
    labelNames: ['job'],
    registers: [registry],
    collect() {
      for (const [job, n] of jobFailures) {
        this.inc({ job }, n - (failuresSeen.get(job) ?? 0));
        failuresSeen.set(job, n);
      }
    },
  });
  new client.Gauge({
    name: 'parley_job_queue_depth',
    help: 'Background jobs waiting or running, by job',
    labelNames: ['job'],
    registers: [registry],
    aggregator: 'max',
    async collect() {
      for (const job of app.jobs.names()) this.set({ job }, await app.jobs.pending(job).catch(() => 0));
    },
  });

  app.get('/metrics', { logLevel: 'warn' }, async (request, reply) => {
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!given || !timingSafeEqual(digest(given), expected)) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').header('cache-control', 'no-store').send({ error: 'Send METRICS_TOKEN as a bearer token' });
    }
    const text = clustered ? await metricsOfAllWorkers() : await registry.metrics();
    return reply.header('content-type', registry.contentType).header('cache-control', 'no-store').send(text);
  });
}
