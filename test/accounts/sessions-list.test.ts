// Where one is signed in (account settings): each browser's session with its device and last use,
// signing one out or all others, on a real database (SQLite, and PostgreSQL when configured).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { endOtherSessions, endSession } from '../../src/accounts/end-session.ts';
import { describeDevice, listSessions } from '../../src/accounts/list-sessions.ts';
import { createSession, SESSION_TOUCH_MS, touchSession } from '../../src/accounts/sessions.ts';
import type { UserError } from '../../src/shared/errors.ts';
import { hashToken } from '../../src/shared/tokens.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { serverPerSuite } from '../helpers/server.ts';
import * as m034 from '../../src/db/migrations/034_session_devices.ts';
import { Agent, csrfToken } from '../helpers/browserless-agent.ts';
import { createApiToken } from '../../src/api/tokens/create-token.ts';

const FIREFOX_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
const CHROME_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const status = (code: number) => (e: UserError) => e.status === code;

test('a User-Agent reads as browser and system (bowser), unknown ones as nothing', () => {
  assert.deepEqual(describeDevice(FIREFOX_MAC), { browser: 'Firefox 133', os: 'macOS Sonoma', mobile: false });
  assert.deepEqual(describeDevice(SAFARI_IPHONE), { browser: 'Safari 17', os: 'iOS', mobile: true });
  assert.deepEqual(describeDevice(CHROME_WINDOWS), { browser: 'Chrome 131', os: 'Windows 10', mobile: false });
  assert.deepEqual(describeDevice('curl/8.5.0'), { browser: null, os: null, mobile: false });
  assert.deepEqual(describeDevice(null), { browser: null, os: null, mobile: false });
});

