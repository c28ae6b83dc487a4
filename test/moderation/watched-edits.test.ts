// Watched words on edits (issue 13 follow-up): a "hold" word in an edit saves the edit but hides
// the post from other readers until a moderator reviews it (a 'post' item in the queue); a hold
// word in a new title is refused (titles show in lists even while the post is hidden); a "flag"
// word queues the edited post, which stays public; a moderator's own edit from the queue is the
// review and queues nothing again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import type { Actor } from '../../src/policy/policy.ts';

const PASSWORD = 'correct horse battery staple';

for (const kind of testDatabaseKinds()) {
  describe(`watched words on edits on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let olga: Agent;
    let mod: Agent;
    let member: Actor;
    let topicUrl: string;
    let topicId: number;
    let firstPostId: number;
    let boardId: number;
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      boardId = (await createBoard(database.db, null, { name: 'Help', slug: 'help' })).id;
      member = await makeUser(database.db, [], 'olga');
      await makeUser(database.db, ['community_manager'], 'carl');
      await makeUser(database.db, ['moderator'], 'mark');
      olga = new Agent(app);
      mod = new Agent(app);
      const carl = new Agent(app);
      for (const [a, name] of [[olga, 'olga'], [mod, 'mark'], [carl, 'carl']] as const) assert.equal((await a.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
      for (const [pattern, action] of [['lawsuit', 'hold'], ['refund now', 'flag'], ['buy followers', 'block'], ['darn', 'censor']] as const) {
        assert.equal((await carl.post('/moderation/watched-words', { pattern, action }, '/moderation/settings')).statusCode, 303);
      }
      const t = await createTopic(database.db, member, { boardSlug: 'help', kind: 'discussion', title: 'Router reboots at night', body: 'It reboots every night.' });
      topicId = t.id;
      firstPostId = t.postId;
      topicUrl = `/t/${t.slug}/${t.id}`;
    });
    after(async () => {
      await app.close();
      await database.drop();
    });
    const items = (postId: number) => database.db.selectFrom('review_items').select(['id', 'kind', 'reason', 'status', 'board_id']).where('subject_id', '=', postId).where('kind', '=', 'post').orderBy('id').execute();

    test('the composer\'s live check reports block and hold words with where they are (not censor or flag)', async () => {
      const page = await olga.get(topicUrl);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const check = (payload: object) => app.inject({ method: 'POST', url: '/check', payload, headers: { cookie: [...olga.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': token } });
      const body = 'Darn, a lawsuit? Buy  followers or a refund now.';
      const res = await check({ body, where: 'topic', title: 'About the lawsuit' });
      assert.equal(res.statusCode, 200, res.body);
      const watched = res.json().watched as { field: string; start: number; end: number; action: string; message: string }[];
      assert.deepEqual(watched.map((w) => [w.field, w.action, w.field === 'title' ? 'About the lawsuit'.slice(w.start, w.end) : body.slice(w.start, w.end)]), [
        ['title', 'hold', 'lawsuit'],
        ['body', 'hold', 'lawsuit'],
        ['body', 'block', 'Buy  followers'],
      ]);
      assert.match(watched[2]!.message, /not allowed in this community/);
      assert.equal((await check({ body: 'All good, thanks.', where: 'reply' })).json().watched, undefined);
      // Nothing is saved by checking.
      assert.equal((await database.db.selectFrom('review_items').selectAll().execute()).length, 0);
    });

    test('a hold word in an edit saves it hidden until reviewed; readers do not see it; keeping it shows it again', async () => {
      const { id } = await createReply(database.db, member, { topicId, body: 'All fine here.' });
      const res = await olga.post(`/p/${id}/edit`, { body: 'I will start a lawsuit about this.', reason: '' }, `/p/${id}/edit`);
      assert.equal(res.statusCode, 303);
      const post = await database.db.selectFrom('posts').select(['body_markdown', 'hidden_at']).where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(post.body_markdown, 'I will start a lawsuit about this.');
      assert.ok(post.hidden_at, 'hidden until reviewed');
      const visitor = (await app.inject({ url: topicUrl })).body;
      assert.doesNotMatch(visitor, /lawsuit/);
      assert.doesNotMatch(visitor, /All fine here/);
      assert.match(visitor, /hidden while the moderators review it/);
      const own = (await olga.get(topicUrl)).body;
      assert.match(own, /I will start a lawsuit about this\./);
      assert.match(own, /Hidden from other readers until a moderator has reviewed it/);
      const [item] = await items(id);
      assert.ok(item);
      assert.equal(item.reason, 'watched_word');
      assert.equal(item.board_id, boardId);
      assert.match((await mod.get('/moderation/queue')).body, new RegExp(`/moderation/items/${item.id}`));
      assert.equal((await mod.post(`/moderation/items/${item.id}`, { decision: 'keep', reason: '' }, `/moderation/items/${item.id}`)).statusCode, 303);
      assert.match((await app.inject({ url: topicUrl })).body, /I will start a lawsuit about this\./);
    });

    test('the API edit behaves the same: 200 with the post marked hidden', async () => {
      const { id } = await createReply(database.db, member, { topicId, body: 'Another quiet reply.' });
      const { token } = await createApiToken(database.db, member, { name: 'script' });
      const res = await app.inject({ method: 'PATCH', url: `/api/v1/posts/${id}`, headers: { authorization: `Bearer ${token}` }, payload: { body: 'A lawsuit is coming.' } });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().post.hidden, true);
      assert.equal((await items(id)).length, 1);
    });

    test('a hold word in a new title is refused (422) and nothing changes', async () => {
      const res = await olga.post(`/p/${firstPostId}/edit`, { title: 'Router lawsuit incoming', body: 'It reboots every night.', reason: '' }, `/p/${firstPostId}/edit`);
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /title contains a word or phrase the moderators review first/);
      const t = await database.db.selectFrom('topics').select('title').where('id', '=', topicId).executeTakeFirstOrThrow();
      assert.equal(t.title, 'Router reboots at night');
      const p = await database.db.selectFrom('posts').select(['revision_count', 'hidden_at']).where('id', '=', firstPostId).executeTakeFirstOrThrow();
      assert.equal(p.revision_count, 0);
      assert.equal(p.hidden_at, null);
    });

    test('a flag word in an edit publishes it and queues the post; a moderator editing from the queue queues nothing again', async () => {
      const { id } = await createReply(database.db, member, { topicId, body: 'Thanks for the help.' });
      assert.equal((await items(id)).length, 0);
      assert.equal((await olga.post(`/p/${id}/edit`, { body: 'I want a refund now please.', reason: '' }, `/p/${id}/edit`)).statusCode, 303);
      assert.match((await app.inject({ url: topicUrl })).body, /I want a refund now please\./, 'flagged edits stay public');
      const [item, ...rest] = await items(id);
      assert.ok(item);
      assert.equal(rest.length, 0);
      assert.equal(item.reason, 'watched_word');
      assert.equal(item.board_id, boardId);
      const decided = await mod.post(`/moderation/items/${item.id}`, { decision: 'approve-edited', reason: 'tone', body: 'I would like a refund now, please.' }, `/moderation/items/${item.id}`);
      assert.equal(decided.statusCode, 303);
      const after = await items(id);
      assert.equal(after.length, 1, 'the moderator\'s edit is the review');
      assert.equal(after[0]!.status, 'done');
    });
  });
}
