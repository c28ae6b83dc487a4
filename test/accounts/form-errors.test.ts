// Issue 18: a form with several wrong fields says so for every field at once, next to each, and
// keeps what was typed; the browser's own checks are on (no `novalidate`).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';

let database: TestDatabase;
let app: FastifyInstance;
before(async () => {
  database = await testDatabaseKinds()[0]!.open();
  app = await testServer(database);
});
after(async () => {
  await app.close();
  await database.drop();
});

test('sign-up: every wrong field gets its message beside it, marked invalid, with the values kept', async () => {
  const a = new Agent(app);
  const form = (await a.get('/signup')).body;
  assert.doesNotMatch(form, /novalidate/);
  const res = await a.post('/signup', { email: 'not-an-address', username: 'x', displayName: 'Kim <b>', password: 'short' }, '/signup');
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /Please correct the 3 fields marked below\./);
  for (const [field, message] of [['email', 'Enter a valid e-mail address'], ['username', 'at least 3 characters'], ['password', 'at least 10 characters']]) {
    assert.match(res.body, new RegExp(`id="${field}"[^>]*aria-invalid="true" aria-describedby="${field}-error"`), field);
    assert.match(res.body, new RegExp(`<p class="field-error" id="${field}-error">[^<]*${message}`), field);
  }
  assert.match(res.body, /value="not-an-address"/);
  assert.match(res.body, /value="Kim &lt;b&gt;"/, 'kept, and escaped');
  assert.equal(await database.db.selectFrom('users').select('id').executeTakeFirst(), undefined, 'nothing was created');
  // One wrong field: its message beside it, no summary.
  const one = await a.post('/signup', { email: 'kim@example.com', username: 'kim_k', displayName: 'Kim K', password: 'short' }, '/signup');
  assert.doesNotMatch(one.body, /Please correct/);
  assert.match(one.body, /<p class="field-error" id="password-error">Password must be at least 10 characters<\/p>/);
});

test('the verification mail has a plain-text part with the whole link and an HTML part with a button', async () => {
  const { sendVerification } = await import('../../src/accounts/sign-up.ts');
  const { makeUser } = await import('../helpers/fixtures.ts');
  const nodemailer = (await import('nodemailer')).default;
  const { simpleParser } = await import('mailparser');
  const user = await makeUser(database.db, [], 'vera_v');
  const sent: Buffer[] = [];
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const mailer = { send: async (mail: object) => void sent.push((await transport.sendMail({ from: 'x@example.com', ...mail })).message as Buffer), close: () => {} };
  await sendVerification(database.db, mailer, 'https://community.example', user.id, 'vera@example.com');
  const parsed = await simpleParser(sent[0]!);
  const link = /https:\/\/community\.example\/verify-email\?token=[\w-]+/.exec(parsed.text ?? '')?.[0];
  assert.ok(link && link.length > 60, parsed.text);
  assert.ok((parsed.text ?? '').split('\n').includes(link), 'the link stands whole on its own line');
  const html = String(parsed.html);
  assert.match(html, new RegExp(`<a href="${link.replace(/[?.]/g, '\\$&')}" style="display:inline-block[^"]*">Confirm my e-mail address</a>`));
});
