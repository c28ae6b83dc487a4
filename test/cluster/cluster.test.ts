// `parley start` with WORKERS=2: the real command, two real worker processes on one port, on
// SQLite and PostgreSQL. What must hold: one preparation (migrations, demo seed printed once),
// a write through one worker drops the other worker's cached copy of the page at once, writes
// through both workers at the same time all succeed, rate limits count across workers, a dead
// worker is replaced, SIGTERM stops all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { workerExecArgv } from '../../src/cluster/primary.ts';

const bin = fileURLToPath(new URL('../../bin/parley.js', import.meta.url));

/** GET or POST over a connection of its own, so that each request may reach either worker. */
function fresh(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false, timeout: 20_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`no answer within 20 s from ${url}`)));
    req.end(opts.body);
  });
}

/** The worker processes of a primary: its children running Parley. */
function workerPids(primary: number): number[] {
  const file = `/proc/${primary}/task/${primary}/children`;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((pid) => existsSync(`/proc/${pid}/cmdline`) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('parley.js'));
}

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startParley(env: Record<string, string>): { child: ChildProcess; output: () => string; url: Promise<string> } {
  const child = spawn(process.execPath, [bin, 'start'], { env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const m = /Browse to (http:\/\/\S+?)\/\n/.exec(out);
      if (m) (clearTimeout(timer), resolve(m[1]!));
    });
    child.on('exit', (code) => (clearTimeout(timer), reject(new Error(`exited ${code}:\n${out}`))));
  });
  return { child, output: () => out, url };
}

