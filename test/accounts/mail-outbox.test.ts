import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { simpleParser } from 'mailparser';
import { createMailer } from '../../src/mail/mailer.ts';
import { issueEmailToken, peekEmailToken } from '../../src/accounts/email-tokens.ts';
import { signUp } from '../../src/accounts/sign-up.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';

function recordingLog() {
  const lines: { obj: Record<string, unknown>; msg: string }[] = [];
  const log = { info: (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg }) } as unknown as FastifyBaseLogger;
  return { log, lines };
}

test('without SMTP, e-mail goes to the outbox folder as .eml, and the log says where — not to whom', async () => {
  const outbox = join(mkdtempSync(join(tmpdir(), 'parley-outbox-')), 'outbox');
  const { log, lines } = recordingLog();
  const mailer = createMailer({ smtpUrl: undefined, from: 'Parley <no-reply@localhost>', outboxDir: outbox, log });
  const database = await testDatabaseKinds()[0]!.open();
  try {
    await signUp(database.db, mailer, 'http://localhost:3000', { email: 'newbie@example.com', username: 'newbie', displayName: 'New Bie', password: 'marble Otter quietly 31' });
    const files = readdirSync(outbox);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /\.eml$/);
    const eml = readFileSync(join(outbox, files[0]!), 'utf8');
    assert.match(eml, /^To: newbie@example\.com$/m);
    assert.match(eml, /Subject: Confirm your e-mail address/);
    const parsed = await simpleParser(eml);
    const token = /verify-email\?token=([\w-]+)/.exec(parsed.text!)![1]!;
    assert.ok(await peekEmailToken(database.db, token, 'verify_email'));
    assert.equal(lines.length, 1);
    assert.match(lines[0]!.msg, /written to the outbox folder/);
    assert.equal(lines[0]!.obj.file, join(outbox, files[0]!));
    assert.doesNotMatch(JSON.stringify(lines), /newbie@example\.com/, 'the log does not name the recipient');
  } finally {
    await database.drop();
  }
});

test('expired and forged links are refused with a clear message', async () => {
  const database = await testDatabaseKinds()[0]!.open();
  try {
    const { id } = await database.db
      .insertInto('users')
      .values({ username: 'x_user', username_lower: 'x_user', email: 'x@example.com', email_lower: 'x@example.com', email_verified_at: null, display_name: 'X', password_hash: null, bio: '', created_at: new Date().toISOString(), deleted_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const token = await issueEmailToken(database.db, id, 'reset_password', 'x@example.com');
    await database.db.updateTable('email_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).execute();
    await assert.rejects(peekEmailToken(database.db, token, 'reset_password'), /invalid or has expired/);
    await assert.rejects(peekEmailToken(database.db, token.slice(0, -2) + 'xx', 'reset_password'), /invalid or has expired/);
    const fresh = await issueEmailToken(database.db, id, 'verify_email', 'x@example.com');
    await assert.rejects(peekEmailToken(database.db, fresh, 'reset_password'), /invalid or has expired/, 'a verify link is not a reset link');
  } finally {
    await database.drop();
  }
});
