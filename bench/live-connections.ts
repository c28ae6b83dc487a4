// Live updates under load (issue 14, point 9), in one run:
//  1. memory: the server's resident memory before and after N clients hold /live?topic=… open
//     (server-sent events, spread over the sampled topics);
//  2. throughput: the topic page (visitors, every view rendered, rotating over the sampled topics)
//     while 2 replies a second are posted through the API, with no live stream open ("off") and
//     with the N streams open, each reply announced to the streams of its topic ("on"), as a
//     ratio to bare Fastify hello-world measured before, between and after.
// Each server runs in a child process as bench/pages.ts runs them; autocannon runs here.
//
//   node --import tsx bench/live-connections.ts --database file:./data/bench.db [--connections 1000] [--duration 10] [--sample 200]
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/database.ts';
import { createApiToken } from '../src/api/tokens/create-token.ts';

const { values } = parseArgs({
  options: {
    database: { type: 'string', default: 'file:./data/bench.db' },
    connections: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '10' },
    sample: { type: 'string', default: '200' },
  },
});
const n = Number(values.connections);
const seconds = Number(values.duration);
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

async function start(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  return { child, port };
}

async function load(port: number, paths: string[]): Promise<{ rps: number; p99: number; bad: number }> {
  let next = 0;
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 50,
    duration: seconds,
    headers: { accept: 'text/html' },
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length]! }) }],
  });
  return { rps: r.requests.average, p99: r.latency.p99, bad: r.non2xx + r.errors };
}

// Sampled public topics, and a member's API token to post replies with.
const database = await openDatabase(values.database!);
const topics = await database.db
  .selectFrom('topics').innerJoin('boards', 'boards.id', 'topics.board_id').select(['topics.id', 'topics.slug'])
  .where('boards.visibility', '=', 'public').where('topics.deleted_at', 'is', null).where('topics.locked', '=', 0).where('topics.closed', '=', 0)
  .orderBy(sql`random()`).limit(Number(values.sample)).execute();
const member = await database.db.selectFrom('users').select('id').where('deleted_at', 'is', null)
  .where(({ not, exists, selectFrom }) => not(exists(selectFrom('user_roles').select('user_id').whereRef('user_roles.user_id', '=', 'users.id').where('role', '!=', 'member'))))
  .limit(1).executeTakeFirstOrThrow();
const { token } = await createApiToken(database.db, { id: member.id, roles: new Set(['member']) }, { name: `live bench ${new Date().toISOString()}`, expiresInDays: 1 });
await database.close();
const pages = topics.map((t) => `/t/${t.slug}/${t.id}`);

const hello = await start('./serve-hello.ts', {});
const parley = await start('./serve-parley.ts', { NODE_ENV: 'production', DATABASE_URL: values.database!, ANON_CACHE_SECONDS: '0' });
const load1 = loadavg()[0]!.toFixed(1);

// 1. Memory of N open streams.
await new Promise<void>((resolve) => request({ port: parley.port, path: `/live?topic=${topics[0]!.id}` }, (res) => res.once('data', () => (res.destroy(), resolve()))).end());
await load(parley.port, pages.slice(0, 20)); // warm up the page route too
await new Promise((r) => setTimeout(r, 1000));
const before = rssMb(parley.child.pid!);
const open: ClientRequest[] = [];
let events = 0;
await Promise.all(Array.from({ length: n }, (_, i) => new Promise<void>((resolve, reject) => {
  const req = request({ port: parley.port, path: `/live?topic=${topics[i % topics.length]!.id}`, agent: false }, (res) => {
    if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
    res.once('data', () => resolve());
    res.on('data', (d: Buffer) => (events += (d.toString().match(/event: post/g) ?? []).length));
  });
  req.on('error', reject);
  req.end();
  open.push(req);
})));
await new Promise((r) => setTimeout(r, 2000));
const after = rssMb(parley.child.pid!);

let replies = 0;
let failedReplies = 0;
let limited = 0;
/** 2 replies a second through the API, to random sampled topics, while a row runs (both rows alike). */
const writing = () => setInterval(() => {
  const t = topics[Math.floor(Math.random() * topics.length)]!;
  void fetch(`http://127.0.0.1:${parley.port}/api/v1/topics/${t.id}/replies`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ body: `Same here since the last update; signing in again fixed it (live benchmark reply ${replies + failedReplies + 1}).` }),
    // The per-account posting limit (issue 13) refuses some: counted apart, not a failure.
  }).then((res) => (res.status === 201 ? replies++ : res.status === 429 ? limited++ : failedReplies++), () => failedReplies++);
}, 500);

// 2. Throughput, streams closed then open (with replies posted), hello-world around each.
for (const r of open) r.destroy();
await new Promise((r) => setTimeout(r, 1000));
const h1 = await load(hello.port, ['/']);
let writer = writing();
const off = await load(parley.port, pages);
clearInterval(writer);
const h2 = await load(hello.port, ['/']);
open.length = 0;
await Promise.all(Array.from({ length: n }, (_, i) => new Promise<void>((resolve, reject) => {
  const req = request({ port: parley.port, path: `/live?topic=${topics[i % topics.length]!.id}`, agent: false }, (res) => {
    res.once('data', () => resolve());
    res.on('data', (d: Buffer) => (events += (d.toString().match(/event: post/g) ?? []).length));
  });
  req.on('error', reject);
  req.end();
  open.push(req);
})));
const eventsBefore = events;
writer = writing();
const on = await load(parley.port, pages);
clearInterval(writer);
const h3 = await load(hello.port, ['/']);
for (const r of open) r.destroy();

const ratio = (x: number, a: number, b: number) => ((100 * x) / ((a + b) / 2)).toFixed(1);
console.log(`load average (1 min) at start: ${load1}; at end: ${loadavg()[0]!.toFixed(1)} (2 cores)`);
console.log(`${n} open live streams: server RSS ${before.toFixed(1)} → ${after.toFixed(1)} MB (+${(after - before).toFixed(1)} MB, ${(((after - before) * 1024) / n).toFixed(1)} KB each)`);
console.log('| row | req/s | p99 ms | % of hello-world around it |');
console.log('|---|---:|---:|---:|');
console.log(`| hello-world | ${Math.round(h1.rps)} / ${Math.round(h2.rps)} / ${Math.round(h3.rps)} | | |`);
console.log(`| topic page, no live stream open, 2 replies/s | ${Math.round(off.rps)} | ${off.p99} | ${ratio(off.rps, h1.rps, h2.rps)} % |`);
console.log(`| topic page, ${n} live streams open, 2 replies/s announced | ${Math.round(on.rps)} | ${on.p99} | ${ratio(on.rps, h2.rps, h3.rps)} % |`);
console.log(`replies posted during both rows: ${replies} (${limited} refused by the posting rate limit, ${failedReplies} failed); events received by the streams: ${events - eventsBefore}; non-2xx page responses: ${off.bad + on.bad}`);
parley.child.kill('SIGTERM');
hello.child.kill('SIGTERM');
process.exit(off.bad + on.bad + failedReplies > 0 ? 1 : 0);
