import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { anonymousCache } from '../../src/web/anonymous-cache.ts';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { Agent, csrfToken } from '../helpers/browserless-agent.ts';

let database: TestDatabase;
let app: FastifyInstance;
let url: string;
let topicId: number;

before(async () => {
  database = await testDatabaseKinds()[0]!.open();
  app = await testServer(database, { ANON_CACHE_SECONDS: '60' });
  const author = await makeUser(database.db, [], 'cache_author');
  await createBoard(database.db, null, { name: 'General', slug: 'general' });
  const t = await createTopic(database.db, author, { boardSlug: 'general', kind: 'discussion', title: 'Cache me if you can', body: 'first version' });
  topicId = t.id;
  url = `/t/${t.slug}/${t.id}`;
});
after(async () => {
  await app.close();
  await database.drop();
});

test('visitors get a cached page; signed-in members always a fresh one; a write through the app empties the cache', async () => {
  const first = await app.inject({ url });
  assert.equal(first.headers['x-parley-cache'], undefined);
  // Stored on the second visit (a page seen once is not worth keeping), served from the third.
  assert.equal((await app.inject({ url })).headers['x-parley-cache'], undefined);
  const second = await app.inject({ url });
  assert.equal(second.headers['x-parley-cache'], 'hit');
  assert.equal(second.body, first.body);
  assert.equal(second.headers['content-type'], first.headers['content-type']);
  assert.match(String(second.headers['content-security-policy']), /default-src 'self'/, 'security headers on hits too');

  // A write outside this process (here: straight to the database) is seen by visitors after the TTL...
  const author = { id: (await database.db.selectFrom('users').select('id').where('username', '=', 'cache_author').executeTakeFirstOrThrow()).id, roles: new Set(['member' as const]) };
  await createReply(database.db, author, { topicId, body: 'a reply written elsewhere' });
  assert.doesNotMatch((await app.inject({ url })).body, /written elsewhere/);
  // ...while a signed-in member sees it at once, and their page is not stored for visitors.
  const member = new Agent(app);
  await member.post('/signin', { login: 'cache_author', password: 'correct horse battery staple' }, '/signin');
  const fresh = await member.get(url);
  assert.equal(fresh.headers['x-parley-cache'], undefined);
  assert.match(fresh.body, /written elsewhere/);
  assert.match(fresh.body, /Sign out/);
  // Signing in changes no page a visitor sees: the cache stays.
  assert.equal((await app.inject({ url })).headers['x-parley-cache'], 'hit');
  // A write through this process that does not say what it changed (here: a new board) empties it.
  const admin = new Agent(app);
  await makeUser(database.db, ['community_manager'], 'cache_cm');
  await admin.post('/signin', { login: 'cache_cm', password: 'correct horse battery staple' }, '/signin');
  assert.equal((await admin.post('/admin/boards', { name: 'Announcements', slug: 'announcements', description: 'News', visibility: 'public' }, '/admin/boards')).statusCode, 303);
  await app.inject({ url });
  const after = await app.inject({ url });
  assert.equal(after.headers['x-parley-cache'], undefined);
  assert.match(after.body, /written elsewhere/);
  assert.doesNotMatch(after.body, /Sign out/, 'a member\'s page never reaches visitors');
});

