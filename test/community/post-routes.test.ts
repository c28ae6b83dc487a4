// Writing in the community through the web pages, on a real database: composer, replies with
// quotes, edits with history, deletion, kudos, accepted answers, moderation, sorting, views.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent, csrfToken } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';

const PASSWORD = 'correct horse battery staple';

for (const kind of testDatabaseKinds()) {
  describe(`writing in the community over HTTP on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    const agents: Record<string, Agent> = {};
    let topicUrl = '';
    let topicId = 0;
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Home Internet', slug: 'home-internet' });
      for (const [name, roles] of [['asker_ann', []], ['helper_hal', []], ['emp_eli', ['employee']], ['mod_mia', ['moderator']]] as const) {
        await makeUser(database.db, [...roles], name);
        const a = new Agent(app);
        assert.equal((await a.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
        agents[name] = a;
      }
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('the composer: bad input keeps what was typed; a good question lands with its tags', async () => {
      const ann = agents.asker_ann!;
      const bad = await ann.post('/b/home-internet/topics', { kind: 'question', title: 'Hi', body: 'My Wi-Fi drops', tags: 'wifi' }, '/b/home-internet/new');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Title must be at least 5 characters/);
      assert.match(bad.body, />My Wi-Fi drops<\/textarea>/);
      const ok = await ann.post('/b/home-internet/topics', { kind: 'question', title: 'Wi-Fi drops every evening', body: 'Since **Monday**, around 8pm.', tags: 'Wi-Fi, Router' }, '/b/home-internet/new');
      assert.equal(ok.statusCode, 303);
      topicUrl = ok.headers.location as string;
      topicId = Number(topicUrl.split('/').at(-1));
      const page = await ann.get(topicUrl);
      assert.match(page.body, /<strong>Monday<\/strong>/);
      assert.match(page.body, /href="\/b\/home-internet\?tag=router"/);
      assert.equal((await app.inject({ url: '/b/home-internet/new' })).statusCode, 401, 'visitors are asked to sign in');
    });

    test('replies and quotes; a visitor sees no reply form', async () => {
      const hal = agents.helper_hal!;
      const quote = await hal.get(`/t/${topicId}/reply?quote=1`);
      assert.match(quote.body, /@asker_ann wrote:\s*\n\s*\n&gt; Since \*\*Monday\*\*, around 8pm\./);
      const r = await hal.post(`/t/${topicId}/replies`, { body: 'Try 5 GHz channel 36, @asker_ann.' }, topicUrl);
      assert.equal(r.statusCode, 303);
      assert.match(r.headers.location as string, /#post-2$/);
      const page = await hal.get(topicUrl);
      assert.match(page.body, /<a href="\/u\/asker_ann" class="mention"/, '@mentions link to the profile');
      const empty = await hal.post(`/t/${topicId}/replies`, { body: '  ' }, topicUrl);
      assert.equal(empty.statusCode, 400);
      const visitor = await app.inject({ url: topicUrl });
      assert.doesNotMatch(visitor.body, /action="\/t\/\d+\/replies"/);
      assert.match(visitor.body, /Sign in<\/a> or <a href="\/signup(?:\?next=[^"]*)?">create an account<\/a> to reply/);
    });

    test('edits keep a history with who, when and what changed; only the author or staff may edit', async () => {
      const ann = agents.asker_ann!;
      const post = await database.db.selectFrom('posts').select('id').where('topic_id', '=', topicId).where('post_number', '=', 1).executeTakeFirstOrThrow();
      assert.equal((await agents.emp_eli!.get(`/p/${post.id}/edit`)).statusCode, 403, 'employees edit only their own posts');
      const edited = await ann.post(`/p/${post.id}/edit`, { title: 'Wi-Fi drops every evening at 8pm', body: 'Since **Tuesday**, around 8pm.', reason: 'wrong day' }, `/p/${post.id}/edit`);
      assert.equal(edited.statusCode, 303);
      // Earlier versions are for the author and staff (issue 13); visitors see the current text only.
      const publicHistory = await app.inject({ url: `/p/${post.id}/revisions` });
      assert.equal(publicHistory.statusCode, 200);
      assert.doesNotMatch(publicHistory.body, /Monday/);
      const history = await ann.get(`/p/${post.id}/revisions`);
      assert.equal(history.statusCode, 200);
      assert.match(history.body, /Version 2 · asker ann/);
      assert.match(history.body, /Reason: wrong day/);
      assert.match(history.body, /Since \*\*<del>Monday<\/del><ins>Tuesday<\/ins>\*\*, around 8pm\./);
      const page = await app.inject({ url: `/t/wi-fi-drops-every-evening-at-8pm/${topicId}` });
      assert.equal(page.statusCode, 200, 'the new title gives the topic a new slug');
      assert.equal((await app.inject({ url: topicUrl })).statusCode, 301, 'the old URL redirects');
      topicUrl = `/t/wi-fi-drops-every-evening-at-8pm/${topicId}`;
      const same = await ann.post(`/p/${post.id}/edit`, { title: 'Wi-Fi drops every evening at 8pm', body: 'Since **Tuesday**, around 8pm.' }, `/p/${post.id}/edit`);
      assert.equal(same.statusCode, 400);
      assert.match(same.body, /Nothing changed/);
    });

    test('kudos: one per person per post, never for one\'s own post, and can be taken back', async () => {
      const reply = await database.db.selectFrom('posts').select('id').where('topic_id', '=', topicId).where('post_number', '=', 2).executeTakeFirstOrThrow();
      const ann = agents.asker_ann!;
      const token = csrfToken((await ann.get(topicUrl)).body);
      const give = () => app.inject({ method: 'POST', url: `/p/${reply.id}/kudos`, headers: { cookie: [...ann.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': token, accept: 'application/json' } });
      assert.deepEqual((await give()).json(), { kudos: 1 });
      const twice = await give();
      assert.equal(twice.statusCode, 409);
      assert.match(twice.json().message, /already gave kudos/);
      const own = await agents.helper_hal!.post(`/p/${reply.id}/kudos`, {}, topicUrl);
      assert.equal(own.statusCode, 403);
      await agents.emp_eli!.post(`/p/${reply.id}/kudos`, {}, topicUrl);
      assert.match((await app.inject({ url: topicUrl })).body, /2 kudos/);
      await agents.emp_eli!.post(`/p/${reply.id}/kudos`, { undo: '1' }, topicUrl);
      assert.match((await app.inject({ url: topicUrl })).body, /1 kudo</);
    });

    test('accepting an answer: the asker can, others cannot; lists show it solved', async () => {
      const reply = await database.db.selectFrom('posts').select('id').where('topic_id', '=', topicId).where('post_number', '=', 2).executeTakeFirstOrThrow();
      assert.equal((await agents.emp_eli!.post(`/p/${reply.id}/accept`, {}, topicUrl)).statusCode, 403);
      assert.equal((await agents.asker_ann!.post(`/p/${reply.id}/accept`, {}, topicUrl)).statusCode, 303);
      assert.match((await app.inject({ url: topicUrl })).body, /<section class="answer-block"/);
      const solved = await app.inject({ url: '/b/home-internet?sort=solved' });
      assert.match(solved.body, /Wi-Fi drops every evening at 8pm/);
      const unanswered = await app.inject({ url: '/b/home-internet?sort=unanswered' });
      assert.doesNotMatch(unanswered.body, /Wi-Fi drops every evening at 8pm/);
      assert.equal((await app.inject({ url: '/b/home-internet?sort=loudest' })).statusCode, 400);
    });

    test('moderation: moderators lock a topic, members then cannot reply (clear message), employees cannot moderate', async () => {
      assert.equal((await agents.emp_eli!.post(`/t/${topicId}/moderate`, { action: 'lock' }, topicUrl)).statusCode, 403);
      assert.equal((await agents.mod_mia!.post(`/t/${topicId}/moderate`, { action: 'lock' }, topicUrl)).statusCode, 303);
      const refused = await agents.helper_hal!.post(`/t/${topicId}/replies`, { body: 'One more idea' }, topicUrl);
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /closed to new replies/);
      assert.match(refused.body, />One more idea<\/textarea>/, 'what was typed is kept');
      assert.equal((await agents.mod_mia!.post(`/t/${topicId}/moderate`, { action: 'explode' }, topicUrl)).statusCode, 400);
      await agents.mod_mia!.post(`/t/${topicId}/moderate`, { action: 'unlock' }, topicUrl);
    });

    test('deleting: authors delete their own reply; the thread shows it was deleted', async () => {
      const r = await agents.helper_hal!.post(`/t/${topicId}/replies`, { body: 'Oops, wrong thread' }, topicUrl);
      const id = (await database.db.selectFrom('posts').select('id').where('body_markdown', '=', 'Oops, wrong thread').executeTakeFirstOrThrow()).id;
      assert.equal(r.statusCode, 303);
      assert.equal((await agents.asker_ann!.post(`/p/${id}/delete`, {}, topicUrl)).statusCode, 403);
      assert.equal((await agents.helper_hal!.post(`/p/${id}/delete`, {}, topicUrl)).statusCode, 303);
      const page = await app.inject({ url: topicUrl });
      assert.doesNotMatch(page.body, /Oops, wrong thread/);
      assert.match(page.body, /This post was deleted/);
    });

    test('the live preview renders like publishing does; view counts are written in batches', async () => {
      const hal = agents.helper_hal!;
      const token = csrfToken((await hal.get(topicUrl)).body);
      const res = await app.inject({
        method: 'POST',
        url: '/preview',
        payload: { body: '**hi** <script>alert(1)</script>' },
        headers: { cookie: [...hal.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': token },
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().html, '<p><strong>hi</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>\n');
      assert.equal((await app.inject({ method: 'POST', url: '/preview', payload: { body: 'x' } })).statusCode, 403, 'no CSRF token, no preview');
      const before = (await database.db.selectFrom('topics').select('view_count').where('id', '=', topicId).executeTakeFirstOrThrow()).view_count;
      for (let i = 0; i < 3; i++) await app.inject({ url: topicUrl });
      await app.close(); // flushes the counter
      const afterViews = (await database.db.selectFrom('topics').select('view_count').where('id', '=', topicId).executeTakeFirstOrThrow()).view_count;
      assert.ok(afterViews >= before + 3, `${before} → ${afterViews}`);
      app = await testServer(database);
    });
  });
}
