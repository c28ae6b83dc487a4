// Page benchmark: Fastify's bare hello-world and Parley's pages, measured in the same run.
//
//   node --import tsx bench/pages.ts --database file:./data/bench.db [--connections 50] [--duration 10]
//
// Each server runs in its own child process (bench/serve-hello.ts, bench/serve-parley.ts), so
// autocannon, in this process, never shares an event loop with the server it measures. Only one
// server is under load at a time. Hello-world runs before, between and after Parley's rows, and
// each row is compared with the runs on either side of it. The topic page rotates over --sample random topics (page 1);
// the board page over every public board's page 1 and some deeper pages; then the home page.
// These run with the visitors' page cache off (ANON_CACHE_SECONDS=0): every request renders.
// The last rows measure the topic page as production serves visitors, with the cache on: over
// the same topics, over ten times as many, and over every public topic with Zipf popularity (a
// few threads get most views, as on real forums), without and with replies being posted.
// The topic page is measured twice with every view rendered: in one process, and as `parley
// start` runs in production, with one worker process per CPU (--workers, src/cluster/); the
// cached rows run with those workers too, and hello-world is also measured with as many
// processes, for reference (the ratios use the bare one-process hello-world).
// Exits non-zero when any response is not a 2xx or a connection error occurs.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { openDatabase, redactUrl } from '../src/db/database.ts';
import { TOPICS_PER_PAGE } from '../src/community/list-board-topics.ts';
import { createApiToken } from '../src/api/tokens/create-token.ts';
import { treeCpuMillis } from './process-cpu.ts';

interface Target {
  name: string;
  server: 'hello' | 'helloWorkers' | 'parley' | 'parleyWorkers' | 'parleyCached';
  paths: string[];
  /** Pick paths by popularity rather than in turn: path i (from 1) with probability ∝ 1/i. */
  zipf?: boolean;
  /** Replies per second posted through the API while the row runs (to Zipf-picked topics). */
  repliesPerSecond?: number;
}

interface Row {
  name: string;
  paths: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  bad: number;
  /** The server process's CPU time per request (user + system), where /proc tells it. */
  cpuMicros: number | null;
  /** Share of the requests served from the visitors' cache (rows with the cache on). */
  hitRate: number | null;
  /** Mean requests/s of the hello-world runs just before and after this row. */
  hello: number | null;
}

