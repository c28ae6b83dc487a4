// Two-step verification (TOTP and backup codes): the codes against RFC 6238's own test vectors,
// the use cases on a real database (SQLite, and PostgreSQL when configured), and sign-in, the
// settings and the admin reset over HTTP with the e-mails through a real SMTP server.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import { beginTwoFactorSetup, confirmTwoFactorSetup, pendingTwoFactorSetup, regenerateBackupCodes } from '../../src/accounts/set-up-two-factor.ts';
import { resetTwoFactorOf, turnOffTwoFactor } from '../../src/accounts/turn-off-two-factor.ts';
import { newBackupCodes, normalizeBackupCode, totpStep, totpUri, twoFactorState, verifySecondFactor } from '../../src/accounts/two-factor.ts';
import { readSecondStepTicket, secondStepTicket } from '../../src/accounts/sign-in-second-step.ts';
import { deleteAccount } from '../../src/accounts/delete-account.ts';
import { THROTTLE, type SignInClient } from '../../src/accounts/sign-in-throttle.ts';
import type { DB } from '../../src/db/schema.ts';
import type { UserError } from '../../src/shared/errors.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { serverPerSuite } from '../helpers/server.ts';
import { serverWithSmtpPerSuite } from '../helpers/smtp.ts';
import { Agent, csrfToken } from '../helpers/browserless-agent.ts';
import type { Kysely } from 'kysely';

const PASSWORD = 'correct horse battery staple';
const status = (code: number, field?: string) => (e: UserError) => e.status === code && (field === undefined || e.field === field);
const codeAt = (secret: string, ms: number) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: ms });
const secretOf = async (db: Kysely<DB>, userId: number) => (await db.selectFrom('two_factor').select('secret').where('user_id', '=', userId).executeTakeFirstOrThrow()).secret;
let clients = 0;
const client = (): SignInClient => ({ address: `192.0.2.${++clients % 250}`, device: null, userAgent: null });

test('app codes: RFC 6238 appendix B vectors (SHA-1), one step of leeway either side, nothing else', () => {
  // The RFC's key is the ASCII "12345678901234567890"; its 8-digit codes end in these 6 digits.
  const secret = new Secret({ buffer: new TextEncoder().encode('12345678901234567890').buffer }).base32;
  assert.equal(totpStep(secret, '287082', 59_000), 1);
  assert.equal(totpStep(secret, '081804', 1_111_111_109_000), 37_037_036);
  assert.equal(totpStep(secret, '005924', 1_234_567_890_000), 41_152_263);
  assert.equal(totpStep(secret, '279037', 2_000_000_000_000), 66_666_666);
  assert.equal(totpStep(secret, '287082', 59_000 + 30_000), 1, 'the step before is still good');
  assert.equal(totpStep(secret, '287082', 59_000 + 60_000), null, 'two steps later it is not');
  assert.equal(totpStep(secret, '287083', 59_000), null);
  assert.match(totpUri(secret, 'ann', 'Acme Community'), /^otpauth:\/\/totp\/Acme%20Community:ann\?issuer=Acme%20Community&secret=[A-Z2-7]+&algorithm=SHA1&digits=6&period=30$/);
});

