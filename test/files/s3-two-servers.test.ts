// Shared files in S3-compatible object storage (issue 15, points 2 and 3): two Parley servers
// (`parley start`, real processes on two ports) share one database and one bucket on a real
// S3-compatible server (s3rver, started here). An avatar uploaded through one is served by the
// other, with a week of caching, the same strong ETag and 304 on If-None-Match; the bytes are in
// the bucket, not in the database; replacing it through the other server removes the old object.
// (Attachments are text kept in the database: they do not go through the file store.)
// Runs on SQLite (both servers on one file) and, with PARLEY_TEST_DATABASE_URL, on PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import sharp from 'sharp';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';

const bin = fileURLToPath(new URL('../../bin/parley.js', import.meta.url));
// Ports of this test's range (4210-4229): the S3 server, and two Parley servers per database.
const S3_PORT = 4210;
const BUCKET = 'parley-files';
// s3rver's built-in account: requests are signed (SigV4) and checked with it.
const KEYS = { S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER' };

type Res = { status: number; headers: Record<string, string | string[] | undefined>; body: string; bytes: Buffer };
function http(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: bytes.toString('utf8'), bytes });
      });
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`no answer within 20 s from ${url}`)));
    req.end(opts.body);
  });
}

interface Server {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

async function startServer(port: number, database: TestDatabase, env: Record<string, string>): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, [bin, 'start'], {
    env: {
      ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), WORKERS: '1', DATABASE_URL: database.url, LOG_LEVEL: 'warn', SEED_DEMO: 'true',
      OUTBOX_DIR: mkdtempSync(join(tmpdir(), 'parley-outbox-')), UPLOADS_DIR: mkdtempSync(join(tmpdir(), 'parley-uploads-')), PUBLIC_URL: `http://127.0.0.1:${port}`,
      SECRET_KEY: 's3-two-servers-test-secret-key-0123456789abcdef', GUARD_KEY_FILE: join(tmpdir(), 'parley-s3-two-servers-guard.key'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', () => /Browse to /.test(out) && (clearTimeout(timer), resolve()));
    child.on('exit', (code) => (clearTimeout(timer), reject(new Error(`exited ${code}:\n${out}`))));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** A signed-in browser without JavaScript: a cookie jar over any of the servers. */
function browser() {
  const jar = new Map<string, string>();
  const go = async (url: string, body?: { form?: Record<string, string>; multipart?: { type: string; payload: Buffer } }) => {
    const headers: Record<string, string> = { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
    let payload: string | Buffer | undefined;
    if (body?.form) (headers['content-type'] = 'application/x-www-form-urlencoded'), (payload = new URLSearchParams(body.form).toString());
    if (body?.multipart) (headers['content-type'] = body.multipart.type), (payload = body.multipart.payload);
    const r = await http(url, { method: payload ? 'POST' : 'GET', headers, body: payload });
    for (const c of ([] as string[]).concat(r.headers['set-cookie'] ?? [])) {
      const [pair] = c.split(';');
      jar.set(pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1));
    }
    return r;
  };
  const csrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  return {
    go,
    async signIn(server: Server, login: string, password: string) {
      const r = await go(`${server.url}/signin`, { form: { _csrf: csrf((await go(`${server.url}/signin`)).body), login, password } });
      assert.equal(r.status, 303, r.body.slice(0, 300));
    },
    async uploadAvatar(server: Server, image: Buffer) {
      const boundary = `----parley${Math.random().toString(36).slice(2)}`;
      const payload = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf((await go(`${server.url}/settings`)).body)}\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="avatar"; filename="me.png"\r\nContent-Type: image/png\r\n\r\n`),
        image,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const r = await go(`${server.url}/settings/avatar`, { multipart: { type: `multipart/form-data; boundary=${boundary}`, payload } });
      assert.ok(r.status < 400, r.body.slice(0, 300));
    },
  };
}

const png = (background: string) => sharp({ create: { width: 300, height: 200, channels: 3, background } }).png().toBuffer();

test('avatars in S3-compatible storage: uploaded through one server, served by another with caching headers and ETags', { timeout: 240_000 }, async (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'parley-s3rver-'));
  const s3 = new S3rver({ port: S3_PORT, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: BUCKET }] });
  await s3.run();
  const endpoint = `http://127.0.0.1:${S3_PORT}`;
  const bucket = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: KEYS.S3_ACCESS_KEY_ID, secretAccessKey: KEYS.S3_SECRET_ACCESS_KEY } });
  const objects = async () => ((await bucket.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'avatars/' }))).Contents ?? []).map((o) => o.Key!).sort();
  try {
    let port = 4211;
    for (const kind of testDatabaseKinds()) {
      await t.test(kind.name, async () => {
        const database = await kind.open({ migrate: false });
        const servers: Server[] = [];
        try {
          const env = { ...KEYS, S3_BUCKET: BUCKET, S3_ENDPOINT: endpoint, S3_REGION: 'us-east-1' };
          const a = await startServer(port++, database, env);
          servers.push(a);
          const b = await startServer(port++, database, env);
          servers.push(b);
          const db = database.db;
          const member = await db.selectFrom('users').select('id').where('username', '=', 'demo-member').executeTakeFirstOrThrow();
          const password = /^ {2}demo-member\s+(\S+)/m.exec(a.output())![1]!;
          const before = await objects();

          // Uploaded through A…
          const person = browser();
          await person.signIn(a, 'demo-member', password);
          await person.uploadAvatar(a, await png('#2553c9'));
          const { avatar } = await db.selectFrom('users').select('avatar').where('id', '=', member.id).executeTakeFirstOrThrow();
          assert.ok(avatar);
          // …kept in the bucket, not in the database.
          assert.deepEqual((await objects()).filter((k) => !before.includes(k)), [`avatars/${avatar}`]);
          assert.equal(Number((await db.selectFrom('stored_files').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), 0);

          // …served by B, the same bytes and validator as A, cached for a week.
          const fromA = await http(`${a.url}/avatars/${avatar}`);
          const fromB = await http(`${b.url}/avatars/${avatar}`);
          assert.equal(fromB.status, 200);
          assert.equal(fromB.headers['content-type'], 'image/webp');
          assert.equal(fromB.headers['cache-control'], 'public, max-age=604800, immutable');
          assert.match(String(fromB.headers.etag), /^"[\w-]{27}"$/);
          assert.equal(fromB.headers.etag, fromA.headers.etag);
          assert.deepEqual(fromB.bytes, fromA.bytes);
          assert.equal((await sharp(fromB.bytes).metadata()).width, 256);
          // A conditional request with that ETag: 304, no body, the same headers.
          const again = await http(`${b.url}/avatars/${avatar}`, { headers: { 'if-none-match': String(fromA.headers.etag) } });
          assert.equal(again.status, 304);
          assert.equal(again.bytes.length, 0);
          assert.equal(again.headers.etag, fromA.headers.etag);
          assert.equal(again.headers['cache-control'], 'public, max-age=604800, immutable');
          // Another validator (a stale copy): the file again.
          assert.equal((await http(`${b.url}/avatars/${avatar}`, { headers: { 'if-none-match': '"something-else"' } })).status, 200);
          // The person's pages on B show it.
          assert.ok((await http(`${b.url}/u/demo-member`)).body.includes(`/avatars/${avatar}`));

          // Replaced through B (the same session): a new object; the old one is gone from the bucket and from A.
          await person.uploadAvatar(b, await png('#c92553'));
          const { avatar: second } = await db.selectFrom('users').select('avatar').where('id', '=', member.id).executeTakeFirstOrThrow();
          assert.ok(second && second !== avatar);
          assert.deepEqual((await objects()).filter((k) => !before.includes(k)), [`avatars/${second}`]);
          const newFromA = await http(`${a.url}/avatars/${second}`);
          assert.equal(newFromA.status, 200);
          assert.notEqual(newFromA.headers.etag, fromA.headers.etag);
          assert.equal((await http(`${a.url}/avatars/${avatar}`)).status, 404);
          // Not an avatar's name: 404 without asking the bucket.
          assert.equal((await http(`${a.url}/avatars/..%2F..%2Fetc%2Fpasswd`)).status, 404);
        } finally {
          for (const s of servers) await s.stop();
          await database.drop();
        }
      });
    }
  } finally {
    bucket.destroy();
    await s3.close();
    rmSync(directory, { recursive: true, force: true });
  }
});
