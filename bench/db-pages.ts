// Pages on SQLite and PostgreSQL side by side (issue 19): the topic page, a board's pages 1, 100
// and last (by key, as the pages' own links reach them, and page 300 by number), the home page,
// and the signed-in topic page, each as a ratio of bare Fastify hello-world measured around it.
// Production mode (NODE_ENV=production, WORKERS processes), visitors' cache off, 50 connections.
//
//   node --import tsx bench/db-pages.ts --sqlite file:./data/bench.db \
//        --postgres postgres://postgres@127.0.0.1:5432/parley_bench [--connections 50] [--duration 10] [--rows TEXT] [--rounds N]
//
// --rounds N: every row N times (rounds in turn), each with its hello-world around it; the table
// shows, per row, the round with the median share of hello-world (hello-world's own rate moves by
// ±20 % between neighbouring runs on this machine, so one round's ratio is noisy), with the range.
// --node-options=FLAGS: each database also gets a second server whose processes run with these
// NODE_OPTIONS (e.g. --max-semi-space-size=32), measured in turn with the first: an A/B of Node
// or V8 settings in one run, as a column of its own (named "SQLite FLAGS").
// --variant=K=V[,K=V]: the same with these settings for the second server (e.g.
// DATABASE_CONNECTIONS=4), given with the first's.
//
// Both databases must hold the same dataset (bench/generate.ts with the same options and seed).
// The machine's load average is printed with every row: on a shared machine other work skews
// the absolute figures; the ratios within one run are what to compare.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import fastifyCookie from '@fastify/cookie';
import { sql } from 'kysely';
import { openDatabase, redactUrl } from '../src/db/database.ts';
import { TOPICS_PER_PAGE } from '../src/community/list-board-topics.ts';
import { createSession, SESSION_COOKIE } from '../src/accounts/sessions.ts';
import { installationSecret } from '../src/accounts/installation-secret.ts';
import { askMemory, describeMemory, type WorkerMemory } from './worker-memory.ts';
import { cpuBetween, cpuByCommand, treeCpuMillis } from './process-cpu.ts';