test('backup codes: ten different 80-bit codes, read back whatever the case, dashes and look-alikes', () => {
  const codes = newBackupCodes();
  assert.equal(new Set(codes).size, 10);
  for (const c of codes) assert.match(c, /^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
  assert.equal(normalizeBackupCode(' AB0L-oi12 cdef-ghjk '), 'ab0101' + '12cdefghjk');
});

for (const kind of testDatabaseKinds()) {
  describe(`two-step verification on ${kind.name}`, () => {
    const suite = serverWithSmtpPerSuite(kind, { SITE_NAME: 'Acme Community' });

    test('set-up: the password first, then a right code turns it on; codes are good once; backup codes once; new codes void the old', async () => {
      const db = suite.database.db;
      const me = await makeUser(db);
      await assert.rejects(beginTwoFactorSetup(db, me, 'wrong password', client()), status(400, 'currentPassword'));
      assert.equal(await pendingTwoFactorSetup(db, me, 'Acme'), null, 'nothing begun on a wrong password');
      await beginTwoFactorSetup(db, me, PASSWORD, client());
      const pending = (await pendingTwoFactorSetup(db, me, 'Acme'))!;
      assert.match(pending.qrSvg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*><path/);
      assert.match(pending.uri, new RegExp(`otpauth://totp/Acme:${me.username}\\?`));
      const secret = await secretOf(db, me.id);
      assert.equal(pending.secret.replace(/ /g, ''), secret);
      assert.equal((await twoFactorState(db, me.id)).on, false, 'not in force until confirmed');

      const t0 = Date.now() - 10 * 60_000;
      await assert.rejects(confirmTwoFactorSetup(db, me, '12345', t0), status(400, 'code'));
      const wrong = codeAt(secret, t0 + 5 * 60_000);
      await assert.rejects(confirmTwoFactorSetup(db, me, wrong, t0), status(400, 'code'), 'a code of another time');
      const codes = await confirmTwoFactorSetup(db, me, codeAt(secret, t0), t0);
      assert.equal(codes.length, 10);
      const stored = await db.selectFrom('two_factor_backup_codes').select('code_hash').where('user_id', '=', me.id).execute();
      assert.ok(stored.every((r) => !codes.some((c) => r.code_hash.includes(c.replace(/-/g, '')))), 'kept as hashes');
      assert.deepEqual(await twoFactorState(db, me.id), { on: true, since: (await twoFactorState(db, me.id)).since, backupCodesLeft: 10 });
      await assert.rejects(beginTwoFactorSetup(db, me, PASSWORD, client()), status(400), 'already on');

      // Sign-in codes: the confirming code cannot be used again, a later one can, once.
      const c = client();
      assert.equal(await verifySecondFactor(db, me.id, codeAt(secret, t0), c, t0), false, 'replayed');
      assert.equal(await verifySecondFactor(db, me.id, codeAt(secret, t0 + 30_000), c, t0 + 30_000), true);
      assert.equal(await verifySecondFactor(db, me.id, codeAt(secret, t0 + 30_000), c, t0 + 30_000), false, 'the same code twice');
      assert.equal(await verifySecondFactor(db, me.id, codes[0]!.toUpperCase().replace(/-/g, ' '), c), true, 'a backup code, typed loosely');
      assert.equal(await verifySecondFactor(db, me.id, codes[0]!, c), false, 'spent');
      assert.equal((await twoFactorState(db, me.id)).backupCodesLeft, 9);

      await assert.rejects(regenerateBackupCodes(db, me, 'wrong password', client()), status(400, 'currentPassword'));
      const fresh = await regenerateBackupCodes(db, me, PASSWORD, client());
      assert.equal(await verifySecondFactor(db, me.id, codes[1]!, c), false, 'old codes void');
      assert.equal(await verifySecondFactor(db, me.id, fresh[1]!, c), true);

      await assert.rejects(turnOffTwoFactor(db, me, 'wrong password', client()), status(400, 'currentPassword'));
      assert.equal((await twoFactorState(db, me.id)).on, true);
      await turnOffTwoFactor(db, me, PASSWORD, client());
      assert.deepEqual(await twoFactorState(db, me.id), { on: false, since: null, backupCodesLeft: 0 });
      assert.equal(Number((await db.selectFrom('two_factor_backup_codes').select((eb) => eb.fn.countAll().as('n')).where('user_id', '=', me.id).executeTakeFirstOrThrow()).n), 0);
      await assert.rejects(turnOffTwoFactor(db, me, PASSWORD, client()), status(400));

      // A deleted account keeps neither its secret nor its codes.
      await beginTwoFactorSetup(db, me, PASSWORD, client());
      await confirmTwoFactorSetup(db, me, codeAt(await secretOf(db, me.id), Date.now()));
      await deleteAccount(db, me, PASSWORD, suite.app.files);
      for (const table of ['two_factor', 'two_factor_backup_codes'] as const) {
        assert.equal(Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('user_id', '=', me.id).executeTakeFirstOrThrow()).n), 0, table);
      }
    });

    test('wrong codes count as failed sign-ins: after the free ones the client waits', async () => {
      const db = suite.database.db;
      const me = await makeUser(db);
      await beginTwoFactorSetup(db, me, PASSWORD, client());
      const t0 = Date.now() - 10 * 60_000;
      await confirmTwoFactorSetup(db, me, codeAt(await secretOf(db, me.id), t0), t0);
      const c = client();
      for (let i = 0; i < THROTTLE.freeFailures; i++) assert.equal(await verifySecondFactor(db, me.id, '000000', c), false);
      await assert.rejects(verifySecondFactor(db, me.id, '000000', c), status(429));
      const right = codeAt(await secretOf(db, me.id), Date.now());
      await assert.rejects(verifySecondFactor(db, me.id, right, c), status(429), 'even a right code waits');
      assert.equal(await verifySecondFactor(db, me.id, right, client()), true, 'another client is not slowed down');
    });

    test('the ticket between the two steps: signed elsewhere, void when expired or after a new password', async () => {
      const db = suite.database.db;
      const me = await makeUser(db);
      const ticket = await secondStepTicket(db, me.id, 1_000_000);
      assert.equal(await readSecondStepTicket(db, ticket, 1_000_000 + 60_000), me.id);
      assert.equal(await readSecondStepTicket(db, ticket, 1_000_000 + 11 * 60_000), null, 'expired');
      assert.equal(await readSecondStepTicket(db, ticket.replace(/^\d+/, '1'), 1_000_000), null, 'another account');
      assert.equal(await readSecondStepTicket(db, 'junk', 0), null);
      await db.updateTable('users').set({ password_hash: 'changed' }).where('id', '=', me.id).execute();
      assert.equal(await readSecondStepTicket(db, ticket, 1_000_000), null, 'the password changed in between');
    });

    test('an admin turns it off for a member who lost their phone (reason, staff log, e-mail); nobody else can', async () => {
      const db = suite.database.db;
      const [member, manager, admin] = [await makeUser(db), await makeUser(db, ['community_manager']), await makeUser(db, ['admin'])];
      await beginTwoFactorSetup(db, member, PASSWORD, client());
      const t0 = Date.now() - 10 * 60_000;
      await confirmTwoFactorSetup(db, member, codeAt(await secretOf(db, member.id), t0), t0);
      await assert.rejects(resetTwoFactorOf(db, manager, member.id, 'asked by phone'), status(403));
      await assert.rejects(resetTwoFactorOf(db, admin, admin.id, 'mine'), status(403));
      await assert.rejects(resetTwoFactorOf(db, admin, member.id, '  '), status(400, 'reason'));
      await assert.rejects(resetTwoFactorOf(db, admin, member.id, 'x'.repeat(1001)), status(400, 'reason'));
      assert.equal((await twoFactorState(db, member.id)).on, true);

      const agent = new Agent(suite.app);
      assert.equal((await agent.post('/signin', { login: admin.username, password: PASSWORD }, '/signin')).statusCode, 303);
      const page = await agent.get(`/admin/users/${member.username}`);
      assert.match(page.body, /Two-step verification<\/h2>\s*<p>On since/);
      const seen = suite.smtp.messages.length;
      const res = await agent.post(`/admin/users/${member.username}/two-factor/reset`, { reason: 'Lost phone; confirmed by video call', _csrf: csrfToken(page.body) });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(res.body, /Two-step verification is off for this member\./);
      assert.equal((await twoFactorState(db, member.id)).on, false);
      const log = await db.selectFrom('staff_actions').select(['action', 'target', 'reason', 'actor_id']).where('target', '=', `user:${member.id}`).execute();
      assert.deepEqual(log, [{ action: 'user.resetTwoFactor', target: `user:${member.id}`, reason: 'Lost phone; confirmed by video call', actor_id: admin.id }]);
      const mail = await suite.smtp.nextWhere((m) => m.subject !== 'New sign-in to your account', seen);
      assert.equal(mail.subject, 'An administrator turned off your two-step verification');
      assert.match(mail.text ?? '', /If this was not you, reset your password/);
      const logPage = await agent.get(`/moderation/log`);
      assert.match(logPage.body, /data-action="user.resetTwoFactor">Turned off a member(’|&#8217;)s two-step verification/);
      const again = await agent.post(`/admin/users/${member.username}/two-factor/reset`, { reason: 'again', _csrf: csrfToken(page.body) });
      assert.equal(again.statusCode, 400);
      assert.match(again.body, /not on for this member/);
    });

    test('over HTTP: set up in the settings (QR code, codes shown once, e-mail), then sign-in asks for a code; backup code; turn off', async () => {
      const db = suite.database.db;
      const me = await makeUser(db);
      const agent = new Agent(suite.app);
      assert.equal((await agent.post('/signin', { login: me.username, password: PASSWORD }, '/signin')).statusCode, 303);
      const settings = await agent.get('/settings');
      assert.match(settings.body, /id="two-factor-h"[\s\S]*<strong>Off\.<\/strong>[\s\S]*action="\/settings\/two-factor\/setup"/);

      const wrongPassword = await agent.post('/settings/two-factor/setup', { currentPassword: 'nope', _csrf: csrfToken(settings.body) });
      assert.equal(wrongPassword.statusCode, 400);
      assert.equal((await agent.post('/settings/two-factor/setup', { currentPassword: PASSWORD })).statusCode, 403, 'CSRF');
      const begun = await agent.post('/settings/two-factor/setup', { currentPassword: PASSWORD, _csrf: csrfToken(settings.body) });
      assert.equal(begun.statusCode, 303);
      const setup = await agent.follow(begun);
      assert.equal(setup.statusCode, 200);
      assert.equal(setup.headers['cache-control'], 'no-store');
      assert.match(setup.body, /<div class="qr-code" role="img" aria-label="QR code for your authenticator app"><svg /);
      const secret = await secretOf(db, me.id);
      assert.ok(setup.body.includes(secret.match(/.{1,4}/g)!.join(' ')), 'the key to type by hand');

      const bad = await agent.post('/settings/two-factor/confirm', { code: '000000', _csrf: csrfToken(setup.body) });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /That code is not right/);
      assert.match(bad.body, /class="qr-code"/, 'the same page again, to try once more');
      const seen = suite.smtp.messages.length;
      const on = await agent.post('/settings/two-factor/confirm', { code: codeAt(secret, Date.now() - 30_000), _csrf: csrfToken(setup.body) });
      assert.equal(on.statusCode, 200, on.body);
      assert.equal(on.headers['cache-control'], 'no-store');
      const codes = [...on.body.matchAll(/<li><code>([0-9a-z-]{19})<\/code><\/li>/g)].map((m) => m[1]!);
      assert.equal(codes.length, 10);
      assert.equal((await suite.smtp.nextWhere((m) => m.subject !== 'New sign-in to your account', seen)).subject, 'Two-step verification is on');
      assert.match((await agent.get('/settings')).body, /On since [^<]+<\/strong> 10 backup codes left\./);
      assert.equal((await agent.get('/settings/two-factor/setup')).statusCode, 303, 'no set-up page once on');
      assert.equal((await agent.get('/settings/export')).body.includes(secret), false, 'the export says it is on, without the secret');

      // A new browser: the password is not enough.
      const other = new Agent(suite.app);
      const first = await other.post('/signin', { login: me.username, password: PASSWORD, next: '/settings' }, '/signin');
      assert.equal(first.statusCode, 303);
      assert.equal(first.headers.location, '/signin/two-factor?next=%2Fsettings');
      assert.ok(!other.cookies.has('parley_session'), 'no session after the password alone');
      assert.equal((await other.get('/settings')).statusCode, 401);
      const step = await other.get('/signin/two-factor?next=%2Fsettings');
      assert.equal(step.statusCode, 200);
      assert.match(step.body, /autocomplete="one-time-code"/);
      assert.match(step.body, /href="\/signin\/two-factor\?backup=1&amp;next=%2Fsettings"/);
      const wrong = await other.post('/signin/two-factor', { code: '123456', next: '/settings', _csrf: csrfToken(step.body) });
      assert.equal(wrong.statusCode, 401);
      assert.match(wrong.body, /That code is not right/);
      const used = await other.post('/signin/two-factor', { code: codeAt(secret, Date.now() - 30_000), next: '/settings', _csrf: csrfToken(step.body) });
      assert.equal(used.statusCode, 401, 'the code that turned it on cannot sign in');
      const ok = await other.post('/signin/two-factor', { code: codeAt(secret, Date.now() + 30_000), next: '/settings', _csrf: csrfToken(step.body) });
      assert.equal(ok.statusCode, 303, ok.body);
      assert.equal(ok.headers.location, '/settings');
      assert.equal((await other.get('/settings')).statusCode, 200, 'signed in');
      assert.ok(!other.cookies.has('parley_signin_step'), 'the ticket is cleared');

      // A third browser with a backup code; the ticket is not reusable without the password.
      const third = new Agent(suite.app);
      await third.post('/signin', { login: me.username, password: PASSWORD }, '/signin');
      const backupPage = await third.get('/signin/two-factor?backup=1');
      assert.match(backupPage.body, /Type one of your backup codes/);
      const viaBackup = await third.post('/signin/two-factor', { code: codes[3]!, backup: '1', _csrf: csrfToken(backupPage.body) });
      assert.equal(viaBackup.statusCode, 303);
      assert.match((await third.get('/settings')).body, /9 backup codes left\./);
      const stranger = new Agent(suite.app);
      assert.equal((await stranger.get('/signin/two-factor')).statusCode, 303, 'no ticket: back to the password');
      const noTicket = await stranger.post('/signin/two-factor', { code: codes[4]! }, '/signin');
      assert.equal(noTicket.statusCode, 401);
      assert.match(noTicket.body, /sign in again/);
      assert.equal((await stranger.get('/settings')).statusCode, 401);

      // Off, with the password; the owner is told.
      const page = await agent.get('/settings');
      const seenOff = suite.smtp.messages.length;
      const off = await agent.post('/settings/two-factor/off', { currentPassword: PASSWORD, _csrf: csrfToken(page.body) });
      assert.equal(off.statusCode, 303);
      assert.match((await agent.follow(off)).body, /Two-step verification is off\./);
      assert.equal((await suite.smtp.nextWhere((m) => m.subject !== 'New sign-in to your account', seenOff)).subject, 'Two-step verification is off');
      const plain = new Agent(suite.app);
      assert.equal((await plain.post('/signin', { login: me.username, password: PASSWORD }, '/signin')).headers.location, '/', 'the password alone signs in again');
    });
  });
}

