// Company single sign-on, end to end: a real OpenID Connect provider (oidc-provider) and Parley
// both listen on loopback, and a cookie-keeping HTTP client walks the authorization-code + PKCE
// flow through real redirects between the two.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createUser } from '../../src/accounts/create-user.ts';
import { loadConfig } from '../../src/config.ts';
import { findUserByLogin, rolesOf } from '../../src/accounts/find-user.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { startOidcProvider, type TestOidcProvider } from '../helpers/oidc.ts';
import { testServer } from '../helpers/server.ts';

/** A browser without a screen: follows redirects by hand and keeps cookies per host. */
class Browser {
  jars = new Map<string, Map<string, string>>();
  /** Every URL visited by the last follow(). */
  trail: string[] = [];

  async get(url: string): Promise<Response> {
    const u = new URL(url);
    const jar = this.jars.get(u.host) ?? new Map<string, string>();
    this.jars.set(u.host, jar);
    const headers: Record<string, string> = { accept: 'text/html' };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(u, { redirect: 'manual', headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const name = pair!.slice(0, pair!.indexOf('='));
      const value = pair!.slice(pair!.indexOf('=') + 1);
      const expired = attrs.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && new Date(a.slice(8)).getTime() < Date.now()));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  /** GETs a URL and follows redirects (across hosts) to the final page. */
  async follow(url: string): Promise<{ res: Response; url: string; body: string }> {
    this.trail = [];
    let current = url;
    for (let hop = 0; hop < 20; hop++) {
      this.trail.push(current);
      const res = await this.get(current);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel();
        current = new URL(location, current).href;
        continue;
      }
      return { res, url: current, body: await res.text() };
    }
    throw new Error(`too many redirects: ${this.trail.join(' -> ')}`);
  }
}

const employee = { email: 'maria.lopez@brightwave.example', email_verified: true, name: 'María López', preferred_username: 'maria.lopez' };