interface Row { name: string; db: string; rps: number; p50: number; p99: number; bad: number; hello: number; load: number; nodeCpu: number; pgCpu: number }

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sqlite: { type: 'string' },
      postgres: { type: 'string' },
      connections: { type: 'string', default: '50' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      workers: { type: 'string', default: '2' },
      rows: { type: 'string' },
      rounds: { type: 'string', default: '1' },
      'node-options': { type: 'string' },
      variant: { type: 'string' },
    },
  });
  const given = [['SQLite', values.sqlite], ['PostgreSQL', values.postgres]].filter((d): d is [string, string] => !!d[1]);
  if (!given.length) throw new Error('Give --sqlite file:… and/or --postgres postgres://…');
  const flags = values['node-options'];
  const variant = values.variant;
  // The second server's settings: NODE_OPTIONS, or the variant's own (K=V,K=V).
  const second: Record<string, string> | undefined = flags ? { NODE_OPTIONS: flags } : variant ? Object.fromEntries(variant.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])) : undefined;
  // [column name, database URL, settings for its server]
  const databases: [string, string, Record<string, string> | undefined][] = given.flatMap(([name, url]) => [[name, url, undefined], ...(second ? [[`${name} ${flags ?? variant}`, url, second] as [string, string, Record<string, string>]] : [])]);
  const connections = Number(values.connections);
  const duration = Number(values.duration);
  const warmup = Number(values.warmup);

  // Paths from the first database (the datasets are the same), cookies per database.
  const plan = new Map<string, { paths: Record<string, string[]>; cookie: string }>();
  for (const [name, url] of databases) plan.set(name, await choosePaths(url));
  const first = plan.get(databases[0]![0])!.paths;
  const rowNames = Object.keys(first).filter((r) => !values.rows || r.includes(values.rows));

  const hello = await startChild('serve-hello.ts', {});
  const servers = new Map<string, { child: ChildProcess; port: number }>();
  for (const [name, url, settings] of databases) {
    const env = { DATABASE_URL: url, ANON_CACHE_SECONDS: '0', WORKERS: values.workers!, ...settings };
    servers.set(name, await startChild('serve-parley.ts', env));
  }
  await new Promise((resolve) => setTimeout(resolve, 3000));

  const helloRun = async () => (await run(hello.port, () => '/', {}, connections, duration)).requests.average;
  const rounds = Math.max(1, Number(values.rounds));
  const all: Row[] = [];
  let before = await helloRun();
  for (let round = 0; round < rounds; round++) for (const row of rowNames) {
    for (const [name] of databases) {
      const { port } = servers.get(name)!;
      const { paths, cookie } = plan.get(name)!;
      const headers: Record<string, string> = row.startsWith('signed-in') ? { cookie: await withCsrfCookie(port, paths[row]![0]!, cookie) } : {};
      const pick = inTurn(paths[row]!);
      if (warmup) await run(port, pick, headers, connections, warmup);
      const load = loadavg()[0]!;
      const node0 = treeCpuMillis(servers.get(name)!.child.pid);
      const pg0 = cpuByCommand('postgres');
      const r = await run(port, pick, headers, connections, duration);
      const pgMs = cpuBetween(pg0, cpuByCommand('postgres'));
      const nodeMs = (treeCpuMillis(servers.get(name)!.child.pid) ?? 0) - (node0 ?? 0);
      const after = await helloRun();
      const bad = r.non2xx + r.errors + r.timeouts;
      const n = Math.max(1, r.requests.total);
      all.push({ name: row, db: name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad, hello: (before + after) / 2, load, nodeCpu: (nodeMs * 1000) / n, pgCpu: (pgMs * 1000) / n });
      process.stderr.write(`  ${row} on ${name}: ${Math.round(r.requests.average)} req/s, p99 ${r.latency.p99} ms, CPU ${Math.round((nodeMs * 1000) / n)} + ${Math.round((pgMs * 1000) / n)} µs${bad ? `, ${bad} bad` : ''} (load ${load.toFixed(1)})\n`);
      if (bad) process.exitCode = 1;
      before = after;
    }
  }
  // Per row and database, the round with the median share of hello-world (and the shares' range).
  const share = (r: Row) => r.rps / r.hello;
  const spread = new Map<string, string>();
  const rows: Row[] = [];
  for (const row of rowNames) {
    for (const [name] of databases) {
      const runs = all.filter((r) => r.name === row && r.db === name).sort((a, b) => share(a) - share(b));
      rows.push(runs[Math.floor((runs.length - 1) / 2)]!);
      if (runs.length > 1) spread.set(`${row} ${name}`, `${(100 * share(runs[0]!)).toFixed(1)}–${(100 * share(runs.at(-1)!)).toFixed(1)}%`);
    }
  }
  // Each worker's memory after serving every row (issue 19 point 4: heap and mapped file apart).
  const memory = new Map<string, WorkerMemory[]>();
  for (const [name] of databases) memory.set(name, await askMemory(servers.get(name)!.child));
  for (const s of [hello, ...servers.values()]) s.child.kill('SIGTERM');

  console.log(`\n${new Date().toISOString()}, ${connections} connections, ${duration} s a row${rounds > 1 ? ` (${rounds} rounds: the median round per row, the range of rounds in brackets)` : ''}, Parley with ${values.workers} worker processes (NODE_ENV=production, cache off)`);
  console.log(`${given.map(([n, u]) => `${n}: ${redactUrl(u)}`).join('; ')}`);
  const pgUrl = values.postgres;
  if (pgUrl) console.log(await postgresMemory(pgUrl));
  console.log('');
  // CPU per request: Parley's processes, and every postgres process (its backends; other work on
  // the same PostgreSQL server counts too). Steadier than req/s when the machine is shared.
  console.log('| page | database | req/s | p50 ms | p99 ms | non-2xx | hello-world req/s | % of hello-world | load avg (1 min) | CPU µs/request: Parley + PostgreSQL |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${r.db} | ${Math.round(r.rps).toLocaleString('en-GB')} | ${r.p50} | ${r.p99} | ${r.bad} | ${Math.round(r.hello).toLocaleString('en-GB')} | ${((100 * r.rps) / r.hello).toFixed(1)}%${spread.has(`${r.name} ${r.db}`) ? ` (${spread.get(`${r.name} ${r.db}`)})` : ''} | ${r.load.toFixed(1)} | ${Math.round(r.nodeCpu)} + ${Math.round(r.pgCpu)} |`);
  }
  if (databases.length === 2) {
    console.log(`\n${databases[1]![0]} ÷ ${databases[0]![0]} (each as % of hello-world):`);
    for (const name of rowNames) {
      const [a, b] = databases.map(([db]) => rows.find((r) => r.name === name && r.db === db)!);
      console.log(`- ${name}: ${(b!.rps / b!.hello / (a!.rps / a!.hello)).toFixed(2)}×`);
    }
  }
  console.log('\nEach worker after the rows (MB): V8 heap used after a full GC / heap total, external, resident set = anonymous + mapped files (of which the database file):');
  for (const [db, workers] of memory) {
    for (const w of workers) console.log(`- ${db}, ${describeMemory(w)}`);
  }
  const ratio = (db: string, row: string) => { const r = rows.find((x) => x.db === db && x.name === row); return r ? r.rps / r.hello : NaN; };
  for (const [db] of databases) {
    const p1 = ratio(db, 'board page 1');
    for (const deep of ['board page 100 (by key)', 'board last page (by key)', 'board page 300 (by number)']) {
      if (rowNames.includes(deep)) console.log(`- ${db}: ${deep} costs ${(p1 / ratio(db, deep)).toFixed(2)}× page 1`);
    }
  }
}

