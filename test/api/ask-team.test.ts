// Every guard path usable from the API: a 422 from the guard is labelled as what it is, its message
// says in plain English what was found ("This reply contains a phone number"), and askTeam: true
// sends a topic or reply to the community team (202) instead of publishing it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { makeUser } from '../helpers/fixtures.ts';

for (const kind of testDatabaseKinds()) {
  describe(`API: guard refusals and askTeam on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let token = '';
    let topicId = 0;
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Help', slug: 'help' });
      const emp = await makeUser(database.db, ['employee'], 'ask_emp');
      const member = await makeUser(database.db, [], 'ask_member');
      token = (await createApiToken(database.db, emp, { name: 'script' })).token;
      topicId = (await createTopic(database.db, member, { boardSlug: 'help', kind: 'question', title: 'My invoice is wrong', body: 'Charged twice this month.' })).id;
    });
    after(async () => {
      await app.close();
      await database.drop();
    });
    const post = (url: string, payload: object) => app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload });
    const card = 'Your refund went to card 4111 1111 1111 1111 this morning.';

    test('a stopped reply: 422 labelled "Not published", a plain-English message, canAskCommunityTeam', async () => {
      const res = await post(`/api/v1/topics/${topicId}/replies`, { body: card });
      assert.equal(res.statusCode, 422);
      const j = res.json();
      assert.equal(j.error, 'Not published');
      assert.match(j.message, /^This reply contains a payment card number and cannot be published\./);
      assert.equal(j.guard.canAskCommunityTeam, true);
    });

    test('askTeam: true holds the reply and the topic for the team (202), nothing published', async () => {
      const r = await post(`/api/v1/topics/${topicId}/replies`, { body: card, askTeam: true, note: 'Can this go out?' });
      assert.equal(r.statusCode, 202, r.body);
      assert.equal(r.json().heldForReview, true);
      const t = await post('/api/v1/boards/help/topics', { kind: 'discussion', title: 'Refund explained', body: card, askTeam: true });
      assert.equal(t.statusCode, 202, t.body);
      const held = await database.db.selectFrom('held_drafts').select('id').execute();
      assert.equal(held.length, 2);
      const posts = await database.db.selectFrom('posts').select('id').where('topic_id', '=', topicId).execute();
      assert.equal(posts.length, 1, 'only the question: the reply was not published');
    });

    test('edits: a stopped edit offers askTeam, and askTeam: true saves it hidden and queues it with the findings (no values)', async () => {
      const r = await post(`/api/v1/topics/${topicId}/replies`, { body: 'We are looking into the double charge.' });
      assert.equal(r.statusCode, 201, r.body);
      const postId = (await database.db.selectFrom('posts').select('id').where('topic_id', '=', topicId).orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
      const patch = (payload: object) => app.inject({ method: 'PATCH', url: `/api/v1/posts/${postId}`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload });
      const stopped = await patch({ body: card });
      assert.equal(stopped.statusCode, 422);
      assert.match(stopped.json().message, /^This edit contains a payment card number and cannot be published\. Remove it, or ask the community team/);
      assert.equal(stopped.json().guard.canAskCommunityTeam, true);

      const asked = await patch({ body: card, askTeam: true, note: 'Is the card fine here?' });
      assert.equal(asked.statusCode, 200, asked.body);
      assert.equal(asked.json().heldForReview, true);
      const row = await database.db.selectFrom('posts').select(['hidden_at', 'body_markdown']).where('id', '=', postId).executeTakeFirstOrThrow();
      assert.ok(row.hidden_at, 'hidden from other readers until reviewed');
      const item = await database.db.selectFrom('review_items').selectAll().where('kind', '=', 'post').where('subject_id', '=', postId).executeTakeFirstOrThrow();
      assert.equal(item.reason, 'asked');
      assert.equal(item.detail, 'Is the card fine here?');
      assert.match(String(item.findings), /"type":"card"/);
      assert.doesNotMatch(String(item.findings), /4111/);
      // A member reading the topic does not see it.
      const anon = await app.inject({ method: 'GET', url: `/api/v1/topics/${topicId}` });
      assert.doesNotMatch(anon.body, /4111/);
    });
  });
}