for (const kind of testDatabaseKinds()) {
  test(`${kind.name}: two workers share the port and each other's cache drops, writes and restarts`, { timeout: 180_000 }, async () => {
    const database = await kind.open({ migrate: false });
    const parley = startParley({ DATABASE_URL: database.url, WORKERS: '2', ANON_CACHE_SECONDS: '60', SEED_DEMO: 'true', SIGNIN_RATE_LIMIT: '4', TRUST_PROXY: 'loopback' });
    try {
      const url = await parley.url;
      const out = parley.output();
      assert.match(out, /with 2 worker processes/);
      assert.equal(out.match(/the demo community is seeded/g)?.length, 1, 'the primary seeds and prints the sign-ins once');
      const pids = await until('two workers', () => (workerPids(parley.child.pid!).length === 2 ? workerPids(parley.child.pid!) : false));
      for (const pid of pids) assert.ok(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('--max-semi-space-size=32'), 'workers run with a 32 MB young generation');

      const db = database.db;
      const topic = await db
        .selectFrom('topics').innerJoin('boards', 'boards.id', 'topics.board_id').select(['topics.id', 'topics.slug', 'topics.post_count'])
        .where('boards.visibility', '=', 'public').where('topics.locked', '=', 0).where('topics.closed', '=', 0).orderBy('topics.id').executeTakeFirstOrThrow();
      const member = await db.selectFrom('users').select('id').where('username', '=', 'demo-member').executeTakeFirstOrThrow();
      const { token } = await createApiToken(db, { id: member.id, roles: new Set(['member']) }, { name: 'cluster test', expiresInDays: 1 });
      const page = `${url}/t/${topic.slug}/${topic.id}`;
      const reply = (text: string) =>
        fresh(`${url}/api/v1/topics/${topic.id}/replies`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ body: text }) });

      // Both workers store the page (each on its second visit) and serve it from their cache.
      const before = await Promise.all(Array.from({ length: 12 }, () => fresh(page)));
      assert.ok(before.every((r) => r.status === 200));
      const warm = await Promise.all(Array.from({ length: 12 }, () => fresh(page)));
      assert.ok(warm.filter((r) => r.headers['x-parley-cache'] === 'hit').length >= 10, 'served from both workers\' caches');

      // A reply through one worker: no visitor sees the page without it, whichever worker answers.
      // Letters only: a 13-digit timestamp is sometimes a valid phone number, which the guard masks.
      const text = `Cluster reply ${Date.now().toString(36).replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!)}: the fix works for us too.`;
      // Open topic pages, served by either worker (a connection each), all hear of the reply live
      // (src/notifications/live.ts publishes on the cluster bus).
      const streams = await Promise.all(Array.from({ length: 6 }, () => new Promise<{ next: Promise<string>; close: () => void }>((resolve, reject) => {
        const req = request(`${url}/live?topic=${topic.id}`, { agent: false }, (res) => {
          let buffer = '';
          res.setEncoding('utf8');
          const next = new Promise<string>((done) => res.on('data', (d: string) => {
            buffer += d;
            const m = /event: post\ndata: (.+)\n/.exec(buffer);
            if (m) done(m[1]!);
          }));
          resolve({ next, close: () => req.destroy() });
        });
        req.on('error', reject);
        req.end();
      })));
      await new Promise((r) => setTimeout(r, 300));
      const created = await reply(text);
      assert.equal(created.status, 201, created.body);
      const heard = await Promise.race([Promise.all(streams.map((s) => s.next)), new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
      streams.forEach((s) => s.close());
      assert.ok(heard, 'every open page heard the reply, whichever worker served it');
      assert.ok(heard.every((h) => JSON.parse(h).postNumber === topic.post_count + 1 && JSON.parse(h).change === 'new'));
      const after = await Promise.all(Array.from({ length: 12 }, () => fresh(page)));
      assert.deepEqual(after.map((r) => r.body.includes(text)), after.map(() => true), 'every worker dropped its copy');

      // Writes through both workers at once: none is refused with "database is locked".
      const many = await Promise.all(Array.from({ length: 24 }, (_, i) => reply(`Concurrent reply ${i} from the cluster test, with enough words to pass.`)));
      assert.deepEqual(many.map((r) => r.status), many.map(() => 201), many.find((r) => r.status !== 201)?.body);
      const { post_count } = await db.selectFrom('topics').select('post_count').where('id', '=', topic.id).executeTakeFirstOrThrow();
      assert.equal(post_count, topic.post_count + 25);

      // A new display name, saved through one worker, is what signed-in readers see beside the
      // member's posts on every worker at once (each keeps author cards for a minute otherwise).
      const password = /^ {2}demo-member\s+(\S+)/m.exec(out)![1]!;
      const jar = new Map<string, string>();
      const browse = async (path: string, form?: Record<string, string>) => {
        const headers: Record<string, string> = { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
        if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
        const r = await fresh(url + path, form ? { method: 'POST', headers, body: new URLSearchParams(form).toString() } : { headers });
        for (const c of ([] as string[]).concat((r.headers['set-cookie'] as string[] | undefined) ?? [])) {
          const [pair] = c.split(';');
          const at = pair!.indexOf('=');
          jar.set(pair!.slice(0, at), pair!.slice(at + 1));
        }
        return r;
      };
      const csrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
      const signedIn = await browse('/signin', { _csrf: csrf((await browse('/signin')).body), login: 'demo-member', password });
      assert.equal(signedIn.status, 303, signedIn.body);
      for (let i = 0; i < 4; i++) assert.match((await browse(`/t/${topic.slug}/${topic.id}?page=${Math.ceil((topic.post_count + 25) / 20)}`)).body, /Concurrent reply/);
      const renamed = await browse('/settings/profile', { _csrf: csrf((await browse('/settings')).body), displayName: 'Mara Renamed-Everywhere', bio: '' });
      assert.ok(renamed.status < 400, renamed.body);
      const lastPage = `/t/${topic.slug}/${topic.id}?page=${Math.ceil((topic.post_count + 25) / 20)}`;
      const seen = await Promise.all(Array.from({ length: 8 }, () => browse(lastPage)));
      assert.deepEqual(seen.map((r) => r.body.includes('Mara Renamed-Everywhere')), seen.map(() => true), 'every worker shows the new name');

      // Sign-in attempts from one address (forwarded by the test, a trusted loopback "proxy") are counted once for the server, whichever worker
      // takes them (SIGNIN_RATE_LIMIT=4): the fifth is refused even though each worker saw only
      // two or three.
      const attempt = () => fresh(`${url}/signin`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.7' }, body: 'login=nobody&password=wrong' });
      const attempts = [];
      for (let i = 0; i < 5; i++) attempts.push((await attempt()).status);
      assert.deepEqual(attempts.map((status) => status === 429), [false, false, false, false, true], attempts.join(' '));

      // A worker that dies is replaced; the other keeps serving meanwhile. (A connection the
      // primary hands over in the instant before it learns of the death is lost with the worker.)
      process.kill(pids[0]!, 'SIGKILL');
      const stopped = () => parley.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((e) => e.msg === 'a worker stopped; starting another');
      await until('the primary to notice', stopped);
      assert.equal((await fresh(`${url}/`)).status, 200);
      const replaced = await until('a new worker', () => {
        const now = workerPids(parley.child.pid!);
        return now.length === 2 && !now.includes(pids[0]!) ? now : false;
      });
      assert.ok(replaced.includes(pids[1]!));
      await until('the new worker serving', async () => (await Promise.all([fresh(`${url}/`), fresh(`${url}/`)])).every((r) => r.status === 200));
      assert.deepEqual({ ...stopped(), time: 0, hostname: '' }, { level: 40, time: 0, pid: parley.child.pid, hostname: '', worker: 1, workerPid: pids[0], exit: 'SIGKILL', restartInMs: 500, msg: 'a worker stopped; starting another' });

      const workers = workerPids(parley.child.pid!);
      parley.child.kill('SIGTERM');
      await new Promise((r) => (parley.child.exitCode === null ? parley.child.once('exit', r) : r(null)));
      assert.equal(parley.child.exitCode, 0, parley.output());
      for (const pid of workers) assert.equal(existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '), false, `worker ${pid} stopped`);
    } finally {
      if (parley.child.exitCode === null) parley.child.kill('SIGKILL');
      await database.drop();
    }
  });
}

test("workers get a 32 MB young generation unless the operator chose a size", () => {
  assert.deepEqual(workerExecArgv(['--enable-source-maps'], undefined), ['--enable-source-maps', '--max-semi-space-size=32']);
  assert.deepEqual(workerExecArgv([], '--max-old-space-size=512'), ['--max-semi-space-size=32']);
  assert.deepEqual(workerExecArgv(['--max-semi-space-size=64'], undefined), ['--max-semi-space-size=64'], 'on the command line');
  assert.deepEqual(workerExecArgv([], '--max-old-space-size=512 --max_semi_space_size=8'), [], 'in NODE_OPTIONS (which workers inherit)');
});

test('a worker that cannot listen stops start-up with its reason and a non-zero exit', { timeout: 60_000 }, async () => {
  const taken = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => taken.once('listening', r));
  const port = (taken.address() as { port: number }).port;
  const [database] = await Promise.all([testDatabaseKinds()[0]!.open({ migrate: false })]);
  try {
    const r = spawnSync(process.execPath, [bin, 'start'], {
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), WORKERS: '2', DATABASE_URL: database!.url, SEED_DEMO: 'false', LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /parley: .*EADDRINUSE|address already in use/);
  } finally {
    taken.close();
    await database!.drop();
  }
});