/** PostgreSQL's buffer settings (docs: README, "Memory (PostgreSQL)"): they change its CPU per
 * page by half here, so every table says what they were, with the kernel's huge pages. */
async function postgresMemory(url: string): Promise<string> {
  const database = await openDatabase(url);
  try {
    const show = async (name: string) => (await sql<Record<string, string>>`${sql.raw(`show ${name}`)}`.execute(database.db)).rows[0]![name];
    const info = existsSync('/proc/meminfo') ? readFileSync('/proc/meminfo', 'utf8') : '';
    const pages = (field: string) => Number(info.match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0);
    // Taken: touched (total − free) plus reserved by a mapping but not touched yet.
    const taken = pages('HugePages_Total') - pages('HugePages_Free') + pages('HugePages_Rsvd');
    return `PostgreSQL: shared_buffers ${await show('shared_buffers')}, huge_pages ${await show('huge_pages')}` +
      (info ? ` (kernel: ${taken} of ${pages('HugePages_Total')} huge pages taken)` : '');
  } finally {
    await database.close();
  }
}

/** The session cookie plus the `_csrf` cookie the first page sets, as a browser sends them back:
 * without it every view made a new CSRF secret and signed cookie, which no browser causes. */
const csrfCookies = new Map<string, string>();
async function withCsrfCookie(port: number, path: string, cookie: string): Promise<string> {
  const key = `${port} ${cookie}`;
  let both = csrfCookies.get(key);
  if (!both) {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { cookie } });
    await res.arrayBuffer();
    const csrf = res.headers.getSetCookie().find((c) => c.startsWith('_csrf='))?.split(';')[0];
    if (!csrf) throw new Error(`no _csrf cookie from ${path} (status ${res.status})`);
    csrfCookies.set(key, (both = `${cookie}; ${csrf}`));
  }
  return both;
}

/** Topic paths (page 1 of 1,000 random topics; the id is reduced first so that the product fits
 * PostgreSQL's integer at 10 M posts), the busiest board's pages and a signed-in cookie. */
async function choosePaths(url: string) {
  const database = await openDatabase(url);
  try {
    const db = database.db;
    const topics = await db.selectFrom('topics').innerJoin('boards', 'boards.id', 'topics.board_id').select(['topics.id', 'topics.slug'])
      .where('boards.visibility', '=', 'public').where('topics.deleted_at', 'is', null).orderBy(sql`topics.id % 100003 * 7919 % 100003`).limit(1000).execute();
    const board = await db.selectFrom('boards').select(['id', 'slug', 'topic_count']).where('visibility', '=', 'public').orderBy('topic_count', 'desc').limit(1).executeTakeFirstOrThrow();
    const pages = Math.ceil(board.topic_count / TOPICS_PER_PAGE);
    // A keyed page's URL, as page N-1's Next link makes it: the key of the last topic before it.
    const keyed = async (page: number) => {
      const [t] = await db.selectFrom('topics').select(['pinned', 'last_post_at', 'id']).where('board_id', '=', board.id).where('deleted_at', 'is', null)
        .orderBy('pinned', 'desc').orderBy('last_post_at', 'desc').orderBy('id', 'desc').offset((page - 1) * TOPICS_PER_PAGE - 1).limit(1).execute();
      return `/b/${board.slug}?page=${page}&after=${Buffer.from(JSON.stringify([t!.pinned ? 1 : 0, t!.last_post_at, t!.id])).toString('base64url')}`;
    };
    const member = await db.selectFrom('users').select('id').where('deleted_at', 'is', null).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    const secret = await installationSecret(db, undefined);
    const cookie = `${SESSION_COOKIE}=${fastifyCookie.sign((await createSession(db, member.id)).token, secret)}`;
    const topicPaths = topics.map((t) => `/t/${t.slug}/${t.id}`);
    return {
      cookie,
      paths: {
        'topic page': topicPaths,
        'board page 1': [`/b/${board.slug}`],
        'board page 100 (by key)': [await keyed(Math.min(100, pages))],
        'board last page (by key)': [await keyed(pages)],
        'board page 300 (by number)': [`/b/${board.slug}?page=${Math.min(300, pages)}`],
        'home page': ['/'],
        'signed-in topic page': topicPaths,
      } as Record<string, string[]>,
    };
  } finally {
    await database.close();
  }
}

function inTurn(paths: string[]): () => string {
  let next = 0;
  return () => paths[next++ % paths.length]!;
}

function run(port: number, pick: () => string, headers: Record<string, string>, connections: number, duration: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: `http://127.0.0.1:${port}`, connections, duration, headers,
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: pick() }) }],
    }, (err, result) => (err ? reject(err) : resolve(result)));
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

function startChild(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    // --expose-gc: each worker's heap is reported after a full collection (bench/worker-memory.ts).
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`${script} exited with code ${code} before listening`)));
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
