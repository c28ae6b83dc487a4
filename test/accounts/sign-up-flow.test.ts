// Sign-up, e-mail verification through a real SMTP server, company-domain Employees, sign-in
// limits, CSRF, and password reset — end to end over HTTP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { rolesOf, findUserByLogin } from '../../src/accounts/find-user.ts';
import { THROTTLE } from '../../src/accounts/sign-in-throttle.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { Agent } from '../helpers/browserless-agent.ts';

const linkIn = (text: string, path: string) => {
  const m = new RegExp(`http://[^/\\s]+(${path.replace('/', '\\/')}\\?token=[A-Za-z0-9_-]+)`).exec(text);
  if (!m) throw new Error(`no ${path} link in:\n${text}`);
  return m[1]!;
};
const PASSWORD = 'velvet Lantern orbit 42';

for (const kind of testDatabaseKinds()) {
  describe(`sign-up and sign-in on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let smtp: TestSmtp;
    before(async () => {
      database = await kind.open();
      smtp = await startSmtp();
      app = await testServer(database, { SMTP_URL: smtp.url, COMPANY_EMAIL_DOMAINS: 'brightwave.example', PUBLIC_URL: 'http://community.test', SIGNIN_RATE_LIMIT: '10' });
    });
    after(async () => {
      await app.close();
      await smtp.close();
      await database.drop();
    });

    test('sign up with a company address: Employee only once the address is verified by the e-mailed link', async () => {
      const agent = new Agent(app);
      const seen = smtp.messages.length;
      const res = await agent.post('/signup', { email: 'Tom@Brightwave.example', username: 'tom_b', displayName: 'Tom Becker', password: PASSWORD }, '/signup');
      assert.equal(res.statusCode, 200, res.body);
      assert.match(res.body, /Check your e-mail/);
      const user = (await findUserByLogin(database.db, 'tom_b'))!;
      assert.deepEqual(await rolesOf(database.db, user.id), ['member'], 'unverified address grants nothing');

      const mail = await smtp.next(seen);
      assert.equal(mail.subject, 'Confirm your e-mail address');
      assert.match((mail.to as { text: string }).text, /tom@brightwave\.example/i);
      const link = linkIn(mail.text!, '/verify-email');
      const verified = await agent.get(link);
      assert.equal(verified.statusCode, 200);
      assert.match(verified.body, /address is confirmed/);
      assert.deepEqual((await rolesOf(database.db, user.id)).sort(), ['employee', 'member']);
      const log = await database.db.selectFrom('role_changes').select(['role', 'action', 'reason']).where('user_id', '=', user.id).where('role', '=', 'employee').execute();
      assert.deepEqual(log, [{ role: 'employee', action: 'grant', reason: 'verified company e-mail address' }]);

      const again = await agent.get(link);
      assert.equal(again.statusCode, 400, 'a link works once');
      assert.match(again.body, /invalid or has expired/);
      assert.equal((await agent.get('/verify-email?token=forged-token-forged-token-forged')).statusCode, 400);
    });

    test('a customer address never grants the Employee role', async () => {
      const agent = new Agent(app);
      const seen = smtp.messages.length;
      await agent.post('/signup', { email: 'anna@brightwave.example.com', username: 'anna_j', displayName: 'Anna', password: PASSWORD }, '/signup');
      await agent.get(linkIn((await smtp.next(seen)).text!, '/verify-email'));
      const user = (await findUserByLogin(database.db, 'anna_j'))!;
      assert.ok(user.email_verified_at);
      assert.deepEqual(await rolesOf(database.db, user.id), ['member']);
    });

    test('bad sign-ups are refused with the reason, keep what was typed, and create nothing', async () => {
      const agent = new Agent(app);
      const cases: [Record<string, string>, RegExp][] = [
        [{ email: 'new@example.com', username: 'TOM_B', displayName: 'X', password: PASSWORD }, /username is taken/],
        [{ email: 'not-an-address', username: 'fresh', displayName: 'X', password: PASSWORD }, /valid e-mail/],
        [{ email: 'fresh@example.com', username: 'fresh', displayName: 'X', password: 'password123' }, /too easy to guess|at least 10/],
        [{ email: 'fresh@example.com', username: 'fresh', displayName: 'X', password: 'qwertyuiop' }, /too easy to guess/],
      ];
      for (const [form, message] of cases) {
        const res = await agent.post('/signup', form, '/signup');
        assert.ok(res.statusCode === 400 || res.statusCode === 409, `${res.statusCode} for ${JSON.stringify(form)}`);
        assert.match(res.body, message);
        assert.ok(res.body.includes(`value="${form.username}"`), 'the form keeps what was typed');
      }
      assert.equal(await findUserByLogin(database.db, 'fresh'), undefined);
    });

    test('forms without a valid CSRF token are refused', async () => {
      const agent = new Agent(app);
      const res = await agent.post('/signup', { email: 'csrf@example.com', username: 'csrf_user', displayName: 'C', password: PASSWORD });
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /did not come from this site/);
      const forged = await agent.post('/signin', { login: 'tom_b', password: PASSWORD, _csrf: 'forged' });
      assert.equal(forged.statusCode, 403);
      assert.equal(await findUserByLogin(database.db, 'csrf_user'), undefined);
    });

    test('sign in and out; the session cookie is HttpOnly, SameSite and signed', async () => {
      const agent = new Agent(app);
      const res = await agent.post('/signin', { login: 'TOM@brightwave.example', password: PASSWORD }, '/signin');
      assert.equal(res.statusCode, 303);
      const cookie = res.cookies.find((c) => c.name === 'parley_session')!;
      assert.ok(cookie.httpOnly);
      assert.equal(cookie.sameSite, 'Lax');
      assert.match(cookie.value, /^\d+\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9+/=_-]+$/, 'signed, and naming the account (<id>.<token>)');
      const home = await agent.get('/');
      assert.match(home.body, /<span class="who">Tom Becker<\/span>/, "the header names who is signed in");
      assert.match(home.body, /Sign out/);
      const out = await agent.post('/signout', {}, '/');
      assert.equal(out.statusCode, 303);
      assert.match((await agent.get('/')).body, /href="\/signin"/);
      const stolen = await app.inject({ url: '/', cookies: { parley_session: cookie.value } });
      assert.doesNotMatch(stolen.body, /Tom Becker/, 'the session is gone on the server too');
    });

    test('failed sign-ins slow down the client that makes them, with a clear message, not the owner elsewhere', async () => {
      const agent = new Agent(app);
      for (let i = 0; i < THROTTLE.freeFailures; i++) {
        const res = await agent.post('/signin', { login: 'anna_j', password: 'wrong password ' + i }, '/signin');
        assert.equal(res.statusCode, 401);
        assert.match(res.body, /Wrong username, e-mail address or password/);
      }
      const slowed = await agent.post('/signin', { login: 'anna_j', password: PASSWORD }, '/signin');
      assert.equal(slowed.statusCode, 429, 'the client that failed waits, even with the right password');
      assert.match(slowed.body, /Too many failed sign-ins for this account from here\. Try again in 30 seconds/);
      const owner = await new Agent(app, '198.51.100.20').post('/signin', { login: 'anna_j', password: PASSWORD }, '/signin');
      assert.equal(owner.statusCode, 303, 'the owner at another address signs in');
    });

    test('password reset by e-mailed link: one use, signs out everywhere, unlocks the account', async () => {
      const agent = new Agent(app);
      const seen = smtp.messages.length;
      const asked = await agent.post('/password/forgot', { email: 'anna@brightwave.example.com' }, '/password/forgot');
      assert.match(asked.body, /If an account uses that address/);
      const unknown = await agent.post('/password/forgot', { email: 'nobody@example.com' }, '/password/forgot');
      assert.equal(unknown.statusCode, 200, 'the same answer for unknown addresses');
      const mail = await smtp.next(seen);
      assert.equal(mail.subject, 'Reset your password');
      const link = linkIn(mail.text!, '/password/reset');
      const page = await agent.get(link);
      assert.equal(page.statusCode, 200);
      const token = new URL(link, 'http://x').searchParams.get('token')!;
      const weak = await agent.post('/password/reset', { token, password: 'password1234' }, link);
      assert.equal(weak.statusCode, 400);
      assert.match(weak.body, /too easy to guess/);
      const ok = await agent.post('/password/reset', { token, password: 'new Copper kettle 77' }, link);
      assert.match(ok.body, /Your password is changed/);
      const reuse = await agent.post('/password/reset', { token, password: 'another Copper kettle 78' }, '/signin');
      assert.equal(reuse.statusCode, 400);
      const signin = await agent.post('/signin', { login: 'anna_j', password: 'new Copper kettle 77' }, '/signin');
      assert.equal(signin.statusCode, 303, 'the reset also lifted the wait of the client that had failed');
    });

    test('sign-in is limited per address, with a clear message', async () => {
      const agent = new Agent(app);
      let last;
      for (let i = 0; i < 12; i++) last = await agent.post('/signin', { login: `nobody${i}`, password: 'whatever it is' }, '/signin');
      assert.equal(last!.statusCode, 429);
      assert.match(last!.body, /Too many attempts from your address/);
    });
  });
}
