// Signing in brings the person back to the page they came from (`next`, a same-site path only),
// and a suspended account's open tab is told about the suspension, not "this form has expired".
// Over HTTP, on SQLite and PostgreSQL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { restrictUser } from '../../src/moderation/restrict-user.ts';
import { startConversation } from '../../src/conversations/start-conversation.ts';
import { readSessionCookie, SESSION_COOKIE } from '../../src/accounts/sessions.ts';
import { nextFrom, safeNext, withNext } from '../../src/web/request-helpers.ts';
import { translator } from '../../src/i18n/index.ts';
import type { Actor } from '../../src/policy/policy.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent, csrfToken } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';

const PASSWORD = 'correct horse battery staple'; // makeUser's
const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

// Targets a forged link could carry: other sites, schemes, and what browsers read as either.
const REFUSED = [
  '//evil.example/',
  '///evil.example',
  '/\\evil.example',
  '/x\\..\\\\evil.example',
  'https://evil.example/',
  'HTTPS://evil.example',
  'javascript:alert(1)',
  'evil.example',
  ' /settings',
  '/settings\r\nSet-Cookie: x=1',
  '/a b',
  '/\tevil',
  '/é',
  `/${'a'.repeat(1000)}`,
  '',
];

test('safeNext: same-site paths pass; other sites, schemes, control characters and long values become /', () => {
  for (const ok of ['/', '/settings', '/messages/new?to=demo-employee', '/t/some-topic/12?page=2', '/b/x/new', '/search?q=a%20b', `/${'a'.repeat(999)}`]) assert.equal(safeNext(ok), ok, ok);
  for (const bad of REFUSED) assert.equal(safeNext(bad), '/', JSON.stringify(bad));
  for (const notText of [undefined, null, 42, ['/settings'], { toString: () => '/settings' }]) assert.equal(safeNext(notText), '/');
  assert.equal(withNext('/signin', '/messages/new?to=demo-employee'), '/signin?next=%2Fmessages%2Fnew%3Fto%3Ddemo-employee');
  assert.equal(withNext('/signin', '/'), '/signin');
  // The account pages' own links pass on the next they were given, never themselves.
  assert.equal(nextFrom('/signin?next=%2Fsettings'), '/settings');
  assert.equal(nextFrom('/signup'), '/');
  assert.equal(nextFrom('/signin?next=%2F%2Fevil.example'), '/');
  assert.equal(nextFrom('/u/demo'), '/u/demo');
});

test('the unread-messages count is a plural in en and nl (screen readers heard "1 unread messages")', () => {
  assert.equal(translator('en').t('common:layout.unreadMessages', { count: 1 }), 'unread message');
  assert.equal(translator('en').t('common:layout.unreadMessages', { count: 3 }), 'unread messages');
  assert.equal(translator('nl').t('common:layout.unreadMessages', { count: 1 }), 'ongelezen bericht');
  assert.equal(translator('nl').t('common:layout.unreadMessages', { count: 3 }), 'ongelezen berichten');
});