const TOPIC_TARGET = { ratio: 0.1, p99: 50 };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      database: { type: 'string', default: process.env.DATABASE_URL ?? 'file:./data/bench.db' },
      connections: { type: 'string', default: '50' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      sample: { type: 'string', default: '1000' },
      workers: { type: 'string', default: String(availableParallelism()) },
      rows: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log('Usage: node --import tsx bench/pages.ts --database file:./data/bench.db [--connections 50] [--duration 10] [--warmup 3] [--sample 1000] [--workers N] [--rows TEXT]');
    console.log('  --rows TEXT  only the rows whose name contains TEXT (hello-world still runs around each), e.g. --rows "worker processes"');
    return;
  }
  const connections = Number(values.connections);
  const duration = Number(values.duration);
  const warmup = Number(values.warmup);
  const sample = Number(values.sample);
  const workers = String(values.workers);

  const chosen = await choosePaths(values.database, sample, workers);
  const token = chosen.token;
  const targets = values.rows ? chosen.targets.filter((t) => t.name.includes(values.rows!)) : chosen.targets;
  if (targets.length === 0) throw new Error(`No row's name contains "${values.rows}"`);
  const idle = await idleShare(1000);
  if (idle < 0.8) console.warn(`Warning: the CPUs are only ${Math.round(idle * 100)}% idle; other work will skew the figures.`);
  const kinds: Record<Target['server'], [string, Record<string, string>]> = {
    hello: ['serve-hello.ts', {}],
    parley: ['serve-parley.ts', { DATABASE_URL: values.database, ANON_CACHE_SECONDS: '0' }],
    helloWorkers: ['serve-hello.ts', { WORKERS: workers }],
    parleyWorkers: ['serve-parley.ts', { DATABASE_URL: values.database, ANON_CACHE_SECONDS: '0', WORKERS: workers }],
    parleyCached: ['serve-parley.ts', { DATABASE_URL: values.database, ANON_CACHE_SECONDS: '10', WORKERS: workers }],
  };
  // Only the servers the chosen rows need (and hello-world, which runs around every row).
  const servers = {} as Record<Target['server'], Awaited<ReturnType<typeof startChild>>>;
  for (const kind of new Set<Target['server']>(['hello', ...targets.map((t) => t.server)])) servers[kind] = await startChild(...kinds[kind]);
  // Servers keep compiling and warming up for a while after they listen (workers too): the first
  // row must not measure hello-world against that.
  for (let waited = 0; waited < 20 && (await idleShare(1000)) < 0.9; waited++);
  const rows: Row[] = [];
  const measure = async (target: Target, warmupSeconds: number): Promise<Row> => {
    const { port } = servers[target.server];
    // Warm-up: JIT, template cache, the database's page cache. Not measured.
    const pick = target.zipf ? zipfPicker(target.paths) : inTurn(target.paths);
    const writer = target.repliesPerSecond ? replying(port, token, pick, target.repliesPerSecond) : null;
    if (warmupSeconds > 0) await run(port, pick, connections, warmupSeconds);
    const cached = target.server === 'parleyCached';
    const statsBefore = cached ? await cacheStats(servers[target.server].child) : null;
    const cpuBefore = treeCpuMillis(servers[target.server].child.pid);
    const r = await run(port, pick, connections, duration);
    const cpuAfter = treeCpuMillis(servers[target.server].child.pid);
    const statsAfter = cached ? await cacheStats(servers[target.server].child) : null;
    const replies = writer ? await writer.stop() : null;
    process.stderr.write(`  ${target.name}: ${Math.round(r.requests.average)} req/s${replies ? ` (${replies.ok} replies posted, ${replies.failed} failed)` : ''}\n`);
    if (replies?.failed) {
      console.error(`Replies failed during "${target.name}": ${replies.lastError}`);
      process.exitCode = 1;
    }
    return {
      name: target.name,
      paths: target.paths.length,
      rps: r.requests.average,
      p50: r.latency.p50,
      p99: r.latency.p99,
      requests: r.requests.total,
      bad: r.non2xx + r.errors + r.timeouts,
      cpuMicros: cpuBefore !== null && cpuAfter !== null && r.requests.total > 0 ? Math.round(((cpuAfter - cpuBefore) * 1000) / r.requests.total) : null,
      hitRate: statsBefore && statsAfter ? hitShare(statsBefore, statsAfter) : null,
      hello: null,
    };
  };
  // Hello-world runs before the first row, between rows and after the last: this machine's
  // speed drifts by tens of percent within minutes, so each row is compared with the mean of
  // the hello-world runs just before and just after it, not with one run minutes away.
  const hello: Target = { name: 'hello-world (bare Fastify)', server: 'hello', paths: ['/'] };
  const hellos: Row[] = [await measure(hello, warmup)];
  try {
    for (const target of targets) {
      const row = await measure(target, warmup);
      hellos.push(await measure(hello, 1));
      row.hello = (hellos.at(-2)!.rps + hellos.at(-1)!.rps) / 2;
      rows.push(row);
    }
  } finally {
    for (const s of Object.values(servers)) s.child.kill('SIGTERM');
  }

  const helloMean = hellos.reduce((sum, r) => sum + r.rps, 0) / hellos.length;
  const helloRange = `${Math.round(Math.min(...hellos.map((h) => h.rps))).toLocaleString('en-GB')}–${Math.round(Math.max(...hellos.map((h) => h.rps))).toLocaleString('en-GB')}`;
  const ratio = (r: Row) => r.rps / r.hello!;
  const table = [
    '| Page | URLs rotated | Requests/s | p50 (ms) | p99 (ms) | Errors / non-2xx | Server CPU per request (µs) | From the cache | hello-world around it (req/s) | vs hello-world |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| hello-world (bare Fastify), ${hellos.length} runs | 1 | ${helloRange} (mean ${Math.round(helloMean).toLocaleString('en-GB')}) | ${Math.min(...hellos.map((h) => h.p50))}–${Math.max(...hellos.map((h) => h.p50))} | ${Math.min(...hellos.map((h) => h.p99))}–${Math.max(...hellos.map((h) => h.p99))} | ${hellos.reduce((n, h) => n + h.bad, 0)} | ${Math.min(...hellos.map((h) => h.cpuMicros ?? 0))}–${Math.max(...hellos.map((h) => h.cpuMicros ?? 0))} | — | — | — |`,
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.paths} | ${Math.round(r.rps).toLocaleString('en-GB')} | ${r.p50} | ${r.p99} | ${r.bad} | ${r.cpuMicros ?? 'n/a'} | ${r.hitRate === null ? '—' : `${Math.round(100 * r.hitRate)}%`} | ${Math.round(r.hello!).toLocaleString('en-GB')} | ${(100 * ratio(r)).toFixed(1)}% |`,
    ),
  ].join('\n');
  console.log(
    `\nParley pages vs Fastify hello-world, ${connections} connections, ${duration} s each (after ${warmup} s warm-up), ` +
      `Node ${process.version}, ${cpus().length} CPUs (${Math.round(idle * 100)}% idle before the run), ${redactUrl(values.database)}. ` +
      `Each row's ratio is against the mean of the hello-world runs just before and after it.\n`,
  );
  console.log(table);
  const verdict = (label: string, r: Row | undefined) => {
    if (!r) return;
    console.log(
      `${label}: ${(100 * ratio(r)).toFixed(1)}% ${ratio(r) >= TOPIC_TARGET.ratio ? 'met' : 'MISSED'}, ` +
        `p99 ${r.p99} ms ${r.p99 <= TOPIC_TARGET.p99 ? 'met' : 'MISSED'}`,
    );
  };
  console.log(`\nTarget: topic page ≥ ${TOPIC_TARGET.ratio * 100}% of hello-world, p99 ≤ ${TOPIC_TARGET.p99} ms.`);
  verdict('Every view rendered, one process', rows.find((r) => r.name === 'topic page'));
  verdict(`Every view rendered, as \`parley start\` runs in production (${workers} worker processes)`, rows.find((r) => r.name.startsWith('topic page, ') && r.name.includes('worker processes')));
  verdict('As production serves visitors (cache on, Zipf popularity over all topics, replies being posted)', rows.find((r) => r.name.endsWith('2 replies/s')));

  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}pages-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: cpus().length, idleBefore: idle, connections, duration, hellos, rows }, null, 2));
  console.log(`Raw figures: ${file}`);

  const bad = rows.filter((r) => r.bad > 0);
  if (bad.length) {
    console.error(`\nFailed: errors or non-2xx responses on ${bad.map((r) => r.name).join(', ')}.`);
    process.exitCode = 1;
  }
}