for (const kind of testDatabaseKinds()) {
  describe(`where one is signed in, on ${kind.name}`, () => {
    const suite = serverPerSuite(kind);

    test('the list: own unexpired sessions, this one first, then by last use; a key, never the token', async () => {
      const db = suite.database.db;
      const [me, other] = [await makeUser(db), await makeUser(db)];
      const laptop = await createSession(db, me.id, FIREFOX_MAC);
      const phone = await createSession(db, me.id, `${SAFARI_IPHONE}\u0000\n`);
      const old = await createSession(db, me.id); // from before devices were kept
      await createSession(db, other.id, CHROME_WINDOWS);
      await db.updateTable('sessions').set({ expires_at: '2001-01-01T00:00:00.000Z' }).where('id', '=', hashToken(old.token)).execute();
      await db.updateTable('sessions').set({ last_seen_at: '2026-01-01T00:00:00.000Z' }).where('id', '=', hashToken(laptop.token)).execute();

      const list = await listSessions(db, me, phone.token);
      assert.deepEqual(list.map((s) => [s.browser, s.current]), [['Safari 17', true], ['Firefox 133', false]], 'expired and other people\'s sessions are not listed');
      assert.equal(list[1]!.lastSeenAt, '2026-01-01T00:00:00.000Z');
      assert.match(list[0]!.key, /^[0-9a-f]{16}$/);
      assert.ok(!JSON.stringify(list).includes(phone.token) && !JSON.stringify(list).includes(hashToken(phone.token)), 'neither the token nor the whole hash');
      const stored = await db.selectFrom('sessions').select('user_agent').where('id', '=', hashToken(phone.token)).executeTakeFirstOrThrow();
      assert.equal(stored.user_agent, SAFARI_IPHONE, 'control characters dropped');
      const long = await createSession(db, other.id, 'x'.repeat(5000));
      assert.equal((await db.selectFrom('sessions').select('user_agent').where('id', '=', hashToken(long.token)).executeTakeFirstOrThrow()).user_agent!.length, 300);
    });

    test('last use is written at most every ten minutes', async () => {
      const db = suite.database.db;
      const me = await makeUser(db);
      const s = await createSession(db, me.id, FIREFOX_MAC);
      const seen = async () => (await db.selectFrom('sessions').select('last_seen_at').where('id', '=', hashToken(s.token)).executeTakeFirstOrThrow()).last_seen_at!;
      const first = await seen();
      await touchSession(db, s.token, first, Date.parse(first) + SESSION_TOUCH_MS - 1000);
      assert.equal(await seen(), first, 'not yet');
      const later = Date.parse(first) + SESSION_TOUCH_MS + 1000;
      await touchSession(db, s.token, first, later);
      assert.equal(await seen(), new Date(later).toISOString());
    });

    test('signing one out: only one\'s own, not the one in use; bad keys are clear errors that change nothing', async () => {
      const db = suite.database.db;
      const [me, other] = [await makeUser(db), await makeUser(db)];
      const here = await createSession(db, me.id, FIREFOX_MAC);
      const there = await createSession(db, me.id, CHROME_WINDOWS);
      const theirs = await createSession(db, other.id, CHROME_WINDOWS);
      const count = async () => Number((await db.selectFrom('sessions').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n);
      const before = await count();
      const keyOf = (token: string) => hashToken(token).slice(0, 16);
      await assert.rejects(endSession(db, me, keyOf(theirs.token), here.token), status(404), 'another person\'s session is no such session');
      await assert.rejects(endSession(db, me, keyOf(here.token), here.token), status(400));
      await assert.rejects(endSession(db, me, 'not-a-key', here.token), status(400));
      await assert.rejects(endSession(db, me, keyOf(there.token).toUpperCase(), here.token), status(400));
      assert.equal(await count(), before);
      await endSession(db, me, keyOf(there.token), here.token);
      assert.equal(await count(), before - 1);
      await assert.rejects(endSession(db, me, keyOf(there.token), here.token), status(404), 'already ended');
      // All others: the one in use stays, other people's stay.
      await createSession(db, me.id, SAFARI_IPHONE);
      await createSession(db, me.id, CHROME_WINDOWS);
      assert.equal(await endOtherSessions(db, me, here.token), 2);
      assert.deepEqual((await listSessions(db, me, here.token)).map((s) => s.current), [true]);
      assert.equal((await listSessions(db, other, theirs.token)).length, 1);
    });

    test('migration 034 down and up: a session from before is listed as an unknown browser, used when it began', async () => {
      const db = suite.database.db as never as import('kysely').Kysely<any>;
      const me = await makeUser(suite.database.db);
      await m034.down(db, { dialect: suite.database.dialect });
      await db.insertInto('sessions').values({ id: hashToken('from-before-034'), user_id: me.id, created_at: '2026-11-01T10:00:00.000Z', expires_at: '2099-01-01T00:00:00.000Z' }).execute();
      await m034.up(db, { dialect: suite.database.dialect });
      assert.deepEqual(await listSessions(suite.database.db, me, 'from-before-034'), [
        { key: hashToken('from-before-034').slice(0, 16), browser: null, os: null, mobile: false, createdAt: '2026-11-01T10:00:00.000Z', lastSeenAt: '2026-11-01T10:00:00.000Z', current: true },
      ]);
    });

    test('over HTTP: the settings page lists the browsers; one signs another out, which is then signed out', async () => {
      const user = await makeUser(suite.database.db);
      const signIn = async (ua: string) => {
        const agent = new Agent(suite.app, undefined, ua);
        const res = await agent.post('/signin', { login: user.username, password: 'correct horse battery staple' }, '/signin');
        assert.equal(res.statusCode, 303, res.body);
        return agent;
      };
      const [laptop, phone, desktop] = [await signIn(FIREFOX_MAC), await signIn(SAFARI_IPHONE), await signIn(CHROME_WINDOWS)];
      const page = await laptop.get('/settings');
      assert.equal(page.statusCode, 200);
      const section = page.body.slice(page.body.indexOf('id="sessions-h"'), page.body.indexOf('id="tokens-h"'));
      assert.match(section, /<strong>Firefox 133 on macOS Sonoma<\/strong> · signed in [^<]+ · this browser/);
      assert.match(section, /<strong>Safari 17 on iOS<\/strong> \(phone or tablet\) · signed in [^<]+ · last used/);
      assert.match(section, /aria-label="Sign out Chrome 131 on Windows 10"/);
      assert.equal([...section.matchAll(/\/settings\/sessions\/[0-9a-f]{16}\/end"/g)].length, 2, 'a button for each other browser, none for this one');

      const phoneKey = /<strong>Safari 17 on iOS<\/strong>[\s\S]*?action="\/settings\/sessions\/([0-9a-f]{16})\/end"/.exec(section)![1]!;
      assert.equal((await laptop.post(`/settings/sessions/${phoneKey}/end`, {})).statusCode, 403, 'a form without its CSRF token is refused');
      const ended = await laptop.post(`/settings/sessions/${phoneKey}/end`, { _csrf: csrfToken(page.body) });
      assert.equal(ended.statusCode, 303);
      assert.match((await laptop.follow(ended)).body, /That browser is signed out\./);
      assert.equal((await phone.get('/settings')).statusCode, 401, 'the phone is signed out');
      assert.equal((await desktop.get('/settings')).statusCode, 200);

      const again = await laptop.post(`/settings/sessions/${phoneKey}/end`, { _csrf: csrfToken(page.body) });
      assert.equal(again.statusCode, 404);
      assert.match(again.body, /That session has already ended/);
      const junk = await laptop.post('/settings/sessions/zzzz/end', { _csrf: csrfToken(page.body) });
      assert.equal(junk.statusCode, 400);
      assert.match(junk.body, /not a session of yours/);

      const all = await laptop.post('/settings/sessions/end-others', { _csrf: csrfToken(page.body) });
      assert.equal(all.statusCode, 303);
      assert.match((await laptop.follow(all)).body, /1 other browser is signed out\./);
      assert.equal((await desktop.get('/settings')).statusCode, 401);
      assert.equal((await laptop.get('/settings')).statusCode, 200, 'this browser stays signed in');
      assert.doesNotMatch((await laptop.get('/settings')).body, /sessions\/end-others/, 'no one else to sign out');
    });

    test('over the API (a cookie session with its CSRF header; never an API token): list, sign one out, all others', async () => {
      const user = await makeUser(suite.database.db);
      const signIn = async (ua: string) => {
        const agent = new Agent(suite.app, undefined, ua);
        assert.equal((await agent.post('/signin', { login: user.username, password: 'correct horse battery staple' }, '/signin')).statusCode, 303);
        return agent;
      };
      const [laptop, phone, desktop] = [await signIn(FIREFOX_MAC), await signIn(SAFARI_IPHONE), await signIn(CHROME_WINDOWS)];
      // The CSRF token from GET /me, with the cookies that answer set.
      const csrf = JSON.parse((await laptop.get('/api/v1/me')).body).csrfToken as string;
      const cookie = [...laptop.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const call = (method: 'GET' | 'POST' | 'DELETE', url: string, headers: Record<string, string> = { cookie, 'x-csrf-token': csrf }) => suite.app.inject({ method, url, headers });

      const list = await call('GET', '/api/v1/me/sessions');
      assert.equal(list.statusCode, 200, list.body);
      assert.equal(list.headers['cache-control'], 'no-store');
      const sessions = list.json().sessions as { key: string; browser: string; current: boolean; mobile: boolean }[];
      assert.deepEqual(sessions.map((s) => s.current), [true, false, false]);
      assert.equal(sessions[0]!.browser, 'Firefox 133');
      const phoneKey = sessions.find((s) => s.mobile)!.key;
      const { token } = await createApiToken(suite.database.db, user, { name: 'script', expiresInDays: null });
      assert.equal((await call('GET', '/api/v1/me/sessions', { authorization: `Bearer ${token}` })).statusCode, 403, 'not with an API token');
      assert.equal((await call('DELETE', `/api/v1/me/sessions/${phoneKey}`, { authorization: `Bearer ${token}` })).statusCode, 403);
      assert.equal((await call('DELETE', `/api/v1/me/sessions/${phoneKey}`, { cookie })).statusCode, 403, 'no CSRF header');
      assert.equal((await call('DELETE', `/api/v1/me/sessions/${sessions[0]!.key}`)).statusCode, 400, 'not the one in use');
      assert.equal((await call('DELETE', '/api/v1/me/sessions/zzzz')).statusCode, 400);
      assert.equal((await phone.get('/settings')).statusCode, 200, 'nothing changed yet');
      const ended = await call('DELETE', `/api/v1/me/sessions/${phoneKey}`);
      assert.deepEqual(ended.json(), { key: phoneKey, ended: true });
      assert.equal((await phone.get('/settings')).statusCode, 401, 'the phone is signed out');
      assert.equal((await call('DELETE', `/api/v1/me/sessions/${phoneKey}`)).statusCode, 404, 'already ended');
      assert.deepEqual((await call('POST', '/api/v1/me/sessions/end-others')).json(), { ended: 1 });
      assert.equal((await desktop.get('/settings')).statusCode, 401);
      assert.equal((await call('GET', '/api/v1/me/sessions')).json().sessions.length, 1);
    });
  });
}
