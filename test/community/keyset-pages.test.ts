// Deep pages at constant cost (issue 19): board pages walked by key give the same topics as pages
// by number, forwards and backwards, on SQLite and PostgreSQL; bad page numbers and forged cursors
// are clear 4xx pages, never a scan.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { listBoardTopics, TOPICS_PER_PAGE, type Sort } from '../../src/community/list-board-topics.ts';
import { POSTS_PER_PAGE } from '../../src/community/show-topic.ts';
import { moderateTopic } from '../../src/community/moderate-topic.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { testServer } from '../helpers/server.ts';

const results = new Map<string, unknown>();

for (const kind of testDatabaseKinds()) {
  describe(`keyed board pages on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let topicPath = '';
    before(async () => {
      database = await kind.open();
      const db = database.db;
      const author = await makeUser(db, [], 'keyset_author');
      const moderator = await makeUser(db, ['moderator'], 'keyset_mod');
      await createBoard(db, null, { name: 'General', slug: 'general' });
      const ids: number[] = [];
      for (let i = 0; i < 3 * TOPICS_PER_PAGE + 7; i++) {
        ids.push((await createTopic(db, author, { boardSlug: 'general', kind: i % 3 ? 'discussion' : 'question', title: `Keyed topic ${i}`, body: 'the same text' })).id);
      }
      // Ties everywhere (a bulk import), a few distinct times, one pinned, one deleted.
      await db.updateTable('topics').set({ last_post_at: '2026-01-01T00:00:00.000Z', created_at: '2026-01-01T00:00:00.000Z' }).execute();
      for (const [n, at] of [[3, '2026-02-01T00:00:00.000Z'], [50, '2026-03-01T00:00:00.000Z'], [80, '2025-12-01T00:00:00.000Z']] as const) {
        await db.updateTable('topics').set({ last_post_at: at, created_at: at }).where('id', '=', ids[n]!).execute();
      }
      await moderateTopic(db, moderator, ids[60]!, 'pin');
      await db.updateTable('topics').set({ deleted_at: '2026-01-02T00:00:00.000Z' }).where('id', '=', ids[7]!).execute();
      await db.updateTable('boards').set({ topic_count: ids.length - 1 }).execute();
      // A topic with a few pages of posts.
      const long = ids[0]!;
      for (let i = 0; i < 2 * POSTS_PER_PAGE + 3; i++) await createReply(db, author, { topicId: long, body: `reply ${i}` });
      topicPath = `/t/keyed-topic-0/${long}`;
      app = await testServer(database);
    });
    after(async () => {
      await app?.close();
      await database?.drop();
    });

    for (const sort of ['latest', 'newest', 'unanswered'] as Sort[]) {
      test(`${sort}: pages by key forwards and backwards are the pages by number`, async () => {
        const db = database.db;
        const byNumber: number[][] = [];
        const first = await listBoardTopics(db, null, 'general', 1, sort);
        for (let page = 1; page <= first.pageCount; page++) byNumber.push((await listBoardTopics(db, null, 'general', page, sort)).topics.map((t) => t.id));
        const byKey: number[][] = [first.topics.map((t) => t.id)];
        let cursor = first.after;
        const keyed = [];
        for (let page = 2; cursor; page++) {
          const data = await listBoardTopics(db, null, 'general', page, sort, undefined, { after: cursor });
          byKey.push(data.topics.map((t) => t.id));
          keyed.push(data);
          cursor = data.after;
        }
        assert.deepEqual(byKey, byNumber);
        // Backwards from the last page, by each page's `before` key.
        const last = keyed.at(-1);
        if (last) {
          const back: number[][] = [];
          let b = last.before;
          for (let page = last.page - 1; b; page--) {
            const data = await listBoardTopics(db, null, 'general', page, sort, undefined, { before: b });
            back.unshift(data.topics.map((t) => t.id));
            b = data.before;
          }
          assert.deepEqual(back, byNumber.slice(1, last.page - 1));
        }
        results.set(`${kind.name}:${sort}`, byNumber);
        // The same pages on both databases.
        if (kind.name === 'postgres' && results.has(`sqlite:${sort}`)) assert.deepEqual(byNumber, results.get(`sqlite:${sort}`));
      });
    }

    test('the page links are keyed, ?page=N still works, and the canonical is the numbered page', async () => {
      const one = await app.inject({ url: '/b/general' });
      assert.equal(one.statusCode, 200);
      const next = /<a rel="next" href="([^"]+)"/.exec(one.body)?.[1]?.replaceAll('&amp;', '&');
      assert.match(next!, /^\/b\/general\?page=2&after=[A-Za-z0-9_-]+$/);
      assert.match(one.body, /<link rel="next" href="[^"]*\/b\/general\?page=2&amp;after=/);
      const two = await app.inject({ url: next! });
      assert.equal(two.statusCode, 200);
      assert.match(two.body, /<link rel="canonical" href="[^"]*\/b\/general\?page=2"/);
      const byNumber = await app.inject({ url: '/b/general?page=2' });
      const titles = (html: string) => [...html.matchAll(/Keyed topic \d+/g)].map((m) => m[0]);
      assert.deepEqual(titles(two.body), titles(byNumber.body));
      const third = /<a rel="next" href="([^"]+)"/.exec(two.body)?.[1]?.replaceAll('&amp;', '&');
      const three = await app.inject({ url: third! });
      const prev = /<a rel="prev" href="([^"]+)"/.exec(three.body)?.[1]?.replaceAll('&amp;', '&');
      assert.match(prev!, /^\/b\/general\?page=2&before=/);
      assert.deepEqual(titles((await app.inject({ url: prev! })).body), titles(byNumber.body));
      // Page 2's previous page is the board's plain first page.
      assert.match(two.body, /<a rel="prev" href="\/b\/general">/);
    });

    test('bad page numbers and forged cursors: a clear 4xx page', async () => {
      const forged = (k: unknown) => Buffer.from(JSON.stringify(k)).toString('base64url');
      const cases: [string, number, RegExp][] = [
        ['/b/general?page=5', 404, /no such page/i],
        ['/b/general?page=1000000', 404, /no such page/i],
        ['/b/general?page=99999999999', 400, /not valid/i],
        ['/b/general?page=-1', 400, /not valid/i],
        ['/b/general?page=0', 400, /not valid/i],
        ['/b/general?page=abc', 400, /not valid/i],
        ['/b/general?page=2&after=not-a-cursor', 400, /page link is not valid/i],
        ['/b/general?page=2&after=' + forged([0, "2026-01-01T00:00:00Z' or 1=1 --", 5]), 400, /page link is not valid/i],
        ['/b/general?page=2&after=' + forged([0, '2026-01-01T00:00:00.000Z', -5]), 400, /page link is not valid/i],
        ['/b/general?page=2&after=' + forged({ a: 1 }), 400, /page link is not valid/i],
        ['/b/general?page=2&after=' + forged([0, '2026-01-01T00:00:00.000Z']), 400, /page link is not valid/i],
        ['/b/general?sort=newest&page=2&after=' + forged([0, '2026-01-01T00:00:00.000Z', 5]), 400, /page link is not valid/i],
        ['/b/general?page=1&after=' + forged([0, '2026-01-01T00:00:00.000Z', 5]), 400, /page link is not valid/i],
        ['/b/general?page=2&after=x&before=y', 400, /not valid/i],
        // A well-formed key past every topic: no rows, so no such page.
        ['/b/general?page=2&after=' + forged([0, '1970-01-01T00:00:00.000Z', 1]), 404, /no such page/i],
        [topicPath + '?page=4', 404, /no such page/i],
        [topicPath + '?page=-3', 400, /not valid/i],
        [topicPath + '?page=1e9', 400, /not valid/i],
        [topicPath + '?page=two', 400, /not valid/i],
      ];
      for (const [url, status, message] of cases) {
        const res = await app.inject({ url });
        assert.equal(res.statusCode, status, `${url}: ${res.body.slice(0, 200)}`);
        assert.match(res.headers['content-type'] as string, /text\/html/, url);
        assert.match(res.body, message, url);
      }
      assert.equal((await app.inject({ url: topicPath + '?page=3' })).statusCode, 200);
    });
  });
}