for (const kind of testDatabaseKinds()) {
  describe(`back where you were after signing in, on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let topicUrl: string;
    let topicId: number;
    let moderator: Actor;
    let member: Actor & { username: string };
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Help', slug: 'help' });
      moderator = await makeUser(database.db, ['moderator'], 'ret_mod');
      member = await makeUser(database.db, [], 'ret_member');
      await makeUser(database.db, ['employee'], 'ret_employee');
      const t = await createTopic(database.db, moderator, { boardSlug: 'help', kind: 'discussion', title: 'Where were we', body: 'Hello.' });
      topicId = t.id;
      topicUrl = `/t/${t.slug}/${t.id}`;
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('a visitor on a members-only page gets a 401 page with sign-in and sign-up links that carry the page', async () => {
      const res = await app.inject({ url: '/messages/new?to=ret_employee', headers: { accept: 'text/html' } });
      assert.equal(res.statusCode, 401);
      assert.match(res.body, /Please sign in first\./);
      const next = encodeURIComponent('/messages/new?to=ret_employee');
      assert.match(res.body, new RegExp(`<main[\\s\\S]*<a class="button" href="/signin\\?next=${next}">Sign in</a> or <a href="/signup\\?next=${next}">Sign up</a>`));
      assert.match(res.body, new RegExp(`<header[\\s\\S]*href="/signin\\?next=${next}"[\\s\\S]*</header>`), 'the header link too');
      for (const url of ['/notifications', '/settings']) {
        const page = await app.inject({ url });
        assert.equal(page.statusCode, 401, url);
        assert.match(page.body, new RegExp(`<a class="button" href="/signin\\?next=${encodeURIComponent(url)}">`), url);
      }
      // A form post's address is not a page to come back to.
      const post = await app.inject({ method: 'POST', url: `/t/${topicId}/replies`, payload: 'body=hi', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } });
      assert.ok([401, 403].includes(post.statusCode), String(post.statusCode));
      assert.doesNotMatch(post.body, /next=%2Ft%2F/);
    });

    test('the header and the topic page link to sign-in with the current page; the home page without', async () => {
      const profile = await app.inject({ url: '/u/ret_employee' });
      assert.match(profile.body, /<a href="\/signin\?next=%2Fu%2Fret_employee">Sign in<\/a> <a class="button" href="\/signup\?next=%2Fu%2Fret_employee">/);
      const topic = await app.inject({ url: topicUrl });
      assert.match(topic.body, new RegExp(`<p class="reply-hint"><a href="/signin\\?next=${encodeURIComponent(topicUrl)}">`));
      assert.match((await app.inject({ url: '/' })).body, /<a href="\/signin">Sign in<\/a>/);
    });

    test('the sign-in form keeps next (also after a wrong password) and a successful sign-in returns there', async () => {
      const next = '/messages/new?to=ret_employee';
      const agent = new Agent(app);
      const form = await agent.get(withNext('/signin', next));
      assert.match(form.body, /<input type="hidden" name="next" value="\/messages\/new\?to=ret_employee">/);
      assert.match(form.body, /href="\/signup\?next=%2Fmessages%2Fnew%3Fto%3Dret_employee"/);
      const wrong = await agent.post('/signin', { login: 'ret_member', password: 'not the password', next, _csrf: csrfToken(form.body) });
      assert.equal(wrong.statusCode, 401);
      assert.match(wrong.body, /<input type="hidden" name="next" value="\/messages\/new\?to=ret_employee">/);
      const res = await agent.post('/signin', { login: 'ret_member', password: PASSWORD, next, _csrf: csrfToken(wrong.body) });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, next);
      const page = await agent.get(res.headers.location);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /name="to"[^>]*value="ret_employee"/, 'the recipient is still there');
    });

    test('open-redirect targets fall back to the home page', async () => {
      for (const bad of REFUSED) {
        const agent = new Agent(app);
        const withBad = await agent.get(`/signin?next=${encodeURIComponent(bad)}`); // control characters: 400 (bad-input.ts)
        if (withBad.statusCode === 200) assert.doesNotMatch(withBad.body, /name="next"/, JSON.stringify(bad));
        const form = await agent.get('/signin');
        const res = await agent.post('/signin', { login: 'ret_member', password: PASSWORD, next: bad, _csrf: csrfToken(form.body) });
        assert.equal(res.statusCode, 303, JSON.stringify(bad));
        assert.equal(res.headers.location, '/', JSON.stringify(bad));
      }
    });

    test('an employee who must first acknowledge the guidelines goes on to the page afterwards', async () => {
      await makeUser(database.db, ['employee'], 'ret_new_employee', false);
      const agent = new Agent(app);
      const res = await agent.post('/signin', { login: 'ret_new_employee', password: PASSWORD, next: '/settings' }, '/signin');
      assert.equal(res.headers.location, '/guidelines?next=%2Fsettings');
      const guidelines = await agent.get(res.headers.location);
      assert.match(guidelines.body, /<input type="hidden" name="next" value="\/settings">/);
      const version = /name="version" value="(\d+)"/.exec(guidelines.body)![1]!;
      const ack = await agent.post('/guidelines/acknowledge', { version, next: '/settings', _csrf: csrfToken(guidelines.body) });
      assert.equal(ack.statusCode, 303);
      assert.equal(ack.headers.location, '/settings');
      const evil = await agent.post('/guidelines/acknowledge', { version, next: '//evil.example' }, '/guidelines');
      assert.equal(evil.headers.location, '/');
    });

    test('the header reads "1 unread message" to screen readers; the favicon is served', async () => {
      const reader = await makeUser(database.db, [], 'ret_reader');
      await startConversation(database.db, moderator, { to: ['ret_reader'], subject: 'Hello', body: 'One message.' });
      const agent = new Agent(app);
      assert.equal((await agent.post('/signin', { login: reader.username, password: PASSWORD }, '/signin')).statusCode, 303);
      const page = (await agent.get('/')).body;
      assert.match(page, /<span class="count unread-count">1<span class="sr-only"> unread message<\/span><\/span><\/summary>/);
      assert.match(page, /<link rel="icon" href="\/assets\/favicon.svg" type="image\/svg\+xml">/);
      for (const url of ['/favicon.ico', '/assets/favicon.svg']) {
        const icon = await app.inject({ url });
        assert.equal(icon.statusCode, 200, url);
        assert.match(String(icon.headers['content-type']), /^image\/svg\+xml/, url);
        assert.match(icon.body, /^<svg /, url);
      }
    });

    test('a suspended member\'s open tab: its form post gets the suspension (until, reason), not "this form has expired", and writes nothing', async () => {
      const agent = new Agent(app);
      assert.equal((await agent.post('/signin', { login: 'ret_member', password: PASSWORD }, '/signin')).statusCode, 303);
      assert.equal(readSessionCookie(app.unsignCookie(agent.cookies.get(SESSION_COOKIE)!).value!).userId, member.id, 'the cookie names the account');
      const page = await agent.get(topicUrl); // the tab, open before the suspension
      const token = csrfToken(page.body);
      const until = future(5);
      await restrictUser(database.db, moderator, { userId: member.id, action: 'suspend', until, reason: 'Off-topic advertising' });
      const posts = async () => Number((await database.db.selectFrom('posts').select((eb) => eb.fn.countAll().as('n')).where('topic_id', '=', topicId).executeTakeFirstOrThrow()).n);
      const before = await posts();

      const res = await agent.post(`/t/${topicId}/replies`, { body: 'A reply written before the suspension.', _csrf: token });
      assert.equal(res.statusCode, 403);
      assert.match(res.body, new RegExp(`Your account is suspended until ${until} \\(UTC\\)\\. Reason: Off-topic advertising`));
      assert.doesNotMatch(res.body, /This form has expired/);
      assert.doesNotMatch(res.body, /Sign out/);
      assert.equal(await posts(), before, 'nothing written');
      // Without a token (a script), and through the API: the same message.
      const bare = await agent.post(`/t/${topicId}/replies`, { body: 'Another try.' });
      assert.equal(bare.statusCode, 403);
      assert.match(bare.body, /Your account is suspended until/);
      const api = await agent.get('/api/v1/me');
      assert.equal(api.statusCode, 403);
      assert.match((api.json() as { message: string }).message, new RegExp(`suspended until ${until} \\(UTC\\)\\. Reason: Off-topic advertising`));
      const apiPost = await app.inject({ method: 'POST', url: `/api/v1/topics/${topicId}/replies`, payload: { body: 'Via the API.' }, headers: { cookie: `${SESSION_COOKIE}=${agent.cookies.get(SESSION_COOKIE)}` } });
      assert.equal(apiPost.statusCode, 403);
      assert.match(apiPost.body, /suspended until/);
      assert.equal(await posts(), before, 'nothing written');

      // Pages read as a visitor's; the browser can still sign in (told the suspension) or to another account.
      const home = await agent.get('/');
      assert.equal(home.statusCode, 200);
      assert.doesNotMatch(home.body, /Sign out/);
      const again = await agent.post('/signin', { login: 'ret_member', password: PASSWORD }, '/signin');
      assert.equal(again.statusCode, 403);
      assert.match(again.body, /Your account is suspended until/);
      const other = await agent.post('/signin', { login: 'ret_employee', password: PASSWORD }, '/signin');
      assert.equal(other.statusCode, 303);
      assert.match((await agent.get('/')).body, /Sign out/);

    });
  });
}
