// "New sign-in to your account": who is told and when (a real database, SQLite and PostgreSQL when
// configured), and the e-mail itself through a real SMTP server, in the owner's language.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { noteSignIn } from '../../src/accounts/new-sign-in-notice.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { serverWithSmtpPerSuite } from '../helpers/smtp.ts';
import { Agent } from '../helpers/browserless-agent.ts';

const PASSWORD = 'correct horse battery staple';
const FIREFOX_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0';

for (const kind of testDatabaseKinds()) {
  describe(`new sign-in notice on ${kind.name}`, () => {
    const suite = serverWithSmtpPerSuite(kind);

    test('told: a browser new to an account that signed in before; not told: the first sign-in, or a browser it used', async () => {
      const db = suite.database.db;
      const me = await makeUser(db);
      assert.equal(await noteSignIn(db, me.id, false, '2026-12-01T10:00:00.000Z'), false, 'the first sign-in of the account');
      assert.equal(await noteSignIn(db, me.id, true, '2026-12-02T10:00:00.000Z'), false, 'a browser it used');
      assert.equal(await noteSignIn(db, me.id, false, '2026-12-03T10:00:00.000Z'), true, 'a new browser');
      assert.equal((await db.selectFrom('users').select('last_sign_in_at').where('id', '=', me.id).executeTakeFirstOrThrow()).last_sign_in_at, '2026-12-03T10:00:00.000Z');
    });

    test('over HTTP: a second browser signing in e-mails the owner, naming it, with what to do; in Dutch for a Dutch account', { timeout: 30_000 }, async () => {
      const db = suite.database.db;
      const me = await makeUser(db);
      const before = suite.smtp.messages.length;
      const laptop = new Agent(suite.app, undefined, FIREFOX_MAC);
      assert.equal((await laptop.post('/signin', { login: me.username, password: PASSWORD }, '/signin')).statusCode, 303);
      // The same browser again (it has the device cookie): nothing; then a new one.
      assert.equal((await laptop.post('/signin', { login: me.username, password: PASSWORD }, '/signin')).statusCode, 303);
      const seen = suite.smtp.messages.length;
      const stranger = new Agent(suite.app, '203.0.113.9', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36');
      assert.equal((await stranger.post('/signin', { login: me.username, password: PASSWORD }, '/signin')).statusCode, 303);
      const mail = await suite.smtp.nextWhere((m) => (m.to as { text: string }).text === `${me.username}@example.com`, seen);
      assert.equal(mail.subject, 'New sign-in to your account');
      assert.match(mail.text!, /from a browser it had not used before: Chrome 131 on Windows 10, at \d{4}-\d\d-\d\d \d\d:\d\d UTC\./);
      assert.match(mail.text!, /http:\/\/community\.test\/password\/forgot/);
      assert.ok(!mail.text!.includes('203.0.113.9'), 'no address');
      const toMe = suite.smtp.messages.slice(before).filter((m) => (m.to as { text: string }).text === `${me.username}@example.com`);
      assert.equal(toMe.length, 1, 'the laptop\'s sign-ins said nothing');

      const dutch = await makeUser(db);
      await db.updateTable('users').set({ locale: 'nl', last_sign_in_at: '2026-12-01T10:00:00.000Z' }).where('id', '=', dutch.id).execute();
      const seenNl = suite.smtp.messages.length;
      assert.equal((await new Agent(suite.app).post('/signin', { login: dutch.username, password: PASSWORD }, '/signin')).statusCode, 303);
      const nl = await suite.smtp.nextWhere((m) => (m.to as { text: string }).text === `${dutch.username}@example.com`, seenNl);
      assert.equal(nl.subject, 'Nieuwe aanmelding bij je account');
    });
  });
}
