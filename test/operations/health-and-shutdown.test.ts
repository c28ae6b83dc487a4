// Health and operations (issue 15, point 5): /readyz for load balancers, and graceful shutdown of
// a real `parley start` process: SIGTERM lets a request in flight finish, then the process exits 0.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { seedDemo } from '../../src/seed/seed-demo.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';

const bin = fileURLToPath(new URL('../../bin/parley.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'parley-ops-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

for (const kind of testDatabaseKinds()) {
  describe(`/readyz on ${kind.name}`, () => {
    test('200 when the database answers and every migration is applied; 503 with the reason otherwise; /healthz stays 200', async () => {
      const database = await kind.open();
      const app = await testServer(database);
      try {
        const ok = await app.inject('/readyz');
        assert.equal(ok.statusCode, 200);
        assert.deepEqual(ok.json(), { ready: true, database: 'ok', migrations: 'ok', redis: 'off' });
        assert.equal(ok.headers['cache-control'], 'no-store');
        await database.close();
        const down = await app.inject('/readyz');
        assert.equal(down.statusCode, 503);
        assert.deepEqual(down.json(), { ready: false, database: 'unreachable', migrations: 'ok', redis: 'off' });
        assert.equal((await app.inject('/healthz')).statusCode, 200);
      } finally {
        await app.close();
        await database.drop().catch(() => {});
      }
    });

    test('503 "pending" while a migration is missing (a newer Parley started on an old database)', async () => {
      const database = await kind.open();
      await database.db.deleteFrom('kysely_migration' as never).where('name' as never, '=', '017_account_security' as never).execute();
      const app = await testServer(database);
      try {
        const r = await app.inject('/readyz');
        assert.equal(r.statusCode, 503);
        assert.deepEqual(r.json(), { ready: false, database: 'ok', migrations: 'pending', redis: 'off' });
      } finally {
        await app.close();
        await database.drop();
      }
    });
  });
}

/** A seeded SQLite installation with an API token of a demo member and one topic to reply to. */
async function installation(): Promise<{ url: string; token: string; topicId: number }> {
  const url = `file:${mkdtempSync(join(scratch, 'db-'))}/parley.db`;
  const database = await openDatabase(url);
  try {
    await migrateToLatest(database);
    await seedDemo(database.db);
    const user = await database.db.selectFrom('users').select('id').orderBy('id').executeTakeFirstOrThrow();
    const { token } = await createApiToken(database.db, { id: user.id, roles: new Set(['member']) }, { name: 'shutdown test' });
    const topic = await database.db.selectFrom('topics').select('id').orderBy('id').executeTakeFirstOrThrow();
    return { url, token, topicId: topic.id };
  } finally {
    await database.close();
  }
}

async function startParley(env: Record<string, string>): Promise<{ child: ChildProcess; base: string; output: () => string; exit: Promise<number | null> }> {
  const child = spawn(process.execPath, [bin, 'start'], { env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SEED_DEMO: 'false', WORKERS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const m = /Browse to (http:\/\/\S+?)\/\n/.exec(out);
      if (m) (clearTimeout(timer), resolve(m[1]!));
    });
    void exit.then((code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
  return { child, base, output: () => out, exit };
}

/** Sends a request's head and the first half of its body now; the rest when told to. */
function slowRequest(base: string, path: string, token: string, body: string) {
  const { hostname, port } = new URL(base);
  const socket: Socket = connect(Number(port), hostname);
  let response = '';
  socket.on('data', (d) => (response += d));
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(response)));
  socket.on('error', () => {});
  const bytes = Buffer.from(body);
  const half = Math.floor(bytes.length / 2);
  socket.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`);
  socket.write(bytes.subarray(0, half));
  return { finish: () => socket.write(bytes.subarray(half)), response: closed };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('graceful shutdown of parley start', () => {
  test('SIGTERM during a slow request: no new connections, the request completes (201, stored), the process exits 0', async () => {
    const { url, token, topicId } = await installation();
    const server = await startParley({ DATABASE_URL: url, SHUTDOWN_TIMEOUT_SECONDS: '20' });
    try {
      assert.equal((await fetch(`${server.base}/readyz`)).status, 200);
      const text = 'Posted while the server was being stopped: it still arrives.';
      const request = slowRequest(server.base, `/api/v1/topics/${topicId}/replies`, token, JSON.stringify({ body: text }));
      await sleep(500); // the server has the request's head: the request is in flight
      const signalledAt = Date.now();
      server.child.kill('SIGTERM');
      await sleep(1000);
      // Stopped accepting: a new connection is refused while the old one is still served.
      await assert.rejects(fetch(`${server.base}/healthz`), (err: Error & { cause?: { code?: string } }) => err.cause?.code === 'ECONNREFUSED');
      assert.equal(server.child.exitCode, null, 'still running while a request is in flight');
      request.finish();
      const response = await request.response;
      assert.match(response, /^HTTP\/1\.1 201 /, response);
      assert.ok(response.includes(text), response);
      assert.equal(await server.exit, 0, server.output());
      assert.ok(Date.now() - signalledAt < 10_000, 'exited without waiting for the deadline');
      // The database was closed cleanly with the reply in it.
      const database = await openDatabase(url);
      const stored = await database.db.selectFrom('posts').select('id').where('body_markdown', '=', text).execute();
      await database.close();
      assert.equal(stored.length, 1);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  test('a request that outlives SHUTDOWN_TIMEOUT_SECONDS is cut at the deadline and the process exits 1, saying why', async () => {
    const { url, token, topicId } = await installation();
    const server = await startParley({ DATABASE_URL: url, SHUTDOWN_TIMEOUT_SECONDS: '1' });
    try {
      const request = slowRequest(server.base, `/api/v1/topics/${topicId}/replies`, token, JSON.stringify({ body: 'Never finished.' }));
      await sleep(500);
      const signalledAt = Date.now();
      server.child.kill('SIGTERM');
      assert.equal(await server.exit, 1, server.output());
      const took = Date.now() - signalledAt;
      assert.ok(took >= 900 && took < 5000, `${took} ms`);
      assert.match(server.output(), /still running after 1 s \(SHUTDOWN_TIMEOUT_SECONDS\)/);
      assert.equal(await request.response, '', 'the connection was closed without a response');
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});

describe('a clustered parley start (WORKERS=2)', () => {
  test('/metrics counts every worker; SIGTERM lets a request in flight finish and the whole server exits 0', async () => {
    const { url, token, topicId } = await installation();
    const metricsToken = 'a-long-enough-metrics-token-42';
    const server = await startParley({ DATABASE_URL: url, WORKERS: '2', SHUTDOWN_TIMEOUT_SECONDS: '20', METRICS_TOKEN: metricsToken });
    try {
      // New connections each time, so that Node's cluster hands them to both workers in turn.
      const N = 30;
      for (let i = 0; i < N; i++) assert.equal((await fetch(`${server.base}/healthz`, { headers: { connection: 'close' } })).status, 200);
      const metrics = await (await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}`, connection: 'close' } })).text();
      const line = metrics.split('\n').find((l) => l.startsWith('parley_http_requests_total{method="GET",route="/healthz",status="200"}'));
      assert.equal(Number(line?.split(' ').at(-1)), N, `the sum over both workers:\n${line}`);

      const text = 'Posted to a clustered server while it was being stopped.';
      const request = slowRequest(server.base, `/api/v1/topics/${topicId}/replies`, token, JSON.stringify({ body: text }));
      await sleep(500);
      server.child.kill('SIGTERM');
      await sleep(1000);
      assert.equal(server.child.exitCode, null, 'still running while a request is in flight');
      request.finish();
      const response = await request.response;
      assert.match(response, /^HTTP\/1\.1 201 /, response);
      assert.equal(await server.exit, 0, server.output());
      const database = await openDatabase(url);
      const stored = await database.db.selectFrom('posts').select('id').where('body_markdown', '=', text).execute();
      await database.close();
      assert.equal(stored.length, 1);
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});
