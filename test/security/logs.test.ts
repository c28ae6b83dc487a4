// What the logs never carry (docs/security.md, "What is logged"): passwords, tokens, cookies,
// e-mail addresses, query strings, usernames in addresses, and the subject of e-mails (which
// names members and topics). Checked on the real server's JSON log lines for a sign-in, a
// password-reset request, a profile page, an API call with a Bearer token and a failed request,
// and on the mailer's log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { buildServer } from '../../src/web/server.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import { loggerOptions } from '../../src/log.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';

const PASSWORD = 'correct horse battery staple';
const scratch = (what: string) => mkdtempSync(join(tmpdir(), `parley-${what}-`));

describe('the logs carry no secrets or personal data', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  const lines: string[] = [];
  before(async () => {
    database = await testDatabaseKinds()[0]!.open();
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, SEED_DEMO: 'false', PORT: '0', SIGNIN_RATE_LIMIT: '1000', ANON_CACHE_SECONDS: '0', UPLOADS_DIR: scratch('uploads'), OUTBOX_DIR: scratch('outbox'), LOG_LEVEL: 'info' });
    const stream = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const options = loggerOptions('info') as Record<string, unknown>;
    app = await buildServer({ config, database, logger: { ...options, stream } });
    await makeUser(database.db, [], 'logged_lou');
  });
  after(async () => {
    await app.close();
    await database.drop();
  });

  test('sign-in, reset request, profile, Bearer API call and a failing request leave no secret in the log', async () => {
    const a = new Agent(app);
    assert.equal((await a.post('/signin', { login: 'logged_lou@example.com', password: PASSWORD }, '/signin')).statusCode, 303);
    await a.post('/password/forgot', { email: 'logged_lou@example.com' }, '/password/forgot');
    await a.get('/u/logged_lou?secretquery=zqquerysecret');
    await app.inject({ url: '/api/v1/me', headers: { authorization: 'Bearer zqbearertoken123' } });
    await app.inject({ url: '/verify-email?token=zqemailtoken456' });
    const log = lines.join('');
    assert.ok(lines.length >= 5, `requests are logged (${lines.length} lines)`);
    for (const secret of [PASSWORD, 'logged_lou@example.com', 'zqquerysecret', 'zqbearertoken123', 'zqemailtoken456', ...a.cookies.values()]) {
      assert.ok(!log.includes(secret), `the log does not contain ${secret.slice(0, 12)}…`);
    }
    assert.doesNotMatch(log, /\/u\/logged_lou/, 'requests are logged by route pattern, not by address');
    assert.match(log, /"route":"\/u\/:username"/);
  });
});

test('the mailer logs neither recipient nor subject', async () => {
  const seen: unknown[] = [];
  const log = { info: (...args: unknown[]) => seen.push(args) } as unknown as FastifyBaseLogger;
  const mailer = createMailer({ smtpUrl: undefined, from: 'Parley <no-reply@localhost>', outboxDir: join(scratch('outbox'), 'o'), log });
  await mailer.send({ to: 'ann.private@example.com', subject: 'Zqauthorname mentioned you in “Zqstafftitle rota”', text: 'x' });
  assert.equal(seen.length, 1);
  assert.doesNotMatch(JSON.stringify(seen), /ann\.private|Zqauthorname|Zqstafftitle/);
});