/** Picks the URLs from the database: random topics, every public board with some deeper pages;
 * makes an API token for a random member, who posts the replies of the row with writes. */
async function choosePaths(url: string, sample: number, workers: string, cachedSample = sample * 10): Promise<{ targets: Target[]; token: string }> {
  const database = await openDatabase(url);
  try {
    const db = database.db;
    // Every public topic in random order: the first `sample` are the uncached row's, the first
    // ten times that the cached row's, all of them (by Zipf rank in this order) the last rows'.
    const topics = await db
      .selectFrom('topics')
      .innerJoin('boards', 'boards.id', 'topics.board_id')
      .select(['topics.id', 'topics.slug'])
      .where('boards.visibility', '=', 'public')
      .where('topics.deleted_at', 'is', null)
      .where('topics.locked', '=', 0)
      .where('topics.closed', '=', 0)
      .orderBy(sql`random()`)
      .execute();
    const member = await db
      .selectFrom('users')
      .select('id')
      .where('deleted_at', 'is', null)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('user_roles').select('user_id').whereRef('user_roles.user_id', '=', 'users.id').where('role', '!=', 'member'))))
      .orderBy(sql`random()`)
      .limit(1)
      .executeTakeFirstOrThrow();
    const { token } = await createApiToken(db, { id: member.id, roles: new Set(['member']) }, { name: `bench ${new Date().toISOString()}`, expiresInDays: 1 });
    const boards = await db.selectFrom('boards').select(['slug', 'topic_count']).where('visibility', '=', 'public').execute();
    if (topics.length === 0 || boards.length === 0) throw new Error(`${database.describe} has no public topics: run bench/generate.ts first.`);
    const boardPaths: string[] = [];
    for (const b of boards) {
      const pages = Math.max(1, Math.ceil(b.topic_count / TOPICS_PER_PAGE));
      // Mostly first pages, as people browse; a few deeper ones, which cost an OFFSET scan.
      boardPaths.push(`/b/${b.slug}`, `/b/${b.slug}`, `/b/${b.slug}`);
      for (const page of [2, 5, 20]) if (page <= pages) boardPaths.push(`/b/${b.slug}?page=${page}`);
    }
    const topicPaths = topics.map((t) => `/t/${t.slug}/${t.id}`);
    const targets: Target[] = [
      { name: 'topic page', server: 'parley', paths: topicPaths.slice(0, sample) },
      { name: `topic page, ${workers} worker processes (parley start in production)`, server: 'parleyWorkers', paths: topicPaths.slice(0, sample) },
      { name: 'board page', server: 'parley', paths: shuffle(boardPaths) },
      { name: 'home page', server: 'parley', paths: ['/'] },
      // The production server with the visitors' page cache (ANON_CACHE_SECONDS=10, the default): over
      // ten times as many topics, so that a good share of requests still miss the cache, then
      // over the same topics as the uncached row (what production serves visitors).
      { name: 'topic page, visitor cache (10× the topics)', server: 'parleyCached', paths: shuffle(topicPaths.slice(0, cachedSample)) },
      { name: 'topic page, visitor cache (same topics)', server: 'parleyCached', paths: topicPaths.slice(0, sample) },
      { name: 'topic page, visitor cache, Zipf over all topics', server: 'parleyCached', paths: topicPaths, zipf: true },
      { name: 'topic page, visitor cache, Zipf over all topics, 2 replies/s', server: 'parleyCached', paths: topicPaths, zipf: true, repliesPerSecond: 2 },
      // For reference only (not the denominator): the bare hello-world in as many processes.
      { name: `hello-world, ${workers} processes`, server: 'helloWorkers', paths: ['/'] },
    ];
    return { targets, token };
  } finally {
    await database.close();
  }
}

