// Who starts topics on a board (boards.topic_creators, migration 030): on an announcements board
// only staff start topics and everyone who reads it replies; a board set so on its edit page is
// held to it on every path (board page, composer, form post, API). And a staff board answers 404
// to whoever may not read it on every path that starts a topic, as its pages do (the API answered
// 403 to a POST, telling a member that the board exists).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';

const PASSWORD = 'correct horse battery staple';

for (const kind of testDatabaseKinds()) {
  describe(`who starts topics, on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    const as: Record<string, Agent> = {};
    const topicCount = async () => Number((await database.db.selectFrom('topics').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'News', slug: 'news', description: 'Only staff start threads here.' });
      await createBoard(database.db, null, { name: 'Lounge', slug: 'lounge', visibility: 'staff' });
      await makeUser(database.db, [], 'nina');
      await makeUser(database.db, ['employee'], 'emil');
      await makeUser(database.db, ['moderator'], 'moe');
      await makeUser(database.db, ['community_manager'], 'cara');
      for (const name of ['nina', 'emil', 'moe', 'cara']) {
        as[name] = new Agent(app);
        assert.equal((await as[name]!.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
      }
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('a community manager makes a board staff-only for new topics on its edit page', async () => {
      assert.match((await as.cara!.get('/admin/boards/news/edit')).body, /name="topic_creators"/);
      const saved = await as.cara!.post('/admin/boards/news/edit', { name: 'News', slug: 'news', description: 'Only staff start threads here.', visibility: 'public', topic_creators: 'staff' }, '/admin/boards/news/edit');
      assert.equal(saved.statusCode, 303, saved.body);
      const board = await database.db.selectFrom('boards').select('topic_creators').where('slug', '=', 'news').executeTakeFirstOrThrow();
      assert.equal(board.topic_creators, 'staff');
      const bad = await as.cara!.post('/admin/boards/news/edit', { name: 'News', slug: 'news', description: '', visibility: 'public', topic_creators: 'everyone' }, '/admin/boards/news/edit');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Choose who starts topics/);
    });

    test('members and employees reply there but start no topic: no button, not in the chooser, 403 on every path; staff do', async () => {
      const before = await topicCount();
      for (const name of ['nina', 'emil']) {
        const a = as[name]!;
        assert.doesNotMatch((await a.get('/b/news')).body, /href="\/b\/news\/new"/, `${name}: no "Start a topic" button`);
        assert.doesNotMatch((await a.get('/new')).body, /\/b\/news\/new|value="news"/, `${name}: not in the board chooser`);
        assert.equal((await a.get('/b/news/new')).statusCode, 403);
        assert.equal((await a.post('/b/news/topics', { kind: 'discussion', title: 'A topic of my own here', body: 'Some text to post.' }, '/b/news')).statusCode, 403);
      }
      assert.equal(await topicCount(), before, 'nothing written');
      assert.match((await as.moe!.get('/b/news')).body, /href="\/b\/news\/new"/);
      const made = await as.moe!.post('/b/news/topics', { kind: 'discussion', title: 'Planned maintenance tonight', body: 'From midnight to five.' }, '/b/news');
      assert.equal(made.statusCode, 303, made.body);
      // Everyone who reads the board replies.
      const t = await database.db.selectFrom('topics').select(['id', 'slug']).where('title', '=', 'Planned maintenance tonight').executeTakeFirstOrThrow();
      assert.equal((await as.nina!.post(`/t/${t.id}/replies`, { body: 'Thanks for the notice!' }, `/t/${t.slug}/${t.id}`)).statusCode, 303);
    });

    test('the API: 403 for a member on such a board, 404 on a staff board they may not read (as its GET), 201 for staff', async () => {
      const token = async (name: string) => {
        const me = await as[name]!.get('/api/v1/me');
        const cookie = [...as[name]!.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
        const res = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { cookie, 'x-csrf-token': JSON.parse(me.body).csrfToken, 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'script' }) });
        assert.equal(res.statusCode, 201, res.body);
        return JSON.parse(res.body).token as string;
      };
      const call = (t: string, method: 'GET' | 'POST', url: string, body?: unknown) =>
        app.inject({ method, url, headers: { authorization: `Bearer ${t}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { payload: JSON.stringify(body) } : {}) });
      const nina = await token('nina');
      const mo = await token('moe');
      const topic = { kind: 'discussion', title: 'A topic from a script', body: 'Some text to post.' };
      const before = await topicCount();
      assert.equal((await call(nina, 'POST', '/api/v1/boards/news/topics', topic)).statusCode, 403);
      const lounge = await call(nina, 'POST', '/api/v1/boards/lounge/topics', topic);
      assert.equal(lounge.statusCode, 404, lounge.body);
      assert.equal((await call(nina, 'GET', '/api/v1/boards/lounge/topics')).statusCode, 404);
      assert.equal(await topicCount(), before);
      assert.equal((await call(mo, 'POST', '/api/v1/boards/news/topics', topic)).statusCode, 201);
      const boards = JSON.parse((await call(nina, 'GET', '/api/v1/boards')).body).boards as { slug: string; topicCreators: string }[];
      assert.equal(boards.find((b) => b.slug === 'news')?.topicCreators, 'staff');
    });

    test('the web composer of a staff board answers 404 to a member, as its page', async () => {
      assert.equal((await as.nina!.get('/b/lounge')).statusCode, 404);
      assert.equal((await as.nina!.get('/b/lounge/new')).statusCode, 404);
      assert.equal((await as.nina!.post('/b/lounge/topics', { kind: 'discussion', title: 'A topic of my own here', body: 'Some text to post.' }, '/b/lounge')).statusCode, 404);
      await assert.rejects(createTopic(database.db, { id: 1, roles: new Set(['member']) }, { boardSlug: 'lounge', kind: 'discussion', title: 'Not here at all', body: 'Some text.' }), (e: { status?: number }) => e.status === 404);
    });
  });
}
