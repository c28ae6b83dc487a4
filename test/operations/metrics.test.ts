// Prometheus metrics (issue 15, point 5): /metrics only with METRICS_TOKEN, only for its bearer;
// requests by route pattern (never the URL), page cache hits and misses, guard decisions by type.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { recordGuardDecision } from '../../src/confidentiality/audit.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';

const TOKEN = 'metrics-token-for-the-scraper-0123';

/** The value of one sample line of the exposition text, or undefined. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`) || (labels === '' && l.startsWith(`${name} `)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

for (const kind of testDatabaseKinds()) {
  describe(`/metrics on ${kind.name}`, () => {
    test('off without METRICS_TOKEN (404)', async () => {
      const database = await kind.open();
      const app = await testServer(database);
      try {
        assert.equal((await app.inject('/metrics')).statusCode, 404);
      } finally {
        await app.close();
        await database.drop();
      }
    });

    test('with METRICS_TOKEN: 401 without the bearer, and counts by route, cache and guard decision', async () => {
      const database = await kind.open();
      const app = await testServer(database, { METRICS_TOKEN: TOKEN, ANON_CACHE_SECONDS: '60' });
      try {
        assert.equal((await app.inject('/metrics')).statusCode, 401);
        const wrong = await app.inject({ url: '/metrics', headers: { authorization: 'Bearer not-the-token-at-all-000' } });
        assert.equal(wrong.statusCode, 401);
        assert.match(String(wrong.headers['www-authenticate']), /Bearer/);

        for (let i = 0; i < 3; i++) assert.equal((await app.inject('/robots.txt')).statusCode, 200);
        await app.inject('/healthz');
        await app.inject('/no/such/page?email=dana@example.org');
        await recordGuardDecision(database.db, { actorId: null, where: 'reply', target: 'topic:1', findings: [{ type: 'phone' }, { type: 'phone' }, { type: 'email' }], decision: 'block; approved by user 4' });
        await recordGuardDecision(database.db, { actorId: null, where: 'check', target: 'reply', findings: [], decision: 'allow' });

        const r = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
        assert.equal(r.statusCode, 200);
        assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/);
        const text = r.body;
        assert.equal(sample(text, 'parley_http_requests_total', 'method="GET",route="/robots.txt",status="200"'), 3);
        assert.equal(sample(text, 'parley_http_requests_total', 'method="GET",route="/healthz",status="200"'), 1);
        assert.equal(sample(text, 'parley_http_requests_total', 'method="GET",route="(no route)",status="404"'), 1);
        assert.equal(sample(text, 'parley_http_request_duration_seconds_count', 'method="GET",route="/robots.txt"'), 3);
        assert.equal(sample(text, 'parley_http_requests_total', 'method="GET",route="/metrics",status="401"'), 2);
        assert.ok(!text.includes('dana@example.org') && !text.includes('/no/such/page'), 'no URLs or values in labels');
        // Two misses (the second stores the page), then a hit.
        assert.equal(sample(text, 'parley_page_cache_hits_total', ''), 1);
        assert.equal(sample(text, 'parley_page_cache_misses_total', ''), 2);
        assert.ok(Math.abs(sample(text, 'parley_page_cache_hit_ratio', '')! - 1 / 3) < 1e-9);
        assert.equal(sample(text, 'parley_guard_decisions_total', 'decision="block",finding_type="phone"'), 1);
        assert.equal(sample(text, 'parley_guard_decisions_total', 'decision="block",finding_type="email"'), 1);
        assert.equal(sample(text, 'parley_guard_decisions_total', 'decision="allow",finding_type="none"'), 1);
        assert.ok(sample(text, 'parley_process_resident_memory_bytes', '')! > 0);
        // Background jobs: the depth of each queue this server works on, and failed tries.
        assert.ok(sample(text, 'parley_job_queue_depth', 'job="notification-emails"')! >= 0);
        await app.jobs.work('metrics-probe', async () => {
          throw new Error('the SMTP server is away');
        });
        await app.jobs.send('metrics-probe', {}, { retryLimit: 0 });
        const scrape = async () => (await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body;
        const end = Date.now() + 15_000;
        let failures = 0;
        while (failures < 1 && Date.now() < end) {
          failures = sample(await scrape(), 'parley_job_failures_total', 'job="metrics-probe"') ?? 0;
          if (failures < 1) await new Promise((r) => setTimeout(r, 200));
        }
        assert.equal(failures, 1);

        // Counters keep counting across scrapes (the cache counters add only what is new).
        await app.inject('/robots.txt');
        const again = (await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body;
        assert.equal(sample(again, 'parley_page_cache_hits_total', ''), 2);
        assert.equal(sample(again, 'parley_page_cache_misses_total', ''), 2);
      } finally {
        await app.close();
        await database.drop();
      }
    });
  });
}