function run(port: number, pick: () => string, connections: number, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    headers: { accept: 'text/html,application/xhtml+xml', 'accept-language': 'en' },
    // One request definition whose path comes from `pick`, shared by all connections.
    requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: pick() }) }],
  });
}

function inTurn(paths: string[]): () => string {
  let next = 0;
  return () => paths[next++ % paths.length]!;
}

/** Zipf's law with s = 1, which page views of forum threads roughly follow: the i-th path is
 * drawn with probability ∝ 1/i (over 50,000 topics the first 1,000 get about two thirds). */
function zipfPicker(paths: string[]): () => string {
  const cumulative = new Float64Array(paths.length);
  let total = 0;
  for (let i = 0; i < paths.length; i++) cumulative[i] = total += 1 / (i + 1);
  return () => {
    const x = Math.random() * total;
    let lo = 0;
    let hi = paths.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return paths[lo]!;
  };
}

/** Posts replies through the API at a steady rate to topics drawn like the views (popular
 * threads get the replies), so that the visitors' cache is measured while pages change. */
function replying(port: number, token: string, pick: () => string, perSecond: number) {
  let ok = 0;
  let failed = 0;
  let lastError = '';
  let n = 0;
  const inFlight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const topicId = pick().split('/').at(-1)!;
    const p = fetch(`http://127.0.0.1:${port}/api/v1/topics/${topicId}/replies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: `Same here since the last update; clearing the cache and signing in again fixed it for me (benchmark reply ${++n}).` }),
    })
      .then(async (res) => {
        if (res.status === 201) ok++;
        else {
          failed++;
          lastError = `HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`;
        }
      })
      .catch((err: unknown) => {
        failed++;
        lastError = String(err);
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }, 1000 / perSecond);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
      return { ok, failed, lastError };
    },
  };
}

function startChild(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`${script} exited with code ${code} before listening`)));
  });
}

type CacheStats = { hits: number; misses: number };

/** The visitors' cache counters of a serve-parley.ts child, over IPC. */
function cacheStats(child: ChildProcess): Promise<CacheStats> {
  return new Promise((resolve) => {
    const onMessage = (m: { type?: string; stats?: CacheStats }) => {
      if (m?.type !== 'stats' || !m.stats) return;
      child.off('message', onMessage);
      resolve(m.stats);
    };
    child.on('message', onMessage);
    child.send({ type: 'stats' });
  });
}

function hitShare(before: CacheStats, after: CacheStats): number {
  const hits = after.hits - before.hits;
  const all = hits + after.misses - before.misses;
  return all > 0 ? hits / all : 0;
}

/** Share of CPU time spent idle over the next `ms` milliseconds, across all cores. */
async function idleShare(ms: number): Promise<number> {
  const total = () => cpus().reduce((acc, c) => ({ idle: acc.idle + c.times.idle, all: acc.all + Object.values(c.times).reduce((x, y) => x + y, 0) }), { idle: 0, all: 0 });
  const a = total();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = total();
  return (b.idle - a.idle) / Math.max(1, b.all - a.all);
}

function shuffle<V>(list: V[]): V[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
