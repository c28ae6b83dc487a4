import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { migrationNames } from '../../src/db/migrate.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { verifyPassword } from '../../src/accounts/passwords.ts';

const bin = fileURLToPath(new URL('../../bin/parley.js', import.meta.url));
const tempDb = () => `file:${join(mkdtempSync(join(tmpdir(), 'parley-cli-')), 'parley.db')}`;

function parley(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('--help lists start, migrate, seed and user administration', () => {
  const r = parley(['--help']);
  assert.equal(r.code, 0);
  for (const cmd of ['start', 'migrate', 'seed', 'user']) assert.match(r.out, new RegExp(`\\n  ${cmd}\\b`));
  const u = parley(['user', '--help']);
  for (const cmd of ['create', 'grant', 'revoke', 'show']) assert.match(u.out, new RegExp(`\\n  ${cmd}\\b`));
});

test('migrate, create a user, grant and revoke a role', () => {
  const env = { DATABASE_URL: tempDb() };
  assert.match(parley(['migrate'], env).out, new RegExp(`Applied ${migrationNames().length} migration\\(s\\): ${migrationNames().join(', ')}\n`));
  assert.match(parley(['migrate'], env).out, /up to date/);
  const created = parley(['user', 'create', '--username', 'dana', '--email', 'dana@brightwave.example', '--name', 'Dana K', '--role', 'moderator'], { ...env, PARLEY_PASSWORD: 'a strong passphrase' });
  assert.equal(created.code, 0, created.err);
  assert.match(created.out, /Created user dana \(id \d+\) with roles: member, moderator/);
  assert.match(parley(['user', 'grant', 'dana', 'community-manager', '--reason', 'promoted'], env).out, /Granted community_manager to dana\. Roles now: .*community_manager/);
  assert.match(parley(['user', 'grant', 'DANA@brightwave.example', 'community_manager'], env).out, /Nothing to change/);
  assert.match(parley(['user', 'revoke', 'dana', 'moderator'], env).out, /Revoked moderator from dana\. Roles now: member, community_manager|Revoked moderator from dana\. Roles now: community_manager, member/);
  assert.match(parley(['user', 'show', 'dana'], env).out, /dana \(id \d+\) "Dana K"/);
});

test('user set-password: a new password from PARLEY_PASSWORD, checked like any; unknown users and weak passwords refused', async () => {
  const env = { DATABASE_URL: tempDb() };
  assert.equal(parley(['user', 'create', '--username', 'erin', '--email', 'erin@example.com'], { ...env, PARLEY_PASSWORD: 'a strong passphrase' }).code, 0);
  const set = parley(['user', 'set-password', 'erin'], { ...env, PARLEY_PASSWORD: 'lantern quietly orbits marble' });
  assert.equal(set.code, 0, set.err);
  assert.match(set.out, /Password set for erin; their sessions have ended\./);
  const file = env.DATABASE_URL.slice('file:'.length);
  const row = new Database(file, { readonly: true }).prepare('select password_hash from users where username = ?').get('erin') as { password_hash: string };
  assert.ok(await verifyPassword(row.password_hash, 'lantern quietly orbits marble'));
  const weak = parley(['user', 'set-password', 'erin'], { ...env, PARLEY_PASSWORD: 'short' });
  assert.equal(weak.code, 2);
  assert.match(weak.err, /at least 10 characters/);
  const nobody = parley(['user', 'set-password', 'nobody'], { ...env, PARLEY_PASSWORD: 'lantern quietly orbits marble' });
  assert.equal(nobody.code, 2);
  assert.match(nobody.err, /No user "nobody"/);
  // No terminal and no PARLEY_PASSWORD: a message, not a hang.
  const none = spawnSync(process.execPath, [bin, 'user', 'set-password', 'erin'], { env: { ...process.env, ...env, PARLEY_PASSWORD: '' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(none.status, 2);
  assert.match(none.stderr, /No password given/);
});

test('bad input: a clear message and a non-zero exit, nothing written', () => {
  const env = { DATABASE_URL: tempDb() };
  const badRole = parley(['user', 'grant', 'nobody', 'overlord'], env);
  assert.equal(badRole.code, 2);
  assert.match(badRole.err, /Unknown role "overlord"/);
  const noUser = parley(['user', 'grant', 'nobody', 'employee'], env);
  assert.equal(noUser.code, 2);
  assert.match(noUser.err, /No user "nobody"/);
  const weak = parley(['user', 'create', '--username', 'xone', '--email', 'xone@example.com'], { ...env, PARLEY_PASSWORD: 'short' });
  assert.equal(weak.code, 2);
  assert.match(weak.err, /at least 10 characters/);
  const noPassword = spawnSync(process.execPath, [bin, 'user', 'create', '--username', 'xtwo', '--email', 'xtwo@example.com'], { env: { ...process.env, ...env, PARLEY_PASSWORD: '' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(noPassword.status, 2);
  assert.match(noPassword.stderr, /set PARLEY_PASSWORD/);
  assert.match(parley(['user', 'show', 'xone'], env).err, /No user "xone"/);
  const missingOption = parley(['user', 'create', '--username', 'xthree'], env);
  assert.notEqual(missingOption.code, 0);
  assert.match(missingOption.err, /required option '--email <address>'/);
});

test('start refuses a bad setting or an unreachable database, naming it', () => {
  const badPort = parley(['start'], { PORT: 'eighty', DATABASE_URL: tempDb() });
  assert.equal(badPort.code, 78);
  assert.match(badPort.err, /PORT/);
  const noDb = parley(['migrate'], { DATABASE_URL: 'postgres://parley:hunter2@127.0.0.1:1/parley' });
  assert.equal(noDb.code, 1);
  assert.match(noDb.err, /cannot reach PostgreSQL at postgres:\/\/parley:\*\*\*@127\.0\.0\.1:1\/parley/);
  assert.doesNotMatch(noDb.err, /hunter2/);
});

test('start seeds an empty database, prints demo sign-ins once, serves pages, and logs no secrets', async () => {
  const env = { ...process.env, DATABASE_URL: tempDb(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  const child = spawn(process.execPath, [bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start within 60 s:\n${out}`)), 60_000);
      child.stdout.on('data', () => {
        const m = /Browse to (http:\/\/\S+?)\/\n/.exec(out);
        if (m) (clearTimeout(timer), resolve(m[1]!));
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
    });
    const logins = [...out.matchAll(/^ {2}(demo-\S+)\s+(\S+)\s+/gm)].map((m) => ({ username: m[1]!, password: m[2]! }));
    assert.ok(logins.length >= 4, out);
    // One framed block, after the log lines: no JSON log line inside it; it names the demo's company domain.
    const block = out.slice(out.indexOf('='.repeat(78)), out.lastIndexOf('='.repeat(78)));
    assert.ok(block.includes('demo-member'), out);
    assert.ok(!block.split('\n').some((l) => l.startsWith('{')), 'no log line inside the block');
    assert.match(block, /Company e-mail domain: brightwave\.example/);
    assert.match(block, /user set-password/);
    const home = await fetch(`${url}/`);
    assert.equal(home.status, 200);
    const homeHtml = await home.text();
    assert.match(homeHtml, /Boards/);
    assert.match(homeHtml, /<span class="brand-name">Brightwave Community<\/span>/, 'the demo says whose community it is');
    await fetch(`${url}/b/home-internet?token=very-secret-token`);
    await new Promise((r) => setTimeout(r, 300));
    // Pino lines carry the route pattern, never the query string; passwords appear only in the one-time table.
    const logLines = out.split('\n').filter((l) => l.startsWith('{'));
    assert.ok(logLines.some((l) => l.includes('"route":"/b/:slug"')), 'requests are logged');
    assert.ok(!logLines.some((l) => l.includes('very-secret-token')));
    for (const { password } of logins) assert.ok(!logLines.some((l) => l.includes(password)));
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  assert.equal(child.exitCode, 0, 'stops cleanly on SIGTERM');
});

test('output piped into a reader that stops (| head) ends quietly, not with an EPIPE crash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
  const input = join(dir, 'posts.jsonl');
  writeFileSync(input, Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ text: `Post ${i}: the export still fails for our team.` })).join('\n'));
  const child = spawn(process.execPath, [bin, 'guard', 'scan', '--jsonl', input], { env: { ...process.env, DATABASE_URL: `file:${join(dir, 'parley.db')}` }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  await new Promise((resolve) => child.stdout.once('data', resolve));
  child.stdout.destroy(); // what `head -1` does once it has its line
  const code = await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, err);
  assert.doesNotMatch(err, /EPIPE/);
});

test('board moderators from the command line: assigned, listed, removed; unknown boards refused', () => {
  const url = tempDb();
  const env = { DATABASE_URL: url };
  assert.equal(parley(['migrate'], env).code, 0);
  assert.equal(parley(['user', 'create', '--username', 'bea', '--email', 'bea@example.com', '--name', 'Bea'], { ...env, PARLEY_PASSWORD: 'a strong passphrase' }).code, 0);
  const sqlite = new Database(url.slice('file:'.length));
  sqlite.prepare("INSERT INTO boards (name, slug, description, visibility, position, topic_count, post_count, created_at) VALUES ('Help', 'help', '', 'public', 1, 0, 0, '2026-01-01T00:00:00.000Z')").run();
  sqlite.close();
  const added = parley(['user', 'moderate-board', 'bea', 'help'], env);
  assert.equal(added.code, 0, added.err);
  assert.match(added.out, /bea moderates: help/);
  const bad = parley(['user', 'moderate-board', 'bea', 'no-such-board'], env);
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /No board "no-such-board"/);
  assert.match(parley(['user', 'unmoderate-board', 'bea@example.com', 'help'], env).out, /bea moderates: no boards/);
});

test('db maintain: statistics refreshed (ANALYZE on SQLite, VACUUM ANALYZE on PostgreSQL)', async () => {
  const env = { DATABASE_URL: tempDb() };
  const r = parley(['db', 'maintain'], env);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /ANALYZE: \d+\.\d s/);
  assert.match(r.out, /maintained/);
  const file = new Database(env.DATABASE_URL.slice('file:'.length));
  assert.ok((file.prepare("select count(*) as n from sqlite_master where name = 'sqlite_stat1'").get() as { n: number }).n === 1, 'statistics written');
  file.close();
  const postgres = testDatabaseKinds().find((k) => k.name === 'postgres');
  if (postgres) {
    const own = await postgres.open();
    try {
      const pgRun = parley(['db', 'maintain'], { DATABASE_URL: own.url });
      assert.equal(pgRun.code, 0, pgRun.err);
      assert.match(pgRun.out, /VACUUM \(ANALYZE\): \d+\.\d s/);
    } finally {
      await own.drop();
    }
  }
  const bad = parley(['db', 'maintain'], { DATABASE_URL: 'mysql://nowhere' });
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /DATABASE_URL/);
});