for (const kind of testDatabaseKinds()) {
  describe(`company single sign-on on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let idp: TestOidcProvider;
    let parley: string;

    before(async () => {
      database = await kind.open();
      idp = await startOidcProvider();
      app = await testServer(database, {
        OIDC_ISSUER: idp.issuer,
        OIDC_CLIENT_ID: idp.clientId,
        OIDC_CLIENT_SECRET: idp.clientSecret,
        OIDC_DISPLAY_NAME: 'Brightwave',
      });
      // Parley first (its port makes the redirect URI), then the provider's client registration.
      await app.listen({ port: 0, host: '127.0.0.1' });
      parley = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      idp.configure(`${parley}/auth/sso/callback`);
      idp.accounts.set('emp-1001', employee);
    });
    after(async () => {
      await app.close();
      await idp.close();
      await database.drop();
    });

    const userCount = async () => Number((await database.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    test('the sign-in page offers "Sign in with Brightwave"', async () => {
      const page = await new Browser().follow(`${parley}/signin`);
      assert.match(page.body, /<a class="button" href="\/auth\/sso">Sign in with Brightwave<\/a>/);
    });

    test('first sign-in creates an Employee account, signed in, through the full code + PKCE flow', async () => {
      const browser = new Browser();
      idp.nextLogin = 'emp-1001';
      const before = await userCount();
      const start = await browser.get(`${parley}/auth/sso`);
      assert.equal(start.status, 303);
      const authorize = new URL(start.headers.get('location')!);
      assert.equal(authorize.origin, idp.issuer);
      assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
      for (const p of ['code_challenge', 'state', 'nonce']) assert.ok(authorize.searchParams.get(p), p);
      assert.equal(authorize.searchParams.get('redirect_uri'), `${parley}/auth/sso/callback`);
      const pending = start.headers.getSetCookie().find((c) => c.startsWith('parley_sso='))!;
      assert.match(pending, /HttpOnly/i);
      assert.match(pending, /Path=\/auth\/sso/);
      assert.match(pending, /SameSite=Lax/i);

      const page = await browser.follow(authorize.href);
      assert.ok(browser.trail.some((u) => u.startsWith(`${parley}/auth/sso/callback?code=`)), browser.trail.join('\n'));
      assert.equal(page.url, `${parley}/`);
      assert.equal(page.res.status, 200);
      assert.equal(idp.interactions, 1, 'the provider ran its login step');
      assert.match(page.body, /<span class="who">María López<\/span>/, 'the session cookie works: the header shows the display name');
      assert.match(page.body, /Sign out/);
      assert.ok(!browser.jars.get(new URL(parley).host)!.has('parley_sso'), 'the pending sign-in cookie is cleared');

      assert.equal(await userCount(), before + 1);
      const user = (await findUserByLogin(database.db, 'maria.lopez@brightwave.example'))!;
      assert.equal(user.username, 'maria.lopez');
      assert.equal(user.display_name, 'María López');
      assert.equal(user.password_hash, null, 'no password: this account signs in through the company');
      assert.ok(user.email_verified_at, 'the provider verified the address');
      assert.deepEqual((await rolesOf(database.db, user.id)).sort(), ['employee', 'member']);
      const log = await database.db.selectFrom('role_changes').select(['role', 'action', 'reason', 'actor_id']).where('user_id', '=', user.id).where('role', '=', 'employee').execute();
      assert.deepEqual(log, [{ role: 'employee', action: 'grant', reason: 'company single sign-on', actor_id: null }]);
      const identities = await database.db.selectFrom('user_identities').select(['provider', 'subject', 'user_id']).execute();
      assert.deepEqual(identities, [{ provider: idp.issuer, subject: 'emp-1001', user_id: user.id }]);
    });

    test('a second sign-in reuses the same account', async () => {
      idp.nextLogin = 'emp-1001';
      const before = await userCount();
      const page = await new Browser().follow(`${parley}/auth/sso`);
      assert.equal(page.url, `${parley}/`);
      assert.match(page.body, /<span class="who">María López<\/span>/);
      assert.equal(await userCount(), before, 'no new account');
      const user = (await findUserByLogin(database.db, 'maria.lopez'))!;
      const sessions = await database.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute();
      assert.equal(sessions.length, 2, 'one session per sign-in, same account');
      const grants = await database.db.selectFrom('role_changes').select('id').where('user_id', '=', user.id).where('role', '=', 'employee').execute();
      assert.equal(grants.length, 1, 'the role is not granted twice');
    });

    test('signing in from a page returns there (next rides in the signed pending cookie); other sites fall back to the home page', async () => {
      const form = await new Browser().follow(`${parley}/signin?next=${encodeURIComponent('/settings')}`);
      assert.match(form.body, /<a class="button" href="\/auth\/sso\?next=%2Fsettings">Sign in with Brightwave<\/a>/);
      idp.nextLogin = 'emp-1001';
      const back = await new Browser().follow(`${parley}/auth/sso?next=${encodeURIComponent('/settings')}`);
      assert.equal(back.url, `${parley}/settings`);
      assert.equal(back.res.status, 200);
      assert.match(back.body, /<span class="who">María López<\/span>/);
      for (const bad of ['//evil.example/', '/\\evil.example', 'https://evil.example/']) {
        idp.nextLogin = 'emp-1001';
        const home = await new Browser().follow(`${parley}/auth/sso?next=${encodeURIComponent(bad)}`);
        assert.equal(home.url, `${parley}/`, bad);
      }
    });

    test('a forged callback is refused with 400 and signs nobody in', async () => {
      idp.nextLogin = 'emp-1001';
      const browser = new Browser();
      const start = await browser.get(`${parley}/auth/sso`);
      assert.equal(start.status, 303);
      const forged = await browser.follow(`${parley}/auth/sso/callback?code=stolen-code&state=forged-state`);
      assert.equal(forged.res.status, 400);
      assert.match(forged.body, /state does not match/);
      assert.ok(!browser.jars.get(new URL(parley).host)!.has('parley_session'));

      // A real code and state from someone else's sign-in, delivered to a browser that started its own.
      const attacker = new Browser();
      const attackerStart = await attacker.get(`${parley}/auth/sso`);
      let callback = '';
      for (let url = attackerStart.headers.get('location')!; !callback; ) {
        const res = await attacker.get(url);
        url = new URL(res.headers.get('location')!, url).href;
        if (url.startsWith(`${parley}/auth/sso/callback`)) callback = url;
      }
      const victim = new Browser();
      await victim.get(`${parley}/auth/sso`);
      const planted = await victim.follow(callback);
      assert.equal(planted.res.status, 400);
      assert.ok(!victim.jars.get(new URL(parley).host)!.has('parley_session'));

      const noStart = await new Browser().follow(`${parley}/auth/sso/callback?code=x&state=y`);
      assert.equal(noStart.res.status, 400);
      assert.match(noStart.body, /not started here or has expired/);
    });

    test('the provider refusing (the person cancels) shows a clear error', async () => {
      idp.nextLogin = null;
      const page = await new Browser().follow(`${parley}/auth/sso`);
      assert.ok(page.url.startsWith(`${parley}/auth/sso/callback?error=access_denied`), page.url);
      assert.equal(page.res.status, 403);
      assert.match(page.body, /Signing in with Brightwave did not complete: The person cancelled the sign-in/);
    });

    test('an account without an e-mail address is refused with a clear message', async () => {
      idp.accounts.set('emp-2002', { name: 'No Mail', preferred_username: 'nomail' });
      idp.nextLogin = 'emp-2002';
      const before = await userCount();
      const page = await new Browser().follow(`${parley}/auth/sso`);
      assert.equal(page.res.status, 400);
      assert.match(page.body, /did not share your e-mail address/);
      assert.equal(await userCount(), before);
    });

    test('an existing account is linked only when the provider verified the address', async () => {
      const { id } = await createUser(database.db, { username: 'ola_n', email: 'ola@brightwave.example', displayName: 'Ola N', password: 'velvet Lantern orbit 42', emailVerified: true });
      idp.accounts.set('emp-3003', { email: 'OLA@brightwave.example', email_verified: false, name: 'Ola Nordmann' });
      idp.nextLogin = 'emp-3003';
      const refused = await new Browser().follow(`${parley}/auth/sso`);
      assert.equal(refused.res.status, 409);
      assert.match(refused.body, /did not confirm that this address is yours/);
      assert.deepEqual(await rolesOf(database.db, id), ['member']);

      idp.accounts.set('emp-3003', { email: 'OLA@brightwave.example', email_verified: true, name: 'Ola Nordmann' });
      const before = await userCount();
      const page = await new Browser().follow(`${parley}/auth/sso`);
      assert.equal(page.url, `${parley}/`);
      assert.match(page.body, /<span class="who">Ola N<\/span>/, 'signed in to the existing account');
      assert.equal(await userCount(), before);
      assert.deepEqual((await rolesOf(database.db, id)).sort(), ['employee', 'member']);
      assert.ok((await findUserByLogin(database.db, 'ola_n'))!.password_hash, 'a verified account keeps its password');
    });
  });
}

for (const kind of testDatabaseKinds()) describe(`single sign-on not configured, on ${kind.name}`, () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  before(async () => {
    database = await kind.open();
    app = await testServer(database);
  });
  after(async () => {
    await app.close();
    await database.drop();
  });

  test('its routes answer 404 and the sign-in page has no SSO button', async () => {
    for (const url of ['/auth/sso', '/auth/sso/callback?code=x&state=y']) {
      const res = await app.inject({ url, headers: { accept: 'text/html' } });
      assert.equal(res.statusCode, 404, url);
      assert.match(res.body, /Single sign-on is not configured/);
    }
    assert.doesNotMatch((await app.inject({ url: '/signin' })).body, /auth\/sso/);
  });

  test('an unreachable provider gives a 502 page, not a crash', async () => {
    const down = await testServer(database, { OIDC_ISSUER: 'http://127.0.0.1:1', OIDC_CLIENT_ID: 'c', OIDC_CLIENT_SECRET: 's', OIDC_DISPLAY_NAME: 'Brightwave' });
    try {
      const res = await down.inject({ url: '/auth/sso', headers: { accept: 'text/html' } });
      assert.equal(res.statusCode, 502);
      assert.match(res.body, /cannot reach the Brightwave sign-in service/);
    } finally {
      await down.close();
    }
  });
});

test('single sign-on settings are all or nothing, and the error names what is missing', () => {
  assert.throws(() => loadConfig({ OIDC_ISSUER: 'https://login.brightwave.example', OIDC_CLIENT_ID: 'parley' }), /OIDC_CLIENT_SECRET: is required because OIDC_ISSUER and OIDC_CLIENT_ID are set/);
  assert.throws(() => loadConfig({ OIDC_CLIENT_SECRET: 'x' }), (err: Error) => /OIDC_ISSUER: is required/.test(err.message) && /OIDC_CLIENT_ID: is required/.test(err.message));
  assert.throws(() => loadConfig({ OIDC_ISSUER: 'not a url', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b' }), /OIDC_ISSUER: must be an absolute http\(s\) URL/);
  const ok = loadConfig({ OIDC_ISSUER: 'https://login.brightwave.example', OIDC_CLIENT_ID: 'parley', OIDC_CLIENT_SECRET: 'x' });
  assert.equal(ok.OIDC_DISPLAY_NAME, 'your company');
  assert.equal(loadConfig({}).OIDC_ISSUER, undefined);
});
