// Two Parley servers sharing PostgreSQL and Redis against one, in one run (issue 15, point 8):
//
//   node --import tsx bench/two-servers.ts --database postgres://…/parley_bench --redis redis://127.0.0.1:6379/6 [--connections 50] [--duration 10]
//
// The database should be empty or a Parley database: the first server migrates and seeds it.
// Each server is a real `parley start` process with WORKERS=1 and the visitors' cache on, as
// production serves visitors. Rows: the topic page (rotating over every public topic) served by
// one server, then by two (one autocannon, its connections dealt out over both). Then, under that two-server load, replies posted through
// server A and the time until a visitor's page on server B shows each (write visibility).
// autocannon runs in this process, on the same cores: the figures are ratios within one run.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { openDatabase, redactUrl } from '../src/db/database.ts';
import { createApiToken } from '../src/api/tokens/create-token.ts';

const { values } = parseArgs({ options: { database: { type: 'string' }, redis: { type: 'string' }, connections: { type: 'string', default: '50' }, duration: { type: 'string', default: '10' }, writes: { type: 'string', default: '30' } } });
if (!values.database?.startsWith('postgres') || !values.redis) {
  process.stderr.write('usage: bench/two-servers.ts --database postgres://… --redis redis://… [--connections 50] [--duration 10]\n');
  process.exit(2);
}
const connections = Number(values.connections);
const duration = Number(values.duration);
const bin = fileURLToPath(new URL('../bin/parley.js', import.meta.url));

function start(port: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [bin, 'start'], {
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), WORKERS: '1', DATABASE_URL: values.database, REDIS_URL: values.redis, LOG_LEVEL: 'warn', ANON_CACHE_SECONDS: '10', SEED_DEMO: 'true', SECRET_KEY: 'bench-two-servers-secret-key-0123456789abcdef', API_WRITE_RATE_LIMIT: '100000', API_TOKEN_WRITE_RATE_LIMIT: '100000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', () => /Browse to /.test(out) && resolve({ url: `http://127.0.0.1:${port}`, child }));
    child.on('exit', (code) => reject(new Error(`server exited ${code}:\n${out}`)));
  });
}

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    }).on('error', reject).end();
  });
}

// The load comes from two autocannon processes in both rows (one autocannon on one event loop
// is itself the limit at these rates): both aimed at server A in the one-server row, one at each
// server in the two-server row, so the generator is the same in both. Paths rotate per request.
const self = fileURLToPath(import.meta.url);
if (process.env.TWO_SERVERS_LOAD) {
  const { url, paths, connections: conns, duration: secs } = JSON.parse(process.env.TWO_SERVERS_LOAD) as { url: string; paths: string[]; connections: number; duration: number };
  let i = 0;
  const result = await autocannon({ url, connections: conns, duration: secs, requests: [{ setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length]! }) }] });
  process.send!({ requests: result.requests.total / secs, non2xx: result.non2xx, errors: result.errors, p99: result.latency.p99 });
  process.exit(0);
}

/** Share of all CPUs' time spent busy (not idle or waiting for I/O) from now until the returned function is called (Linux /proc/stat). */
function cpuBusy(): () => number {
  const read = () => {
    const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const n = f.map(Number);
    return { idle: n[3]! + n[4]!, total: n.reduce((x, y) => x + y, 0) };
  };
  const start = read();
  return () => {
    const end = read();
    return 1 - (end.idle - start.idle) / Math.max(1, end.total - start.total);
  };
}