test('a write to one topic drops that topic\'s pages and the lists, and keeps the other topics\' pages', async () => {
  const author = await database.db.selectFrom('users').select('id').where('username', '=', 'cache_author').executeTakeFirstOrThrow();
  const other = await createTopic(database.db, { id: author.id, roles: new Set(['member' as const]) }, { boardSlug: 'general', kind: 'discussion', title: 'Another thread', body: 'other body' });
  const otherUrl = `/t/${other.slug}/${other.id}`;
  const visit = async (path: string) => (await app.inject({ url: path })).headers['x-parley-cache'] === 'hit';
  const warm = async (path: string) => {
    await app.inject({ url: path });
    await app.inject({ url: path });
    assert.equal(await visit(path), true, `${path} is served from the cache`);
  };
  for (const path of [url, otherUrl, '/b/general', '/']) await warm(path);

  const member = new Agent(app);
  await member.post('/signin', { login: 'cache_author', password: 'correct horse battery staple' }, '/signin');
  // The composer's live check and preview are POSTs that publish nothing: nothing is dropped.
  const csrf = csrfToken((await member.get(`/t/${topicId}/reply`)).body);
  for (const path of ['/check', '/preview']) {
    const r = await app.inject({ method: 'POST', url: path, payload: { body: 'just typing', where: 'reply' }, headers: { cookie: [...member.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': csrf } });
    assert.equal(r.statusCode, 200, r.body);
  }
  assert.deepEqual([await visit(url), await visit(otherUrl), await visit('/b/general'), await visit('/')], [true, true, true, true]);

  // A reply to the first topic: its page and the lists are fresh at once, the other topic stays cached.
  assert.equal((await member.post(`/t/${topicId}/replies`, { body: 'a reply through the app' }, `/t/${topicId}/reply`)).statusCode, 303);
  const replied = await app.inject({ url });
  assert.equal(replied.headers['x-parley-cache'], undefined);
  assert.match(replied.body, /a reply through the app/);
  assert.equal(await visit('/b/general'), false);
  assert.equal(await visit('/'), false);
  assert.equal(await visit(otherUrl), true);

  // The same through the JSON API: kudos to the first topic's opening post (another member).
  await warm(url);
  const fan = new Agent(app);
  await makeUser(database.db, [], 'cache_fan');
  await fan.post('/signin', { login: 'cache_fan', password: 'correct horse battery staple' }, '/signin');
  const post = await database.db.selectFrom('posts').select('id').where('topic_id', '=', topicId).where('post_number', '=', 1).executeTakeFirstOrThrow();
  const fanCsrf = csrfToken((await fan.get(`/t/${topicId}/reply`)).body);
  const kudos = await app.inject({ method: 'PUT', url: `/api/v1/posts/${post.id}/kudos`, headers: { cookie: [...fan.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': fanCsrf } });
  assert.equal(kudos.statusCode, 200, kudos.body);
  assert.equal(await visit(url), false);
  assert.equal(await visit(otherUrl), true);
});

test('errors and redirects are not cached', async () => {
  assert.equal((await app.inject({ url: '/t/whatever/999999' })).statusCode, 404);
  const again = await app.inject({ url: '/t/whatever/999999' });
  assert.equal(again.headers['x-parley-cache'], undefined);
  const wrongSlug = `/t/old-slug/${topicId}`;
  await app.inject({ url: wrongSlug });
  await app.inject({ url: wrongSlug });
  assert.equal((await app.inject({ url: wrongSlug })).statusCode, 301);
});

test('the cache keeps within its memory budget, dropping the oldest pages first', async () => {
  const bare = Fastify();
  await bare.register(anonymousCache, { ttlSeconds: 60, maxBytes: 2500, storeAfter: 1 });
  let renders = 0;
  bare.get('/p/:n', { config: { anonymousCache: true } }, async (request, reply) => {
    renders++;
    return reply.type('text/html').send(`${(request.params as { n: string }).n}:` + 'x'.repeat(998));
  });
  const visit = async (n: number) => (await bare.inject({ url: `/p/${n}` })).headers['x-parley-cache'] === 'hit';
  for (const n of [1, 2]) assert.equal(await visit(n), false);
  assert.deepEqual([await visit(1), await visit(2)], [true, true]);
  assert.equal(await visit(3), false); // 3 pages of 1,000 bytes do not fit in 2,500: page 1 goes
  assert.deepEqual([await visit(3), await visit(2), await visit(1)], [true, true, false]);
  assert.equal(renders, 4);
  assert.deepEqual(bare.pageCacheStats(), { hits: 4, misses: 4, pages: 2, bytes: 2000 });
  await bare.close();
});
