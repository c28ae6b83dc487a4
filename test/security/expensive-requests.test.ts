// Expensive requests (issue 17, point 8), on SQLite and PostgreSQL: the guard's work per request is
// bounded (text: 413, time: 422, with a message, nothing stored), long attachments are scanned off
// the main thread so that a small request is not held up by a large one, and API writes are
// limited per token and per account (429). Times are compared as ratios, not absolute values
// (the test machine is shared and slow).
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { performance } from 'node:perf_hooks';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { testServer } from '../helpers/server.ts';
import { Agent, csrfToken } from '../helpers/browserless-agent.ts';

const PASSWORD = 'correct horse battery staple';
/** About 1 MB of log-like text with something for the guard to find at its end. */
const MEGABYTE_LOG = (n: number) => `${`line ${n}: sync ok at 21:04, router 192.168.0.1 answered in 12 ms\n`.repeat(15_500)}call me on 06 41 27 93 58\n`;

interface Setup { app: FastifyInstance; check(payload: unknown): Promise<LightMyRequestResponse>; token: string; token2: string; otherToken: string; topicId: number }

async function setUp(database: TestDatabase, env: Record<string, string>): Promise<Setup> {
  const app = await testServer(database, env);
  const db = database.db;
  await createBoard(db, null, { name: 'Internet', slug: 'internet' });
  const ann = await makeUser(db, [], 'heavy_ann');
  const bob = await makeUser(db, [], 'light_bob');
  const t = await createTopic(db, ann, { boardSlug: 'internet', kind: 'question', title: 'My line drops every evening', body: 'It drops around 21:00.' });
  const agent = new Agent(app);
  assert.equal((await agent.post('/signin', { login: 'heavy_ann', password: PASSWORD }, '/signin')).statusCode, 303);
  const csrf = csrfToken((await agent.get(`/t/${t.slug}/${t.id}`)).body);
  const cookie = [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return {
    app,
    topicId: t.id,
    check: (payload) => app.inject({ method: 'POST', url: '/check', payload: JSON.stringify(payload), headers: { 'content-type': 'application/json', accept: 'application/json', cookie, 'x-csrf-token': csrf } }),
    token: (await createApiToken(db, ann, { name: 'one' })).token,
    token2: (await createApiToken(db, ann, { name: 'two' })).token,
    otherToken: (await createApiToken(db, bob, { name: 'bob' })).token,
  };
}

const count = async (database: TestDatabase, table: 'posts' | 'attachments' | 'held_drafts') => Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

for (const kind of testDatabaseKinds()) {
  describe(`expensive requests on ${kind.name}`, () => {
    let database: TestDatabase;
    let s: Setup | undefined;
    // Each test has its own server (its own settings) on its own database.
    const start = async (env: Record<string, string>) => {
      database = await kind.open();
      return setUp(database, env);
    };
    afterEach(async () => {
      await s?.app.close();
      s = undefined;
      await database?.drop();
    });

    test('more text than the guard checks per request: 413 with a message, for /check and for a post; nothing stored', async () => {
      s = await start({ GUARD_TEXT_LIMIT_KB: '2048' });
      const five = Array.from({ length: 5 }, (_, i) => ({ name: `log${i}.txt`, content: MEGABYTE_LOG(i) }));
      const started = performance.now();
      const res = await s.check({ body: 'Five logs.', where: 'reply', attachments: five });
      const refusedIn = performance.now() - started;
      assert.equal(res.statusCode, 413, res.body.slice(0, 200));
      assert.match(res.json().message, /holds 4\.\d MB of text with its attachments; at most 2\.0 MB can be checked at once/);
      const before = { posts: await count(database, 'posts'), attachments: await count(database, 'attachments'), held: await count(database, 'held_drafts') };
      const post = await s.app.inject({ method: 'POST', url: `/api/v1/topics/${s.topicId}/replies`, headers: { authorization: `Bearer ${s.token}` }, payload: { body: 'Three logs.', attachments: five.slice(0, 3) } });
      assert.equal(post.statusCode, 413, post.body.slice(0, 200));
      assert.match(post.json().message, /at most 2\.0 MB can be checked at once/);
      assert.deepEqual({ posts: await count(database, 'posts'), attachments: await count(database, 'attachments'), held: await count(database, 'held_drafts') }, before);
      // Within the budget the same files are checked (and found).
      const two = await s.check({ body: 'One log.', where: 'reply', attachments: five.slice(0, 1) });
      assert.equal(two.statusCode, 200, two.body.slice(0, 200));
      assert.ok(two.json().findings.some((f: { type: string }) => f.type === 'phone'));
      console.log(`# 413 for 5 × 1 MB answered in ${refusedIn.toFixed(0)} ms`);
    });

    test('a scan past the time budget: 422 with a message, the post not stored', async () => {
      s = await start({ GUARD_TIME_LIMIT_MS: '100', GUARD_TEXT_LIMIT_KB: '8192' });
      const three = Array.from({ length: 3 }, (_, i) => ({ name: `log${i}.txt`, content: MEGABYTE_LOG(i) }));
      const res = await s.check({ body: 'Three logs.', where: 'reply', attachments: three });
      assert.equal(res.statusCode, 422, res.body.slice(0, 200));
      assert.match(res.json().message, /took longer than 0\.1 s, so it was stopped/);
      const posts = await count(database, 'posts');
      const post = await s.app.inject({ method: 'POST', url: `/api/v1/topics/${s.topicId}/replies`, headers: { authorization: `Bearer ${s.token}` }, payload: { body: 'Three logs.', attachments: three } });
      assert.equal(post.statusCode, 422, post.body.slice(0, 200));
      assert.equal(await count(database, 'posts'), posts);
    });

    for (const threads of [2, 0]) {
      test(`a 5 × 1 MB check does not hold up a small request (GUARD_THREADS=${threads})`, async () => {
        s = await start({ GUARD_THREADS: String(threads), GUARD_TEXT_LIMIT_KB: '8192', GUARD_TIME_LIMIT_MS: '120000' });
        const five = Array.from({ length: 5 }, (_, i) => ({ name: `log${i}.txt`, content: MEGABYTE_LOG(i) }));
        const small = { body: 'Is 21:04 a usual time for a resync?', where: 'reply' };
        await s.check({ body: 'warm-up', where: 'reply', attachments: five.slice(0, 1) }); // workers started, registers sent
        const t0 = performance.now();
        let bigDone = 0;
        const big = s.check({ body: 'Five logs.', where: 'reply', attachments: five }).then((r) => {
          bigDone = performance.now();
          return r;
        });
        await new Promise((r) => setTimeout(r, 20)); // the big one is being scanned
        const latencies: number[] = [];
        for (let i = 0; i < 3; i++) {
          const t = performance.now();
          const r: LightMyRequestResponse = await s.check(small);
          assert.equal(r.statusCode, 200);
          latencies.push(performance.now() - t);
        }
        const bigRes = await big;
        assert.equal(bigRes.statusCode, 200, bigRes.body.slice(0, 200));
        assert.equal(bigRes.json().findings.filter((f: { type: string }) => f.type === 'phone').length, 5, 'each file scanned to its end');
        const bigMs = bigDone - t0;
        const worst = Math.max(...latencies);
        const ratio = worst / bigMs;
        console.log(`# threads=${threads}: 5 × 1 MB check ${bigMs.toFixed(0)} ms; small checks meanwhile ${latencies.map((l) => l.toFixed(0)).join(', ')} ms; worst/big = ${ratio.toFixed(3)}`);
        // Blocked, a small request would wait for most of the big one (ratio near 1). Off the main
        // thread it waits for no window at all; on it, for one window (~60 k characters) at most.
        assert.ok(ratio < (threads > 0 ? 0.25 : 0.5), `a small request waited ${worst.toFixed(0)} ms of the big one's ${bigMs.toFixed(0)} ms`);
      });
    }

    test('API writes past the limit per token and per account: 429 with a message; reads and other accounts go on', async () => {
      s = await start({ API_TOKEN_WRITE_RATE_LIMIT: '3', API_WRITE_RATE_LIMIT: '5' });
      const reply = (token: string, n: number) => s!.app.inject({ method: 'POST', url: `/api/v1/topics/${s!.topicId}/replies`, headers: { authorization: `Bearer ${token}` }, payload: { body: `Reply number ${n}.` } });
      for (let i = 0; i < 3; i++) assert.equal((await reply(s.token, i)).statusCode, 201);
      const perToken = await reply(s.token, 3);
      assert.equal(perToken.statusCode, 429);
      assert.match(perToken.json().message, /Too many API writes from this API token: at most 3 a minute/);
      assert.ok(Number(perToken.headers['retry-after']) > 0);
      // The account's second token has its own count, until the account's limit (5) is reached.
      for (let i = 0; i < 2; i++) assert.equal((await reply(s.token2, 10 + i)).statusCode, 201);
      const perAccount = await reply(s.token2, 12);
      assert.equal(perAccount.statusCode, 429);
      assert.match(perAccount.json().message, /Too many API writes from this account: at most 5 a minute/);
      const posts = await count(database, 'posts');
      assert.equal(posts, 1 + 5, 'only the allowed writes were stored');
      assert.equal((await s.app.inject({ url: `/api/v1/topics/${s.topicId}`, headers: { authorization: `Bearer ${s.token}` } })).statusCode, 200, 'reads are not limited');
      assert.equal((await reply(s.otherToken, 20)).statusCode, 201, 'another account is not affected');
    });
  });
}