interface Load { average: number; p99: number; non2xx: number; errors: number }
function loadOne(url: string, paths: string[], conns: number): Promise<{ requests: number; non2xx: number; errors: number; p99: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(self, process.argv.slice(2), { execArgv: ['--import', 'tsx'], env: { ...process.env, TWO_SERVERS_LOAD: JSON.stringify({ url, paths, connections: conns, duration }) } });
    child.once('message', resolve);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load process exited ${code}`)));
  });
}
async function load(urls: string[], paths: string[], conns: number): Promise<Load> {
  const targets = urls.length === 1 ? [urls[0]!, urls[0]!] : urls;
  const parts = await Promise.all(targets.map((u, k) => loadOne(u, paths, Math.floor(conns / targets.length) + (k < conns % targets.length ? 1 : 0))));
  return { average: parts.reduce((n, p) => n + p.requests, 0), p99: Math.max(...parts.map((p) => p.p99)), non2xx: parts.reduce((n, p) => n + p.non2xx, 0), errors: parts.reduce((n, p) => n + p.errors, 0) };
}

const a = await start(4120);
const b = await start(4121);
const database = await openDatabase(values.database);
try {
  // At most 1,000 public topics (a fixed sample on a large dataset), as bench/pages.ts rotates.
  const publicTopics = await database.db.selectFrom('topics').innerJoin('boards', 'boards.id', 'topics.board_id').select(['topics.id', 'topics.slug']).where('boards.visibility', '=', 'public').where('topics.deleted_at', 'is', null).orderBy('topics.id').execute();
  const step = Math.max(1, Math.floor(publicTopics.length / 1000));
  const topics = publicTopics.filter((_, i) => i % step === 0).slice(0, 1000);
  const posts = Number((await database.db.selectFrom('posts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const paths = topics.map((t) => `/t/${t.slug}/${t.id}`);
  for (const s of [a, b]) for (const p of paths) for (let k = 0; k < 2; k++) await get(s.url + p);
  const before = loadavg()[0]!;

  const oneCpu = cpuBusy();
  const one = await load([a.url], paths, connections);
  const oneBusy = oneCpu();
  const twoCpu = cpuBusy();
  const two = await load([a.url, b.url], paths, connections);
  const twoBusy = twoCpu();
  const oneRps = one.average;
  const twoRps = two.average;
  const errors = one.non2xx + one.errors + two.non2xx + two.errors;

  // Write visibility under the two-server load.
  // The demo's member, or on a generated dataset the first account with no other role than member.
  const member = (await database.db.selectFrom('users').select('id').where('username', '=', 'demo-member').executeTakeFirst())
    ?? (await database.db.selectFrom('users').select('id').where('deleted_at', 'is', null).where((eb) => eb.not(eb.exists(eb.selectFrom('user_roles').select('user_id').whereRef('user_roles.user_id', '=', 'users.id').where('role', '<>', 'member')))).orderBy('id').limit(1).executeTakeFirstOrThrow());
  const { token } = await createApiToken(database.db, { id: member.id, roles: new Set(['member']) }, { name: 'bench', expiresInDays: 1 });
  const topic = topics[0]!;
  const loadRun = load([a.url, b.url], paths, connections);
  const latencies: number[] = [];
  const deadline = Date.now() + (duration - 1) * 1000;
  for (let n = 0; n < Number(values.writes) && Date.now() < deadline; n++) {
    const text = `Bench reply ${n} ${Math.random().toString(36).slice(2, 8).replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!)}`;
    const res = await fetch(`${a.url}/api/v1/topics/${topic.id}/replies`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ body: `${text}, posted through server A.` }) });
    if (res.status !== 201) throw new Error(`reply: ${res.status} ${await res.text()}`);
    const { post_count } = await database.db.selectFrom('topics').select('post_count').where('id', '=', topic.id).executeTakeFirstOrThrow();
    const page = `${b.url}/t/${topic.slug}/${topic.id}?page=${Math.ceil(post_count / 20)}`;
    const t0 = performance.now();
    while (!(await get(page)).includes(text)) await new Promise((r) => setTimeout(r, 5));
    latencies.push(performance.now() - t0);
  }
  await loadRun;
  latencies.sort((x, y) => x - y);
  const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]!;
  const r = (x: number) => x.toFixed(0);
  process.stdout.write(
    [
      `Parley: two servers vs one, ${redactUrl(values.database)} (${posts} posts, ${topics.length} of ${publicTopics.length} public topics), Redis, ${cpus().length} CPUs, load average ${before.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`,
      `topic page (visitors' cache on), ${connections} connections, ${duration} s each:`,
      `  one server:  ${r(oneRps)} req/s (p99 ${one.p99} ms), the machine's CPUs ${r(100 * oneBusy)} % busy`,
      `  two servers: ${r(twoRps)} req/s (p99 ${two.p99} ms), the machine's CPUs ${r(100 * twoBusy)} % busy`,
      `  ratio two/one: ${(twoRps / oneRps).toFixed(2)}×   non-2xx or errors: ${errors}`,
      `write through A seen by a visitor of B, under two-server load (${latencies.length} replies): p50 ${pct(0.5).toFixed(0)} ms, p99 ${pct(0.99).toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms`,
      '',
    ].join('\n'),
  );
  if (errors) process.exitCode = 1;
} finally {
  await database.close();
  for (const s of [a, b]) s.child.kill('SIGTERM');
}
