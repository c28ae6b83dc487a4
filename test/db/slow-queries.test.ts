// The slow-query log (issue 19): a query over SLOW_QUERY_MS is reported with the route that ran
// it, its SQL text, and no parameter values; on SQLite (direct reads too) and PostgreSQL.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { logSlowQueries, type SlowQuery } from '../../src/db/slow-queries.ts';
import { loadConfig } from '../../src/config.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { testServer } from '../helpers/server.ts';

test('SLOW_QUERY_MS: a whole number of milliseconds, 0 turns it off', () => {
  assert.equal(loadConfig({ NODE_ENV: 'test' }).SLOW_QUERY_MS, 250);
  assert.equal(loadConfig({ NODE_ENV: 'test', SLOW_QUERY_MS: '0' }).SLOW_QUERY_MS, 0);
  assert.throws(() => loadConfig({ NODE_ENV: 'test', SLOW_QUERY_MS: 'fast' }), /SLOW_QUERY_MS/);
  assert.throws(() => loadConfig({ NODE_ENV: 'test', SLOW_QUERY_MS: '-5' }), /SLOW_QUERY_MS/);
});

for (const kind of testDatabaseKinds()) {
  describe(`slow-query log on ${kind.name}`, () => {
    test('names the route and the statement, never the values', async () => {
      const database = await kind.open();
      try {
        const author = await makeUser(database.db, [], 'slowlog_author');
        await createBoard(database.db, null, { name: 'Secret Plans', slug: 'secret-plans' });
        const topic = await createTopic(database.db, author, { boardSlug: 'secret-plans', kind: 'discussion', title: 'Quarterly numbers here', body: 'text' });
        const app = await testServer(database);
        try {
          // Every query counts as slow: the smallest threshold above zero.
          const seen: SlowQuery[] = [];
          logSlowQueries(Number.MIN_VALUE, (q) => seen.push(q));
          assert.equal((await app.inject({ url: '/b/secret-plans' })).statusCode, 200);
          assert.equal((await app.inject({ url: `/t/quarterly-numbers-here/${topic.id}` })).statusCode, 200);
          const routes = new Set(seen.map((q) => q.route));
          assert.ok(routes.has('GET /b/:slug'), [...routes].join(', '));
          assert.ok(routes.has('GET /t/:slug/:id'), [...routes].join(', '));
          assert.ok(seen.some((q) => q.route === 'GET /b/:slug' && /from "?boards"?/.test(q.sql)));
          for (const q of seen) {
            assert.doesNotMatch(q.sql, /secret-plans|Quarterly|slowlog_author/, 'no values in the log');
            assert.ok(q.ms >= 0);
          }
          logSlowQueries(0, null);
          seen.length = 0;
          await app.inject({ url: '/b/secret-plans' });
          assert.equal(seen.length, 0, 'off at 0');
        } finally {
          await app.close();
        }
      } finally {
        logSlowQueries(0, null);
        await database.drop();
      }
    });
  });
}
