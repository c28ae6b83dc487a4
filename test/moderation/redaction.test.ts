// Issue 13, point 8: text an author edited out is not public anywhere (page, API, revisions,
// feed); older revisions are for the author and staff; a moderator's redaction removes text from
// the post, every revision and the guard's masked originals, leaving a mark, logged without the text.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { editPost } from '../../src/community/edit-post.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import type { Role } from '../../src/db/schema.ts';
import type { Actor } from '../../src/policy/policy.ts';

const PASSWORD = 'correct horse battery staple';
const SECRET = '4410-2290-77';
// The number as searched for: whole, as a phrase, its parts, a prefix; on the page and the API.
const SEARCHES = ['4410-2290-77', '"4410 2290 77"', '4410', '2290', '4410*'].flatMap((q) => [`/search?q=${encodeURIComponent(q)}`, `/api/v1/search?q=${encodeURIComponent(q)}`]);
const found = (body: string) => /"total":[1-9]|class="search-result/.test(body);

for (const kind of testDatabaseKinds()) {
  describe(`revisions and redaction on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let postId: number;
    let topicId: number;
    let topicUrl: string;
    const as: Record<string, Agent> = {};
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Billing', slug: 'billing' });
      const people: [string, Role[]][] = [['cust_cleo', []], ['other_otto', []], ['emp_eli', ['employee']], ['mod_moe', ['moderator']], ['cm_cas', ['community_manager']]];
      const actors: Record<string, Actor> = {};
      for (const [name, roles] of people) {
        actors[name] = await makeUser(database.db, roles, name);
        const a = new Agent(app);
        assert.equal((await a.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
        as[name] = a;
      }
      const t = await createTopic(database.db, actors.cust_cleo!, { boardSlug: 'billing', kind: 'question', title: 'Invoice shows the wrong plan', body: `My customer number is ${SECRET} and the invoice shows the wrong plan.` });
      postId = t.postId;
      topicId = t.id;
      topicUrl = `/t/${t.slug}/${t.id}`;
      await editPost(database.db, actors.cust_cleo!, { postId, body: 'My invoice shows the wrong plan.', reason: 'removed my number' });
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    const everywhere = (a: Agent | null) => {
      const get = (url: string) => (a ? a.get(url) : app.inject({ url }));
      return Promise.all([topicUrl, `/p/${postId}/revisions`, `/api/v1/topics/${topicId}`, `/api/v1/posts/${postId}/revisions`, '/b/billing/feed.atom', '/b/billing', ...SEARCHES].map(async (url) => ({ url, res: await get(url) })));
    };

    test('a number the author edited out is readable by no visitor and no other member, employee included, anywhere', async () => {
      for (const who of [null, as.other_otto!, as.emp_eli!]) {
        for (const { url, res } of await everywhere(who)) {
          assert.equal(res.statusCode, 200, url);
          // (a search page repeats the query in its box: there, nothing may be found)
          if (url.includes('search?')) assert.ok(!found(res.body), `${url} must not find the post`);
          else assert.ok(!res.body.includes(SECRET), `${url} must not show it`);
        }
      }
      // Search works (the words still in the post are found), for everyone alike.
      assert.ok(found((await app.inject({ url: '/api/v1/search?q=wrong%20plan' })).body));
      const page = await app.inject({ url: `/p/${postId}/revisions` });
      assert.match(page.body, /Earlier versions are visible to its author and the moderators only/);
      const api = await app.inject({ url: `/api/v1/posts/${postId}/revisions` });
      assert.equal(api.json().restricted, true);
      assert.deepEqual(api.json().versions, []);
    });

    test('the author and staff still see the history', async () => {
      for (const who of [as.cust_cleo!, as.mod_moe!]) {
        const page = await who.get(`/p/${postId}/revisions`);
        assert.ok(page.body.includes(SECRET));
        assert.match(page.body, /removed my number/);
      }
    });

    test('redaction is for moderators: members get 403, visitors 401, and nothing changes', async () => {
      assert.equal((await as.other_otto!.get(`/p/${postId}/redact`)).statusCode, 403);
      assert.equal((await as.emp_eli!.post(`/p/${postId}/redact`, { text: SECRET, reason: 'x' }, topicUrl)).statusCode, 403);
      assert.equal((await app.inject({ url: `/p/${postId}/redact` })).statusCode, 401);
      const bad = await as.mod_moe!.post(`/p/${postId}/redact`, { text: SECRET, reason: '' }, `/p/${postId}/redact`);
      assert.equal(bad.statusCode, 400);
      assert.equal((await as.mod_moe!.post(`/p/${postId}/redact`, { text: 'not in this post at all', reason: 'x' }, `/p/${postId}/redact`)).statusCode, 400);
      assert.equal((await as.mod_moe!.post(`/p/${postId}/redact`, { text: 'x'.repeat(1001), reason: 'x' }, `/p/${postId}/redact`)).statusCode, 400);
      const rev = await database.db.selectFrom('post_revisions').select('body_markdown').where('post_id', '=', postId).execute();
      assert.ok(rev.some((r) => r.body_markdown.includes(SECRET)));
      assert.equal((await database.db.selectFrom('staff_actions').selectAll().execute()).length, 0);
    });

    test('a moderator redacts it from every revision and the masked originals; the mark shows; the log has the reason, not the text', async () => {
      // A masked original of the post holding the number too (as the guard keeps one for moderators).
      await database.db.insertInto('masked_originals').values({ post_id: postId, revision: 1, original_title: null, original_markdown: `Number ${SECRET}`, attachment_name: null, masked_at: new Date().toISOString(), purge_after: new Date(Date.now() + 86_400_000).toISOString() }).execute();
      const ok = await as.mod_moe!.post(`/p/${postId}/redact`, { text: SECRET, reason: 'customer number' }, `/p/${postId}/redact`);
      assert.equal(ok.statusCode, 303);
      for (const who of [as.cust_cleo!, as.mod_moe!]) {
        const page = await who.get(`/p/${postId}/revisions`);
        assert.ok(!page.body.includes(SECRET));
        assert.match(page.body, /\[removed by a moderator\]/);
      }
      const rows = [
        ...(await database.db.selectFrom('post_revisions').select('body_markdown as t').where('post_id', '=', postId).execute()),
        ...(await database.db.selectFrom('masked_originals').select('original_markdown as t').where('post_id', '=', postId).execute()),
        ...(await database.db.selectFrom('posts').select('body_markdown as t').where('id', '=', postId).execute()),
      ];
      assert.ok(rows.every((r) => !r.t.includes(SECRET)));
      const log = await database.db.selectFrom('staff_actions').selectAll().where('action', '=', 'post.redact').execute();
      assert.equal(log.length, 1);
      assert.equal(log[0]!.reason, 'customer number');
      assert.ok(!JSON.stringify(log).includes(SECRET));
    });

    test('text redacted from the current post and its title is no longer found by search, by anyone', async () => {
      const cleo = { id: (await database.db.selectFrom('users').select('id').where('username', '=', 'cust_cleo').executeTakeFirstOrThrow()).id, roles: new Set<Role>(['member']) };
      const t = await createTopic(database.db, cleo, { boardSlug: 'billing', kind: 'question', title: 'Contract KQ7731 cancelled', body: 'My contract KQ7731 was cancelled without notice; address Zilverweg 12.' });
      const queries = ['KQ7731', 'zilverweg', 'zilverw*', '"Zilverweg 12"'];
      for (const q of queries) assert.ok(found((await as.mod_moe!.get(`/api/v1/search?q=${encodeURIComponent(q)}`)).body), `${q} is found before`);
      for (const text of ['KQ7731', 'Zilverweg 12']) {
        assert.equal((await as.mod_moe!.post(`/p/${t.postId}/redact`, { text, reason: 'personal data' }, `/p/${t.postId}/redact`)).statusCode, 303);
      }
      for (const who of [null, as.other_otto!, as.cust_cleo!, as.mod_moe!]) {
        for (const q of queries) {
          for (const url of [`/search?q=${encodeURIComponent(q)}`, `/api/v1/search?q=${encodeURIComponent(q)}`]) {
            const res = who ? await who.get(url) : await app.inject({ url });
            assert.equal(res.statusCode, 200, url);
            assert.ok(!found(res.body), `${url} must find nothing after the redaction`);
          }
        }
      }
      // The rest of the post is still found, with the mark in its snippet.
      const rest = (await app.inject({ url: '/api/v1/search?q=cancelled%20without%20notice' })).json() as { results: { snippetHtml: string }[] };
      assert.equal(rest.results.length, 1);
      assert.match(rest.results[0]!.snippetHtml, /\[removed by a moderator\]/);
    });
  });
}