for (const kind of testDatabaseKinds()) {
  describe(`REQUIRE_TWO_FACTOR=team on ${kind.name}`, () => {
    const suite = serverPerSuite(kind, { REQUIRE_TWO_FACTOR: 'team' });

    test('an employee without it may only set it up; members, single sign-on accounts and those who set it up are not held', async () => {
      const db = suite.database.db;
      const [employee, member, ssoEmployee] = [await makeUser(db, ['employee']), await makeUser(db), await makeUser(db, ['moderator'])];
      const signedIn = async (who: { username: string }) => {
        const agent = new Agent(suite.app);
        assert.equal((await agent.post('/signin', { login: who.username, password: PASSWORD }, '/signin')).statusCode, 303);
        return agent;
      };
      const held = await signedIn(employee);
      const home = await held.get('/');
      assert.equal(home.statusCode, 303);
      assert.equal(home.headers.location, '/settings?saved=two-factor-required');
      assert.equal((await held.get('/kb')).statusCode, 303);
      const settings = await held.follow(home);
      assert.equal(settings.statusCode, 200);
      assert.match(settings.body, /role="status">This community asks your account to use two-step verification\./);
      const refused = await held.post('/settings/profile', { displayName: 'Someone else', _csrf: csrfToken(settings.body) });
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /must use two-step verification/);
      assert.equal((await held.get('/api/v1/me')).statusCode, 403, 'nor the API with the cookie');

      const begun = await held.post('/settings/two-factor/setup', { currentPassword: PASSWORD, _csrf: csrfToken(settings.body) });
      const setup = await held.follow(begun);
      assert.equal(setup.statusCode, 200);
      const on = await held.post('/settings/two-factor/confirm', { code: codeAt(await secretOf(db, employee.id), Date.now()), _csrf: csrfToken(setup.body) });
      assert.equal(on.statusCode, 200, on.body);
      assert.equal((await held.get('/')).statusCode, 200, 'set up: no longer held');

      assert.equal((await (await signedIn(member)).get('/')).statusCode, 200, 'members are not covered by "team"');
      // An account that signs in through single sign-on has no password here.
      const ssoAgent = await signedIn(ssoEmployee);
      await db.updateTable('users').set({ password_hash: null }).where('id', '=', ssoEmployee.id).execute();
      assert.equal((await ssoAgent.get('/')).statusCode, 200);

      // The team's list, for community managers and admins: those without it first.
      const [manager, later] = [await makeUser(db, ['community_manager']), await makeUser(db, ['employee'])];
      await db.updateTable('two_factor').set({ enabled_at: '2026-12-01T09:00:00.000Z' }).where('user_id', '=', employee.id).execute();
      const managerAgent = await signedIn(manager);
      // A community manager has a password and no second step: held too, until set up (here, directly).
      await beginTwoFactorSetup(db, manager, PASSWORD, client());
      const t0 = Date.now() - 10 * 60_000;
      await confirmTwoFactorSetup(db, manager, codeAt(await secretOf(db, manager.id), t0), t0);
      const list = await managerAgent.get('/admin/two-factor');
      assert.equal(list.statusCode, 200, list.body);
      const rows = [...list.body.matchAll(/<tr data-state="(\w+)"><td><a href="\/admin\/users\/([^"]+)">/g)].map((m) => [m[2], m[1]]);
      const mine = rows.filter(([name]) => [employee, ssoEmployee, later, manager].some((u) => u.username === name));
      assert.deepEqual(mine.map(([name, state]) => state), ['off', 'sso', ...mine.slice(2).map(() => 'on')]);
      assert.equal(mine[0]![0], later.username);
      assert.ok(!rows.some(([name]) => name === member.username), 'members are not the team');
      assert.match(list.body, /The team is required to use it \(REQUIRE_TWO_FACTOR=team\)/);
      assert.match(list.body, /href="\/admin\/two-factor"/, 'in the staff menu');
      assert.equal((await (await signedIn(member)).get('/admin/two-factor')).statusCode, 403);
    });
  });
}

