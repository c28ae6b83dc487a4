// Issue 17: client addresses only from configured proxies, sign-in throttling that strangers
// cannot turn into a lockout, sessions and API tokens ended by a credential change, current-password
// checks counted with sign-in failures, session-bound CSRF tokens, and a sign-up form that does
// not tell who has an account. Over HTTP, on SQLite and PostgreSQL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { ConfigError, loadConfig, parseTrustProxy } from '../../src/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { THROTTLE, delayAfter } from '../../src/accounts/sign-in-throttle.ts';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { issueEmailToken } from '../../src/accounts/email-tokens.ts';
import { findUserByLogin } from '../../src/accounts/find-user.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { Agent, csrfToken } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PASSWORD = 'correct horse battery staple'; // makeUser's
const ATTACKER = '203.0.113.66';
const OWNER_HOME = '198.51.100.7';

const cookieHeader = (a: Agent) => [...a.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

async function signedIn(app: FastifyInstance, login: string, from?: string, password = PASSWORD): Promise<Agent> {
  const agent = new Agent(app, from);
  const res = await agent.post('/signin', { login, password }, '/signin');
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  return agent;
}

/** Moves this account's recorded failures back in time, as if the client had waited that long. */
async function letTimePass(database: TestDatabase, userId: number, seconds: number): Promise<void> {
  const rows = await database.db.selectFrom('sign_in_failures').select(['id', 'at']).where('user_id', '=', userId).execute();
  for (const r of rows) {
    await database.db.updateTable('sign_in_failures').set({ at: new Date(Date.parse(r.at) - seconds * 1000).toISOString() }).where('id', '=', r.id).execute();
  }
}

describe('settings: TRUST_PROXY and SQLITE_SYNCHRONOUS', () => {
  test('TRUST_PROXY is off by default, takes addresses/CIDRs or a hop count, and refuses "trust everyone" and bad addresses', () => {
    const base = { DATABASE_URL: 'file:./x.db' };
    assert.equal(loadConfig(base).TRUST_PROXY, false);
    assert.deepEqual(loadConfig({ ...base, TRUST_PROXY: '10.0.0.1, 172.16.0.0/12,::1,loopback' }).TRUST_PROXY, ['10.0.0.1', '172.16.0.0/12', '::1', 'loopback']);
    assert.equal(loadConfig({ ...base, TRUST_PROXY: '2' }).TRUST_PROXY, 2);
    assert.equal(parseTrustProxy('off'), false);
    for (const bad of ['true', '*', '10.0.0.300', '10.0.0.0/33', 'proxy.example.com', '99']) {
      assert.throws(() => loadConfig({ ...base, TRUST_PROXY: bad }), (e: Error) => e instanceof ConfigError && /TRUST_PROXY/.test(e.message), bad);
    }
  });

  test('SQLITE_SYNCHRONOUS: normal by default, full on request (the pragma SQLite reports)', async () => {
    assert.equal(loadConfig({}).SQLITE_SYNCHRONOUS, 'normal');
    assert.throws(() => loadConfig({ SQLITE_SYNCHRONOUS: 'off' }), /SQLITE_SYNCHRONOUS/);
    const dir = mkdtempSync(join(tmpdir(), 'parley-sync-'));
    for (const [setting, level] of [['normal', 1], ['full', 2]] as const) {
      const database = await openDatabase(`file:${join(dir, `${setting}.db`)}`, { synchronous: setting });
      const { rows } = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(database.db);
      assert.equal(rows[0]!.synchronous, level, setting);
      await database.close();
    }
  });
});

for (const kind of testDatabaseKinds()) {
  describe(`client addresses and TRUST_PROXY over real TCP on ${kind.name}`, () => {
    // A real socket from 127.0.0.1, so that the peer address is not something the test makes up.
    let database: TestDatabase;
    before(async () => {
      database = await kind.open();
    });
    after(async () => database.drop());

    /** Three sign-in attempts per address are allowed; returns the statuses of `n` attempts with these X-Forwarded-For values. */
    async function attempts(trustProxy: string | undefined, forwardedFor: (i: number) => string, n: number): Promise<number[]> {
      const app = await testServer(database, { SIGNIN_RATE_LIMIT: '3', ...(trustProxy ? { TRUST_PROXY: trustProxy } : {}) });
      app.get('/whoami', async (request) => ({ ip: request.ip }));
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < n; i++) {
          const res = await fetch(`${base}/signin`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor(i) },
            body: 'login=nobody&password=whatever',
            redirect: 'manual',
          });
          await res.arrayBuffer();
          statuses.push(res.status);
        }
        const who = await (await fetch(`${base}/whoami`, { headers: { 'x-forwarded-for': '192.0.2.99' } })).json();
        statuses.push(who.ip === '192.0.2.99' ? 1 : 0); // last element: was the header believed?
        return statuses;
      } finally {
        await app.close();
      }
    }

    test('by default, a spoofed X-Forwarded-For changes nothing: the per-address sign-in limit still trips', async () => {
      const s = await attempts(undefined, (i) => `192.0.2.${i + 1}`, 5);
      assert.deepEqual(s.slice(0, 3).map((x) => x !== 429), [true, true, true]);
      assert.deepEqual(s.slice(3, 5), [429, 429], 'rotating the header does not escape the limit');
      assert.equal(s[5], 0, 'request.ip is the TCP peer');
    });

    test('a proxy list that does not include the peer: the header is still ignored', async () => {
      const s = await attempts('10.0.0.0/8', (i) => `192.0.2.${i + 1}`, 5);
      assert.deepEqual(s.slice(3, 5), [429, 429]);
      assert.equal(s[5], 0);
    });

    test('a configured proxy (the peer) is believed: each forwarded client has its own limit', async () => {
      const rotating = await attempts('127.0.0.1', (i) => `192.0.2.${i + 1}`, 5);
      assert.ok(rotating.slice(0, 5).every((x) => x !== 429), `different clients behind the proxy: ${rotating}`);
      assert.equal(rotating[5], 1, 'request.ip is the forwarded client');
      const same = await attempts('127.0.0.1', () => '192.0.2.50', 5);
      assert.deepEqual(same.slice(3, 5), [429, 429], 'one client behind the proxy is limited by its own address');
      // A client cannot slip an address in front of the one the proxy appended.
      const prepended = await attempts('127.0.0.1', (i) => `192.0.2.${i + 1}, 192.0.2.60`, 5);
      assert.deepEqual(prepended.slice(3, 5), [429, 429]);
    });

    test('a hop count trusts that many proxies in front of Parley', async () => {
      const s = await attempts('1', (i) => `192.0.2.${i + 1}`, 5);
      assert.ok(s.slice(0, 5).every((x) => x !== 429), String(s));
      assert.equal(s[5], 1);
    });
  });

  describe(`account security over HTTP on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let smtp: TestSmtp;
    before(async () => {
      database = await kind.open();
      smtp = await startSmtp();
      app = await testServer(database, { SMTP_URL: smtp.url, PUBLIC_URL: 'http://community.test' });
    });
    after(async () => {
      await app.close();
      await smtp.close();
      await database.drop();
    });

    test('the waits grow: 30 s after the free failures, doubling per failure, capped at 15 minutes', () => {
      assert.deepEqual([0, 4, 5, 6, 7, 8, 9, 10, 20].map(delayAfter), [0, 0, 30, 60, 120, 240, 480, 900, 900]);
    });

    test('an attacker failing 50 times from another address does not stop the owner (no device cookie yet, nor with one at the same address)', async () => {
      const victim = await makeUser(database.db, ['community_manager'], 'boss_ada');
      const attacker = new Agent(app, ATTACKER);
      const statuses: number[] = [];
      for (let i = 0; i < 50; i++) statuses.push((await attacker.post('/signin', { login: 'boss_ada', password: `guess number ${i}` }, '/signin')).statusCode);
      assert.deepEqual(statuses.slice(0, THROTTLE.freeFailures), Array(THROTTLE.freeFailures).fill(401));
      assert.ok(statuses.slice(THROTTLE.freeFailures).every((s) => s === 429), 'the attacker is slowed down');
      // The owner, from home, a browser that never signed in before: signs in at once.
      const owner = await signedIn(app, 'boss_ada', OWNER_HOME);
      assert.ok(owner.cookies.has('parley_device'), 'the browser is now known to the account');
      // The owner's known browser behind the attacker's own address (a shared NAT) also signs in.
      const phone = new Agent(app, ATTACKER);
      phone.cookies.set('parley_device', owner.cookies.get('parley_device')!);
      const res = await phone.post('/signin', { login: 'boss_ada', password: PASSWORD }, '/signin');
      assert.equal(res.statusCode, 303, 'a device cookie of this account is counted apart from the address');
      // ...but a device cookie does not buy the attacker free guesses on another account.
      const other = await makeUser(database.db, [], 'other_olga');
      const stolen = new Agent(app, ATTACKER);
      stolen.cookies.set('parley_device', owner.cookies.get('parley_device')!);
      for (let i = 0; i < THROTTLE.freeFailures; i++) await stolen.post('/signin', { login: 'other_olga', password: `guess ${i}` }, '/signin');
      assert.equal((await stolen.post('/signin', { login: 'other_olga', password: 'guess again' }, '/signin')).statusCode, 429);
      assert.ok(victim.id && other.id);
    });

    test('brute force from one client gets growing waits (Retry-After 30, 60, 120 s); a correct password is refused while it waits', async () => {
      const user = await makeUser(database.db, [], 'brute_bo');
      const bot = new Agent(app, '203.0.113.7');
      const fail = () => bot.post('/signin', { login: 'brute_bo', password: 'not it at all' }, '/signin');
      for (let i = 0; i < THROTTLE.freeFailures; i++) assert.equal((await fail()).statusCode, 401);
      const waits: number[] = [];
      for (const waited of [31, 61, 121]) {
        const refused = await fail();
        assert.equal(refused.statusCode, 429);
        waits.push(Number(refused.headers['retry-after']));
        assert.match(refused.body, /Try again in \d+ (seconds|minutes)/);
        const right = await bot.post('/signin', { login: 'brute_bo', password: PASSWORD }, '/signin');
        assert.equal(right.statusCode, 429, 'not even checked while this client waits');
        await letTimePass(database, user.id, waited);
        assert.equal((await fail()).statusCode, 401, 'after the wait, one more guess is checked');
      }
      assert.deepEqual(waits, [30, 60, 120]);
      const next = await fail();
      assert.equal(Number(next.headers['retry-after']), 240);
      // The rows keep no address, only a hash.
      const rows = await database.db.selectFrom('sign_in_failures').select('client').where('user_id', '=', user.id).execute();
      assert.ok(rows.length >= 8 && rows.every((r) => /^[0-9a-f]{64}$/.test(r.client!)));
    });

    test('a login that matches no account is slowed down exactly like one that does (the wait reveals nothing)', async () => {
      await makeUser(database.db, [], 'real_rita');
      const run = async (login: string, from: string) => {
        const agent = new Agent(app, from);
        const out: string[] = [];
        for (let i = 0; i < THROTTLE.freeFailures + 2; i++) {
          const res = await agent.post('/signin', { login, password: 'wrong guess ' + i }, '/signin');
          // (Seconds left may differ by one between two runs on a slow machine: compared as "N".)
          out.push(`${res.statusCode} ${res.headers['retry-after'] ? 'N' : '-'} ${/class="form-error"[^>]*>([^<]*)/.exec(res.body)?.[1]?.replace(/\d+/g, 'N')}`);
        }
        return out;
      };
      const known = await run('real_rita@example.com', '203.0.113.81');
      const unknown = await run('no_such_person@example.com', '203.0.113.82');
      assert.deepEqual(unknown, known);
      assert.match(known.at(-1)!, /^429 N Too many failed sign-ins/);
      const rows = await database.db.selectFrom('sign_in_failures_unknown').select(['login_hash', 'client']).execute();
      assert.ok(rows.length >= THROTTLE.freeFailures && rows.every((r) => /^[0-9a-f]{64}$/.test(r.login_hash)), 'the login is kept only as a hash');
    });

    test('wrong current passwords on /settings/password and /settings/email count with sign-in failures', async () => {
      const user = await makeUser(database.db, [], 'settings_sam');
      const sam = await signedIn(app, 'settings_sam', '198.51.100.30');
      // Two wrong sign-ins from this browser, then wrong current passwords on the settings forms.
      for (let i = 0; i < 2; i++) assert.equal((await sam.post('/signin', { login: 'settings_sam', password: 'wrong ' + i }, '/signin')).statusCode, 401);
      assert.equal((await sam.post('/settings/password', { currentPassword: 'wrong a', newPassword: 'saffron Tunnel bicycle 9' }, '/settings')).statusCode, 400);
      assert.equal((await sam.post('/settings/email', { email: 'sam2@example.org', currentPassword: 'wrong b' }, '/settings')).statusCode, 400);
      assert.equal((await sam.post('/settings/password', { currentPassword: 'wrong c', newPassword: 'saffron Tunnel bicycle 9' }, '/settings')).statusCode, 400);
      const refused = await sam.post('/settings/password', { currentPassword: PASSWORD, newPassword: 'saffron Tunnel bicycle 9' }, '/settings');
      assert.equal(refused.statusCode, 429, 'the sixth try is refused, even with the right password');
      assert.match(refused.body, /Too many failed sign-ins/);
      assert.equal((await sam.post('/settings/email', { email: 'sam2@example.org', currentPassword: PASSWORD }, '/settings')).statusCode, 429);
      const row = await database.db.selectFrom('users').select(['password_hash']).where('id', '=', user.id).executeTakeFirstOrThrow();
      assert.ok(row.password_hash);
      await letTimePass(database, user.id, 31);
      const ok = await sam.post('/settings/password', { currentPassword: PASSWORD, newPassword: 'saffron Tunnel bicycle 9' }, '/settings');
      assert.equal(ok.statusCode, 303);
      assert.match((await sam.follow(ok)).body, /Your password is changed/);
    });

    test('a password reset ends every session and revokes every API token, and says so', async () => {
      const user = await makeUser(database.db, [], 'reset_rae');
      const laptop = await signedIn(app, 'reset_rae');
      const { token } = await createApiToken(database.db, user, { name: 'script', expiresInDays: null });
      const bearer = { authorization: `Bearer ${token}` };
      assert.equal((await app.inject({ url: '/api/v1/me', headers: bearer })).statusCode, 200);
      const link = await issueEmailToken(database.db, user.id, 'reset_password', 'reset_rae@example.com');
      const browser = new Agent(app);
      const done = await browser.post('/password/reset', { token: link, password: 'new Copper kettle 77' }, `/password/reset?token=${link}`);
      assert.equal(done.statusCode, 200);
      assert.match(done.body, /signed out everywhere, and your API token is revoked/);
      const api = await app.inject({ url: '/api/v1/me', headers: bearer });
      assert.equal(api.statusCode, 401, 'the API token no longer works');
      assert.match(api.json().message, /revoked/);
      const page = await laptop.get('/settings');
      assert.equal(page.statusCode, 401, 'the other session is signed out');
    });

    test('a password change ends the other sessions and revokes every API token, and says so', async () => {
      const user = await makeUser(database.db, [], 'change_cy');
      const laptop = await signedIn(app, 'change_cy');
      const phone = await signedIn(app, 'change_cy');
      const tokens = [];
      for (const name of ['one', 'two']) tokens.push((await createApiToken(database.db, user, { name, expiresInDays: null })).token);
      const posted = await laptop.post('/settings/password', { currentPassword: PASSWORD, newPassword: 'saffron Tunnel bicycle 9' }, '/settings');
      assert.equal(posted.headers.location, '/settings?saved=password&revoked=2');
      const ok = await laptop.follow(posted);
      assert.match(ok.body, /Other devices have been signed out, and your 2 API tokens are revoked/);
      for (const t of tokens) assert.equal((await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${t}` } })).statusCode, 401);
      assert.equal((await phone.get('/settings')).statusCode, 401);
      // This browser stays signed in, and the forms of the page it got work with its new session.
      const profile = await laptop.post('/settings/profile', { displayName: 'Cy', bio: '', realName: '', phone: '', customerNumber: '' }, '/settings');
      assert.equal(profile.statusCode, 303);
      const token = csrfToken(ok.body);
      const fromAnswer = await app.inject({ method: 'POST', url: '/settings/profile', payload: new URLSearchParams({ _csrf: token, displayName: 'Cy C', bio: '', realName: '', phone: '', customerNumber: '' }).toString(), headers: { cookie: cookieHeader(laptop), 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(fromAnswer.statusCode, 303, 'the token on the page after the change is bound to the new session');
    });

    test('an e-mail change, once confirmed, ends the other sessions (this one stays)', async () => {
      await makeUser(database.db, [], 'email_eve');
      const laptop = await signedIn(app, 'email_eve');
      const phone = await signedIn(app, 'email_eve');
      const seen = smtp.messages.length;
      const asked = await laptop.post('/settings/email', { email: 'eve.new@example.org', currentPassword: PASSWORD }, '/settings');
      assert.equal(asked.statusCode, 303);
      // The phone's sign-in (a second browser) also e-mailed a "new sign-in" notice.
      const mail = await smtp.nextWhere((m) => m.text?.includes('/verify-email?') ?? false, seen);
      const link = /http:\/\/[^/\s]+(\/verify-email\?token=[\w-]+)/.exec(mail.text!)![1]!;
      const confirmed = await laptop.get(link);
      assert.match(confirmed.body, /other devices have been signed out/);
      assert.equal((await laptop.get('/settings')).statusCode, 200, 'this session stays');
      assert.equal((await phone.get('/settings')).statusCode, 401, 'the other session ends');
    });

    test('CSRF: one session\'s token is refused with another session; tokens and the secret change at sign-in and sign-out', async () => {
      await makeUser(database.db, [], 'csrf_ann');
      await makeUser(database.db, [], 'csrf_ben');
      const visitor = new Agent(app);
      const visitorToken = csrfToken((await visitor.get('/signin')).body);
      const visitorSecret = visitor.cookies.get('_csrf');
      assert.ok(visitorSecret);
      assert.equal((await visitor.post('/signin', { login: 'csrf_ann', password: PASSWORD, _csrf: visitorToken })).statusCode, 303);
      const ann = visitor;
      assert.ok(!ann.cookies.has('_csrf'), 'the secret is dropped at sign-in');
      const annToken = csrfToken((await ann.get('/settings')).body);
      assert.notEqual(annToken, visitorToken);
      assert.ok(ann.cookies.get('_csrf') && ann.cookies.get('_csrf') !== visitorSecret, 'a new secret after sign-in');
      const profile = { displayName: 'Ann', bio: '', realName: '', phone: '', customerNumber: '' };
      // The visitor token, even with the old secret cookie put back, does not work for the session.
      const old = new Agent(app);
      old.cookies = new Map(ann.cookies);
      old.cookies.set('_csrf', visitorSecret!);
      assert.equal((await old.post('/settings/profile', { ...profile, _csrf: visitorToken })).statusCode, 403);
      assert.equal((await ann.post('/settings/profile', { ...profile, _csrf: annToken })).statusCode, 303, 'her own token works');

      const ben = await signedIn(app, 'csrf_ben');
      // Ann's token and secret cookie, with Ben's session: refused.
      const mixed = new Agent(app);
      mixed.cookies = new Map(ann.cookies);
      mixed.cookies.set('parley_session', ben.cookies.get('parley_session')!);
      const refused = await mixed.post('/settings/profile', { ...profile, displayName: 'Hijacked', _csrf: annToken });
      assert.equal(refused.statusCode, 403);
      // Ann's token with Ben's own cookies: refused too.
      assert.equal((await ben.post('/settings/profile', { ...profile, displayName: 'Hijacked', _csrf: annToken })).statusCode, 403);
      const benName = await database.db.selectFrom('users').select('display_name').where('username', '=', 'csrf_ben').executeTakeFirstOrThrow();
      assert.notEqual(benName.display_name, 'Hijacked');

      const secretBefore = ann.cookies.get('_csrf');
      assert.equal((await ann.post('/signout', {}, '/')).statusCode, 303);
      assert.ok(!ann.cookies.has('_csrf'), 'the secret is dropped at sign-out');
      assert.notEqual(csrfToken((await ann.get('/signin')).body), annToken);
      assert.notEqual(ann.cookies.get('_csrf'), secretBefore);
    });

    test('sign-up answers the same whether or not the address has an account; the owner is told by e-mail', async () => {
      await makeUser(database.db, [], 'owner_ola');
      const form = (email: string, username: string) => ({ email, username, displayName: 'Someone', password: 'velvet Lantern orbit 42' });
      const seen = smtp.messages.length;
      const fresh = await new Agent(app).post('/signup', form('brand.new@example.com', 'brand_new'), '/signup');
      const existing = await new Agent(app).post('/signup', form('OWNER_OLA@example.com', 'someone_else'), '/signup');
      assert.equal(existing.statusCode, fresh.statusCode);
      assert.equal(fresh.statusCode, 200);
      const strip = (html: string, email: string) => html.replace(email, 'ADDRESS').replace(/name="_csrf" value="[^"]+"/g, '');
      assert.equal(strip(existing.body, 'OWNER_OLA@example.com'), strip(fresh.body, 'brand.new@example.com'), 'the same page either way');
      assert.equal(await findUserByLogin(database.db, 'someone_else'), undefined, 'no second account');
      const mails = [await smtp.next(seen), await smtp.next(seen + 1)];
      const toOwner = mails.find((m) => /owner_ola@example\.com/i.test((m.to as { text: string }).text))!;
      assert.ok(toOwner, 'the owner got a mail');
      assert.equal(toOwner.subject, 'Someone tried to sign up with your address');
      assert.match(toOwner.text!, /http:\/\/community\.test\/password\/forgot/);
      assert.doesNotMatch(toOwner.text!, /verify-email/);
    });
  });
}
