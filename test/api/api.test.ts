// The JSON REST API over HTTP on a real database: API tokens (settings page and /api/v1/tokens),
// a script's whole flow (topic, reply, edit, kudos, accept), the policy's refusals, bad input
// that changes nothing, CSRF for cookie sessions only, and the OpenAPI description and its page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createArticle } from '../../src/knowledge/create-article.ts';
import { publishArticle } from '../../src/knowledge/publish-article.ts';
import type { DB } from '../../src/db/schema.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';

const PASSWORD = 'correct horse battery staple';
type Json = Record<string, any>;

for (const kind of testDatabaseKinds()) {
  describe(`the JSON API on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    const tokens: Record<string, string> = {};
    let ann: Agent; // a member signed in with a browser session
    let topicId = 0;
    let openingPostId = 0;
    let replyId = 0;

    const count = async (table: keyof DB) => Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const cookieHeader = (a: Agent) => [...a.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

    /** A call as a script would make it: JSON in, JSON out, with an API token. */
    async function api(method: string, url: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<LightMyRequestResponse & { json(): Json }> {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      return app.inject({ method: method as 'GET', url, headers, ...(opts.body !== undefined ? { payload: JSON.stringify(opts.body) } : {}) }) as never;
    }
    /** A call from a signed-in browser session: the cookie, and the CSRF header unless left out. */
    async function sessionCall(agent: Agent, method: string, url: string, body?: unknown, withCsrf = true) {
      const me = await agent.get('/api/v1/me');
      assert.equal(me.statusCode, 200, me.body);
      const headers: Record<string, string> = { cookie: cookieHeader(agent) };
      if (withCsrf) headers['x-csrf-token'] = me.json().csrfToken;
      return api(method, url, { body, headers });
    }

    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Home Internet', slug: 'home-internet' });
      for (const [name, roles] of [['api_ann', []], ['api_hal', []], ['api_eli', ['employee']], ['api_mia', ['moderator']], ['api_cam', ['community_manager']]] as const) {
        await makeUser(database.db, [...roles], name);
      }
      ann = new Agent(app);
      assert.equal((await ann.post('/signin', { login: 'api_ann', password: PASSWORD }, '/signin')).statusCode, 303);
      // Tokens for the others, made with the API itself from their own sessions.
      for (const name of ['api_hal', 'api_eli', 'api_mia', 'api_cam']) {
        const agent = new Agent(app);
        assert.equal((await agent.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
        const res = await sessionCall(agent, 'POST', '/api/v1/tokens', { name: 'test script' });
        assert.equal(res.statusCode, 201, res.body);
        tokens[name] = res.json().token;
      }
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('a token created on the settings page works as Bearer, is stored hashed, and stops working once revoked', async () => {
      const page = await ann.post('/settings/tokens', { tokenName: 'nightly export', tokenDays: '' }, '/settings');
      assert.equal(page.statusCode, 200);
      const token = /<code class="api-token">([^<]+)<\/code>/.exec(page.body)?.[1];
      assert.ok(token?.startsWith('parley_'), 'the new token is shown once');
      assert.match(page.body, /nightly export/);
      assert.doesNotMatch((await ann.get('/settings')).body, new RegExp(token!), 'and never again');
      const row = await database.db.selectFrom('api_tokens').selectAll().where('name', '=', 'nightly export').executeTakeFirstOrThrow();
      assert.equal(row.token_hash, createHash('sha256').update(token!).digest('hex'), 'only the SHA-256 is kept');

      const me = await api('GET', '/api/v1/me', { token });
      assert.equal(me.statusCode, 200);
      assert.equal(me.json().user.username, 'api_ann');
      assert.equal(me.json().authenticatedBy, 'token');
      assert.equal(me.json().csrfToken, null);
      tokens.api_ann = token!;

      // A second one, revoked from the settings page.
      const other = await ann.post('/settings/tokens', { tokenName: 'to revoke', tokenDays: '30' }, '/settings');
      const otherToken = /<code class="api-token">([^<]+)<\/code>/.exec(other.body)![1]!;
      assert.equal((await api('GET', '/api/v1/me', { token: otherToken })).statusCode, 200);
      const id = (await database.db.selectFrom('api_tokens').select('id').where('name', '=', 'to revoke').executeTakeFirstOrThrow()).id;
      const revoked = await ann.post(`/settings/tokens/${id}/revoke`, {}, '/settings');
      assert.equal(revoked.statusCode, 303);
      assert.match((await ann.follow(revoked)).body, /role="status">The API token is revoked/);
      const refused = await api('GET', '/api/v1/me', { token: otherToken });
      assert.equal(refused.statusCode, 401);
      assert.equal(refused.headers['www-authenticate'], 'Bearer realm="parley"');
      assert.deepEqual(refused.json(), { statusCode: 401, error: 'Please sign in', message: 'This API token has been revoked.' });
      assert.equal((await ann.post('/settings/tokens', { tokenName: '   ' }, '/settings')).statusCode, 400, 'a token needs a name');
    });

    test('tokens over /api/v1/tokens: session only, listed without secrets, revocable; bad tokens are 401, not a visitor', async () => {
      const made = await sessionCall(ann, 'POST', '/api/v1/tokens', { name: 'ci', expiresInDays: 7 });
      assert.equal(made.statusCode, 201);
      const { token, id, expiresAt } = made.json();
      assert.ok(Date.parse(expiresAt) > Date.now() + 6 * 86_400_000);
      assert.equal((await api('GET', '/api/v1/boards', { token })).statusCode, 200);

      const list = await sessionCall(ann, 'GET', '/api/v1/tokens');
      assert.equal(list.statusCode, 200);
      assert.ok(list.json().tokens.some((t: Json) => t.id === id && t.active && t.name === 'ci'));
      assert.doesNotMatch(list.body, /token_hash|parley_/, 'neither the token nor its hash is listed');

      assert.equal((await api('GET', '/api/v1/tokens', { token })).statusCode, 403, 'a token cannot manage tokens');
      assert.equal((await api('POST', '/api/v1/tokens', { token, body: { name: 'sneaky' } })).statusCode, 403);
      assert.equal((await api('DELETE', `/api/v1/tokens/${id}`, { token: tokens.api_hal })).statusCode, 403);
      assert.equal((await sessionCall(ann, 'DELETE', '/api/v1/tokens/999999')).statusCode, 404);

      assert.equal((await sessionCall(ann, 'DELETE', `/api/v1/tokens/${id}`)).statusCode, 200);
      const after = await api('GET', '/api/v1/boards', { token });
      assert.equal(after.statusCode, 401);
      assert.match(after.json().message, /revoked/);
      for (const header of ['Bearer nope', 'Bearer ', 'Basic dXNlcjpwYXNz', `Bearer ${'x'.repeat(500)}`]) {
        const r = await app.inject({ url: '/api/v1/boards', headers: { authorization: header } });
        assert.equal(r.statusCode, 401, header);
        assert.equal(r.json().statusCode, 401);
      }
      // Expired tokens too.
      await database.db.updateTable('api_tokens').set({ expires_at: '2000-01-01T00:00:00.000Z', revoked_at: null }).where('id', '=', id).execute();
      assert.match((await api('GET', '/api/v1/boards', { token })).json().message, /expired/);
    });

    test('a cookie session must send the CSRF header on writes; a Bearer call needs none', async () => {
      const topics = await count('topics');
      const body = { kind: 'discussion', title: 'Router firmware 7.2 notes', body: 'Sharing what changed.' };
      const forged = await sessionCall(ann, 'POST', '/api/v1/boards/home-internet/topics', body, false);
      assert.equal(forged.statusCode, 403);
      assert.match(forged.json().message, /x-csrf-token/);
      const wrongToken = await api('POST', '/api/v1/boards/home-internet/topics', { body, headers: { cookie: cookieHeader(ann), 'x-csrf-token': 'forged' } });
      assert.equal(wrongToken.statusCode, 403, 'a made-up CSRF token is refused too');
      assert.equal(await count('topics'), topics, 'nothing written');
      const withHeader = await sessionCall(ann, 'POST', '/api/v1/boards/home-internet/topics', body);
      assert.equal(withHeader.statusCode, 201, withHeader.body);
      const bearer = await api('POST', '/api/v1/boards/home-internet/topics', { token: tokens.api_ann, body: { ...body, title: 'Router firmware 7.3 notes' } });
      assert.equal(bearer.statusCode, 201, bearer.body);
      assert.equal(await count('topics'), topics + 2);
      // The cookie is ignored when a token is sent: a bad token is refused even with a good session.
      const mixed = await api('GET', '/api/v1/me', { token: 'wrong', headers: { cookie: cookieHeader(ann) } });
      assert.equal(mixed.statusCode, 401);
    });

    test('a script asks, gets a reply, edits, gives kudos once, and accepts the answer', async () => {
      const created = await api('POST', '/api/v1/boards/home-internet/topics', {
        token: tokens.api_ann,
        body: { kind: 'question', title: 'Wi-Fi drops every evening', body: 'Since **Monday**, around 8pm.', tags: ['Wi-Fi', 'router'] },
      });
      assert.equal(created.statusCode, 201, created.body);
      const page = created.json();
      topicId = page.topic.id;
      openingPostId = page.posts[0].id;
      assert.equal(page.topic.kind, 'question');
      assert.equal(page.topic.slug, 'wi-fi-drops-every-evening');
      assert.equal(page.topic.url, `${app.config.publicUrl}/t/wi-fi-drops-every-evening/${topicId}`);
      assert.deepEqual(page.topic.tags, ['router', 'wi-fi']);
      assert.deepEqual(page.topic.author, { username: 'api_ann', displayName: 'api ann', badges: [], url: `${app.config.publicUrl}/u/api_ann` });
      assert.match(page.posts[0].bodyHtml, /<strong>Monday<\/strong>/);
      assert.match(page.posts[0].createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(created.headers.location, `${app.config.publicUrl}/api/v1/topics/${topicId}`);

      const reply = await api('POST', `/api/v1/topics/${topicId}/replies`, { token: tokens.api_hal, body: { body: 'Try 5 GHz channel 36, @api_ann.' } });
      assert.equal(reply.statusCode, 201, reply.body);
      replyId = reply.json().post.id;
      assert.equal(reply.json().post.number, 2);
      const empReply = await api('POST', `/api/v1/topics/${topicId}/replies`, { token: tokens.api_eli, body: { body: 'We are looking into the evening drops.' } });
      assert.deepEqual(empReply.json().post.author.badges, ['Employee'], 'employees are badged');

      const edited = await api('PATCH', `/api/v1/posts/${openingPostId}`, { token: tokens.api_ann, body: { title: 'Wi-Fi drops every evening at 8pm', body: 'Since **Tuesday**, around 8pm.', reason: 'wrong day' } });
      assert.equal(edited.statusCode, 200, edited.body);
      assert.equal(edited.json().revision, 1);
      assert.equal(edited.json().post.revisionCount, 1);
      // Earlier versions are for the author and staff (issue 13): a visitor gets the current text only.
      const publicHistory = await api('GET', `/api/v1/posts/${openingPostId}/revisions`);
      assert.equal(publicHistory.json().restricted, true);
      assert.ok(!publicHistory.body.includes('Monday'));
      const history = await api('GET', `/api/v1/posts/${openingPostId}/revisions`, { token: tokens.api_ann });
      assert.equal(history.statusCode, 200);
      const v2 = history.json().versions[0];
      assert.equal(v2.version, 2);
      assert.equal(v2.reason, 'wrong day');
      assert.ok(v2.changes.some((c: Json) => c.kind === 'removed' && c.text.includes('Monday')));
      assert.equal(history.json().original.markdown, 'Since **Monday**, around 8pm.');
      assert.equal((await api('GET', `/api/v1/topics/${topicId}`)).json().topic.slug, 'wi-fi-drops-every-evening-at-8pm');

      const kudos = await api('PUT', `/api/v1/posts/${replyId}/kudos`, { token: tokens.api_ann });
      assert.equal(kudos.statusCode, 200);
      assert.deepEqual(kudos.json(), { postId: replyId, kudos: 1, gaveKudos: true });
      const twice = await api('PUT', `/api/v1/posts/${replyId}/kudos`, { token: tokens.api_ann });
      assert.equal(twice.statusCode, 409);
      assert.match(twice.json().message, /already gave kudos/);
      assert.equal(await count('kudos'), 1, 'the second kudos wrote nothing');
      assert.equal((await api('PUT', `/api/v1/posts/${openingPostId}/kudos`, { token: tokens.api_ann })).statusCode, 403, 'not to one\'s own post');
      assert.equal((await api('DELETE', `/api/v1/posts/${replyId}/kudos`, { token: tokens.api_ann })).json().kudos, 0);
      assert.equal((await api('DELETE', `/api/v1/posts/${replyId}/kudos`, { token: tokens.api_ann })).statusCode, 409);
      assert.equal((await api('PUT', `/api/v1/posts/${replyId}/kudos`, { token: tokens.api_ann })).json().kudos, 1);

      const notAsker = await api('POST', `/api/v1/posts/${replyId}/accept`, { token: tokens.api_hal });
      assert.equal(notAsker.statusCode, 403, 'only the asker (or staff) accepts');
      const accepted = await api('POST', `/api/v1/posts/${replyId}/accept`, { token: tokens.api_ann });
      assert.equal(accepted.statusCode, 200, accepted.body);
      assert.equal(accepted.json().topic.solved, true);
      assert.equal(accepted.json().topic.acceptedAnswerId, replyId);
      assert.equal(accepted.json().answer.id, replyId);
      const read = (await api('GET', `/api/v1/topics/${topicId}`, { token: tokens.api_eli })).json();
      assert.equal(read.answer.id, replyId);
      assert.equal(read.posts.find((p: Json) => p.id === replyId).you.gaveKudos, false);
      const giver = (await api('GET', `/api/v1/topics/${topicId}`, { token: tokens.api_ann })).json();
      assert.deepEqual(giver.posts.map((p: Json) => p.you.gaveKudos), giver.posts.map((p: Json) => p.id === replyId));
      const solved = (await api('GET', '/api/v1/boards/home-internet/topics?sort=solved')).json();
      assert.deepEqual(solved.topics.map((t: Json) => t.id), [topicId]);
      assert.deepEqual((await api('GET', '/api/v1/boards/home-internet/topics?tag=router')).json().topics.map((t: Json) => t.id), [topicId]);
    });

    test('the policy decides: someone else\'s post 403, employee moderation 403, locked topics, deletion', async () => {
      const before = await database.db.selectFrom('posts').select(['body_markdown', 'revision_count']).where('id', '=', openingPostId).executeTakeFirstOrThrow();
      const other = await api('PATCH', `/api/v1/posts/${openingPostId}`, { token: tokens.api_hal, body: { body: 'Hijacked.' } });
      assert.equal(other.statusCode, 403);
      assert.equal(other.json().error, 'Not allowed');
      assert.equal((await api('PATCH', `/api/v1/posts/${openingPostId}`, { token: tokens.api_eli, body: { body: 'Hijacked.' } })).statusCode, 403, 'employees edit only their own posts');
      assert.equal((await api('DELETE', `/api/v1/posts/${openingPostId}`, { token: tokens.api_hal })).statusCode, 403);
      assert.deepEqual(await database.db.selectFrom('posts').select(['body_markdown', 'revision_count']).where('id', '=', openingPostId).executeTakeFirstOrThrow(), before);

      const emp = await api('POST', `/api/v1/topics/${topicId}/moderation`, { token: tokens.api_eli, body: { action: 'lock' } });
      assert.equal(emp.statusCode, 403, 'being an Employee grants no moderation');
      assert.equal((await api('POST', `/api/v1/topics/${topicId}/moderation`, { token: tokens.api_mia, body: { action: 'explode' } })).statusCode, 400);
      const locked = await api('POST', `/api/v1/topics/${topicId}/moderation`, { token: tokens.api_mia, body: { action: 'lock' } });
      assert.equal(locked.statusCode, 200);
      assert.equal(locked.json().topic.locked, true);
      const posts = await count('posts');
      const late = await api('POST', `/api/v1/topics/${topicId}/replies`, { token: tokens.api_hal, body: { body: 'One more thing.' } });
      assert.equal(late.statusCode, 403);
      assert.match(late.json().message, /closed to new replies/);
      assert.equal(await count('posts'), posts);
      await api('POST', `/api/v1/topics/${topicId}/moderation`, { token: tokens.api_mia, body: { action: 'unlock' } });

      const extra = await api('POST', `/api/v1/topics/${topicId}/replies`, { token: tokens.api_hal, body: { body: 'Posted twice by mistake.' } });
      const gone = await api('DELETE', `/api/v1/posts/${extra.json().post.id}`, { token: tokens.api_hal });
      assert.deepEqual(gone.json(), { id: extra.json().post.id, deleted: true, topicDeleted: false });
      const shown = (await api('GET', `/api/v1/topics/${topicId}`)).json().posts.find((p: Json) => p.id === extra.json().post.id);
      assert.equal(shown.deleted, true);
      assert.equal(shown.bodyHtml, null);

      const boards = await count('boards');
      assert.equal((await api('POST', '/api/v1/boards', { body: { name: 'Visitors board' } })).statusCode, 401);
      assert.equal((await api('POST', '/api/v1/boards', { token: tokens.api_eli, body: { name: 'Employees board' } })).statusCode, 403);
      assert.equal(await count('boards'), boards);
      const made = await api('POST', '/api/v1/boards', { token: tokens.api_cam, body: { name: 'Staff room', visibility: 'staff', description: 'For the team' } });
      assert.equal(made.statusCode, 201, made.body);
      assert.equal(made.json().board.slug, 'staff-room');
      assert.equal((await api('POST', '/api/v1/boards', { token: tokens.api_cam, body: { name: 'Staff room' } })).statusCode, 409);
      assert.ok(!(await api('GET', '/api/v1/boards', { token: tokens.api_hal })).json().boards.some((b: Json) => b.slug === 'staff-room'), 'members do not see staff boards');
      assert.ok((await api('GET', '/api/v1/boards', { token: tokens.api_mia })).json().boards.some((b: Json) => b.slug === 'staff-room'));
      assert.equal((await api('GET', '/api/v1/boards/staff-room/topics', { token: tokens.api_hal })).statusCode, 404);
    });

    test('bad input: a clear 4xx JSON error, and nothing is written', async () => {
      const [topics, posts, revisions] = [await count('topics'), await count('posts'), await count('post_revisions')];
      const cases: [string, string, unknown, number, RegExp][] = [
        ['POST', '/api/v1/boards/home-internet/topics', { kind: 'question', title: '', body: 'Body text here' }, 400, /title/],
        ['POST', '/api/v1/boards/home-internet/topics', { kind: 'question', title: '     ', body: 'Body text here' }, 400, /Title must be at least 5 characters/],
        ['POST', '/api/v1/boards/home-internet/topics', { kind: 'question', title: 'x'.repeat(151), body: 'Body text here' }, 400, /title/],
        ['POST', '/api/v1/boards/home-internet/topics', { kind: 'question', title: 'A fine title', body: 'x'.repeat(50_001) }, 413, /at most 50000 characters/],
        ['POST', '/api/v1/boards/home-internet/topics', { kind: 'poll', title: 'A fine title', body: 'Body text here' }, 400, /kind/],
        ['POST', '/api/v1/boards/home-internet/topics', { title: 'A fine title', body: 'Body text here' }, 400, /kind/],
        ['POST', '/api/v1/boards/no-such-board/topics', { kind: 'question', title: 'A fine title', body: 'Body text here' }, 404, /No such board/],
        ['POST', '/api/v1/boards/home-internet/topics', { kind: 'question', title: 'A fine title', body: 'Body', tags: ['a', 'b', 'c', 'd', 'e', 'f'] }, 400, /tags/],
        ['POST', `/api/v1/topics/${topicId}/replies`, { body: '   ' }, 400, /empty/],
        ['POST', `/api/v1/topics/${topicId}/replies`, { body: 'y'.repeat(50_001) }, 413, /at most 50000/],
        ['POST', '/api/v1/topics/999999/replies', { body: 'Hello there' }, 404, /No such topic/],
        ['POST', '/api/v1/topics/abc/replies', { body: 'Hello there' }, 400, /id/],
        ['PATCH', `/api/v1/posts/${openingPostId}`, { body: '' }, 400, /body/],
        ['PATCH', `/api/v1/posts/${openingPostId}`, {}, 400, /body/],
        ['PATCH', '/api/v1/posts/999999', { body: 'Some text' }, 404, /No such post/],
        ['POST', `/api/v1/posts/${openingPostId}/accept`, undefined, 400, /cannot be its answer/],
      ];
      for (const [method, url, body, status, message] of cases) {
        const res = await api(method, url, { token: tokens.api_ann, body });
        assert.equal(res.statusCode, status, `${method} ${url} ${JSON.stringify(body)?.slice(0, 80)}: ${res.body.slice(0, 200)}`);
        const json = res.json();
        assert.equal(json.statusCode, status);
        assert.equal(typeof json.error, 'string');
        assert.match(json.message, message);
      }
      const badSort = await api('GET', '/api/v1/boards/home-internet/topics?sort=popular');
      assert.equal(badSort.statusCode, 400);
      assert.match(badSort.json().message, /sort/);
      assert.equal((await api('GET', '/api/v1/boards/nope/topics')).statusCode, 404);
      assert.equal((await api('GET', '/api/v1/topics/1?page=0')).statusCode, 400);
      const broken = await app.inject({ method: 'POST', url: `/api/v1/topics/${topicId}/replies`, headers: { authorization: `Bearer ${tokens.api_ann}`, 'content-type': 'application/json' }, payload: '{"body": ' });
      assert.equal(broken.statusCode, 400);
      assert.equal(broken.json().statusCode, 400);
      const huge = await api('POST', `/api/v1/topics/${topicId}/replies`, { token: tokens.api_ann, body: { body: 'z'.repeat(2 * 1024 * 1024) } });
      assert.equal(huge.statusCode, 413);
      assert.equal((await api('POST', `/api/v1/topics/${topicId}/replies`, { body: { body: 'No token at all' } })).statusCode, 401);
      assert.equal((await api('GET', '/api/v1/nothing-here')).json().statusCode, 404);
      assert.deepEqual([await count('topics'), await count('posts'), await count('post_revisions')], [topics, posts, revisions]);
    });

    test('public profiles and every other answer carry no e-mail or private field', async () => {
      await database.db.updateTable('users').set({ real_name: 'Ann Secret', phone: '+31612345678', customer_number: 'C-99887' }).where('username', '=', 'api_ann').execute();
      const res = await api('GET', '/api/v1/users/api_ann');
      assert.equal(res.statusCode, 200);
      const { user } = res.json();
      assert.equal(user.username, 'api_ann');
      assert.equal(user.url, `${app.config.publicUrl}/u/api_ann`);
      assert.ok(user.postCount >= 1);
      for (const body of [res.body, (await api('GET', `/api/v1/topics/${topicId}`, { token: tokens.api_mia })).body, (await api('GET', '/api/v1/me', { token: tokens.api_ann })).body]) {
        assert.doesNotMatch(body, /@example\.com|email|e-mail|password|Ann Secret|31612345678|C-99887|real_?name|phone/i);
      }
      assert.deepEqual((await api('GET', '/api/v1/users/api_eli')).json().user.badges, ['Employee']);
      assert.equal((await api('GET', '/api/v1/users/nobody_here')).statusCode, 404);
    });

    test('knowledge-base articles: published for everyone, drafts only for those who may see them', async () => {
      const cam = { id: (await database.db.selectFrom('users').select('id').where('username', '=', 'api_cam').executeTakeFirstOrThrow()).id, roles: new Set(['member', 'community_manager'] as const) };
      const published = await createArticle(database.db, cam, { title: 'Fixing evening Wi-Fi drops', body: 'Use **channel 36**.' });
      await publishArticle(database.db, cam, published.slug);
      const draft = await createArticle(database.db, cam, { title: 'Unreleased router guide', body: 'Coming soon.' });
      const list = (await api('GET', '/api/v1/articles')).json();
      assert.deepEqual(list.articles.map((a: Json) => a.slug), [published.slug]);
      assert.equal((await api('GET', '/api/v1/articles', { token: tokens.api_cam })).json().total, 2);
      const article = await api('GET', `/api/v1/articles/${published.slug}`);
      assert.equal(article.statusCode, 200);
      assert.match(article.json().bodyHtml, /<strong>channel 36<\/strong>/);
      assert.equal(article.json().article.url, `${app.config.publicUrl}/kb/${published.slug}`);
      assert.deepEqual(article.json().author.badges, ['Community Manager']);
      assert.equal((await api('GET', `/api/v1/articles/${draft.slug}`, { token: tokens.api_hal })).statusCode, 404);

      // Taken down by the team (an optional reason for the staff log): a draft again, gone for readers.
      const down = (token: string, body?: unknown) => api('POST', `/api/v1/articles/${published.slug}/unpublish`, { token, ...(body !== undefined ? { body } : {}) });
      assert.equal((await down(tokens.api_hal!, {})).statusCode, 403);
      const long = await down(tokens.api_cam!, { reason: 'r'.repeat(1001) });
      assert.equal(long.statusCode, 400);
      assert.match(long.json().message, /reason/);
      assert.equal((await api('GET', `/api/v1/articles/${published.slug}`)).statusCode, 200, 'refusals change nothing');
      const taken = await down(tokens.api_cam!, { reason: 'Outdated channel advice' });
      assert.equal(taken.statusCode, 200, taken.body);
      assert.deepEqual(taken.json(), { slug: published.slug, unpublished: true });
      assert.equal((await api('GET', `/api/v1/articles/${published.slug}`)).statusCode, 404);
      assert.deepEqual((await api('GET', '/api/v1/articles')).json().articles, []);
      assert.deepEqual((await down(tokens.api_cam!)).json(), { slug: published.slug, unpublished: false }, 'no body is fine; a draft stays a draft');
      assert.equal((await down(tokens.api_cam!, {})).statusCode, 200);
      assert.equal((await database.db.selectFrom('staff_actions').select('reason').where('action', '=', 'article.unpublish').execute()).map((r) => r.reason).join('|'), 'Outdated channel advice');
    });

    test('the OpenAPI description lists every route with its answers; the docs page and its assets load', async () => {
      const res = await app.inject({ url: '/api/openapi.json' });
      assert.equal(res.statusCode, 200);
      const doc = res.json();
      assert.match(doc.openapi, /^3\.\d+\.\d+$/);
      assert.ok(doc.info.title && doc.info.version);
      const expected: [string, string][] = [
        ['get', '/api/v1/boards'], ['post', '/api/v1/boards'], ['get', '/api/v1/boards/{slug}/topics'], ['post', '/api/v1/boards/{slug}/topics'],
        ['get', '/api/v1/topics/{id}'], ['post', '/api/v1/topics/{id}/replies'], ['post', '/api/v1/topics/{id}/moderation'],
        ['get', '/api/v1/posts/{id}/revisions'], ['patch', '/api/v1/posts/{id}'], ['delete', '/api/v1/posts/{id}'],
        ['put', '/api/v1/posts/{id}/kudos'], ['delete', '/api/v1/posts/{id}/kudos'], ['post', '/api/v1/posts/{id}/accept'], ['post', '/api/v1/posts/{id}/reports'],
        ['get', '/api/v1/articles'], ['get', '/api/v1/articles/{slug}'], ['get', '/api/v1/users/{username}'],
        ['post', '/api/v1/articles'], ['put', '/api/v1/articles/{slug}'], ['post', '/api/v1/articles/{slug}/publish'], ['post', '/api/v1/articles/{slug}/unpublish'], ['post', '/api/v1/topics/{id}/article'],
        ['get', '/api/v1/tokens'], ['post', '/api/v1/tokens'], ['delete', '/api/v1/tokens/{id}'], ['get', '/api/v1/me'],
        // Private conversations (issue 20)
        ['get', '/api/v1/conversations'], ['post', '/api/v1/conversations'], ['get', '/api/v1/conversations/{id}'], ['post', '/api/v1/conversations/{id}/messages'],
        ['post', '/api/v1/conversations/{id}/mute'], ['post', '/api/v1/conversations/{id}/leave'], ['post', '/api/v1/conversations/{id}/report'],
        ['post', '/api/v1/conversations/{id}/participants'],
        ['get', '/api/v1/search'],
        // A returned draft, edited and posted or sent to the team again (issue 18)
        ['get', '/api/v1/me/drafts'], ['post', '/api/v1/drafts/{id}/publish'], ['post', '/api/v1/drafts/{id}/resubmit'],
        // Saved posts
        ['get', '/api/v1/me/bookmarks'], ['put', '/api/v1/me/bookmarks/{id}'], ['delete', '/api/v1/me/bookmarks/{id}'],
        // Where one is signed in
        ['get', '/api/v1/me/sessions'], ['delete', '/api/v1/me/sessions/{key}'], ['post', '/api/v1/me/sessions/end-others'],
        // People one ignores
        ['get', '/api/v1/me/ignored'], ['put', '/api/v1/me/ignored/{username}'], ['delete', '/api/v1/me/ignored/{username}'],
      ];
      for (const [method, path] of expected) {
        const op = doc.paths[path]?.[method];
        assert.ok(op, `${method.toUpperCase()} ${path} is documented`);
        assert.ok(Object.keys(op.responses).some((c) => /^2\d\d$/.test(c)), `${method} ${path} has a success response`);
        assert.ok(op.summary, `${method} ${path} has a summary`);
      }
      const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops as object).map((m) => `${m} ${p}`));
      assert.ok(documented.every((d) => d.includes(' /api/v1/')), `only API routes are described: ${documented.filter((d) => !d.includes('/api/v1/'))}`);
      assert.equal(documented.length, expected.length);
      assert.ok(doc.components.schemas.Post && doc.components.schemas.Author && doc.components.schemas.Error);
      assert.equal(doc.components.securitySchemes.bearerAuth.scheme, 'bearer');
      assert.ok(doc.paths['/api/v1/boards/{slug}/topics'].get.parameters.some((p: Json) => p.name === 'sort' && p.in === 'query' && p.schema.enum.includes('solved')));
      assert.ok(doc.paths['/api/v1/posts/{id}/kudos'].put.responses['409'], 'error answers are documented');
      assert.doesNotMatch(res.body, /email/i);

      const docs = await app.inject({ url: '/api/docs' });
      assert.equal(docs.statusCode, 200);
      assert.match(docs.headers['content-type'] as string, /text\/html/);
      const csp = String(docs.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'(;|$)/, 'no inline or remote scripts, even here');
      assert.match(csp, /style-src 'self' 'unsafe-inline'/);
      assert.doesNotMatch(String((await app.inject({ url: '/' })).headers['content-security-policy']), /unsafe-inline/, 'the allowance is for the docs page only');
      const assets = [...docs.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      assert.ok(assets.some((a) => a.endsWith('swagger-ui-bundle.js')));
      for (const asset of assets) assert.equal((await app.inject({ url: asset })).statusCode, 200, asset);
      assert.equal((await app.inject({ url: '/api/docs/json' })).json().openapi, doc.openapi);
    });
  });
}
