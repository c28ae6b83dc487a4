// Scripts write knowledge-base articles through the API, and get the guard's findings (never
// the values) when it refuses a post.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { acceptAnswer } from '../../src/community/accept-answer.ts';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { makeUser } from '../helpers/fixtures.ts';

for (const kind of testDatabaseKinds()) {
  describe(`API: articles and guard refusals on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    const token: Record<string, string> = {};
    let questionId = 0;
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Help', slug: 'help' });
      const cm = await makeUser(database.db, ['community_manager'], 'api_cm');
      const emp = await makeUser(database.db, ['employee'], 'api_emp');
      const member = await makeUser(database.db, [], 'api_member');
      for (const [name, actor] of [['cm', cm], ['emp', emp], ['member', member]] as const) {
        token[name] = (await createApiToken(database.db, actor, { name: 'script' })).token;
      }
      const q = await createTopic(database.db, member, { boardSlug: 'help', kind: 'question', title: 'How do I reset the Hub?', body: 'Which button?' });
      const a = await createReply(database.db, emp, { topicId: q.id, body: 'Hold the pin-hole button for ten seconds.' });
      await acceptAnswer(database.db, member, a.id);
      questionId = q.id;
    });
    after(async () => {
      await app.close();
      await database.drop();
    });
    const call = (method: 'GET' | 'POST' | 'PUT', url: string, who: string, payload?: object) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${token[who]}`, ...(payload ? { 'content-type': 'application/json' } : {}) }, ...(payload ? { payload } : {}) });

    test('a community manager drafts from a solved question, edits, publishes; members cannot', async () => {
      assert.equal((await call('POST', `/api/v1/topics/${questionId}/article`, 'member')).statusCode, 403);
      const drafted = await call('POST', `/api/v1/topics/${questionId}/article`, 'cm');
      assert.equal(drafted.statusCode, 201);
      const { slug } = drafted.json();
      assert.equal((await call('POST', `/api/v1/topics/${questionId}/article`, 'cm')).statusCode, 409);
      const saved = await call('PUT', `/api/v1/articles/${slug}`, 'cm', { title: 'Resetting the Brightwave Hub', body: 'Hold the pin-hole button for ten seconds, then wait two minutes.', note: 'tidied' });
      assert.equal(saved.statusCode, 200);
      assert.equal(saved.json().version, 2);
      assert.equal((await app.inject({ url: `/api/v1/articles/${slug}` })).statusCode, 404, 'a draft is not public');
      assert.deepEqual((await call('POST', `/api/v1/articles/${slug}/publish`, 'cm')).json(), { slug, published: true });
      const read = await app.inject({ url: `/api/v1/articles/${slug}` });
      assert.equal(read.statusCode, 200);
      assert.equal(read.json().sourceTopic.id, questionId);
      const fresh = await call('POST', '/api/v1/articles', 'cm', { title: 'Wi-Fi channels explained', body: 'Use 5 GHz where you can.' });
      assert.equal(fresh.statusCode, 201);
      assert.equal((await call('POST', '/api/v1/articles', 'member', { title: 'Sneaky article', body: 'Hello there.' })).statusCode, 403);
      assert.equal((await call('POST', '/api/v1/articles', 'cm', { title: '', body: 'x' })).statusCode, 400);
      const openapi = (await app.inject({ url: '/api/openapi.json' })).json();
      for (const path of ['/api/v1/articles', '/api/v1/articles/{slug}', '/api/v1/articles/{slug}/publish', '/api/v1/topics/{id}/article']) assert.ok(openapi.paths[path], path);
    });

    test('the guard refuses an employee\'s customer data with a 422 that lists findings but never the value', async () => {
      const res = await call('POST', `/api/v1/topics/${questionId}/replies`, 'emp', { body: 'Refund goes to NL91ABNA0417164300.' });
      assert.equal(res.statusCode, 422);
      const json = res.json();
      assert.equal(json.guard.action, 'block');
      assert.ok(json.guard.findings.some((f: { type: string; start: number; end: number }) => f.type === 'iban' && f.end - f.start === 18));
      assert.ok(!res.body.includes('NL91ABNA0417164300'));
      const count = await database.db.selectFrom('posts').select((eb) => eb.fn.countAll().as('n')).where('topic_id', '=', questionId).executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 2, 'nothing was written');
    });
  });
}
