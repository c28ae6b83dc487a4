// Search benchmark: the search use case on its own (sequential, exact percentiles) and
// GET /search and GET /api/v1/search under load (autocannon), on a database made by
// bench/generate.ts. The server runs in a child process (bench/serve-parley.ts), as in
// bench/pages.ts, so the load generator does not share its event loop.
//
//   node --import tsx bench/search.ts --database file:./data/bench.db [--reindex] [--connections 50] [--duration 10]
//
// Queries: single common and rare words, two-word queries, a phrase and a prefix, taken from
// the data's own topic titles (so each matches something), rotated over the requests.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { openDatabase, redactUrl } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { rebuildSearchIndex } from '../src/search/rebuild-index.ts';
import { searchContent } from '../src/search/search-content.ts';
import { WORD } from '../src/search/text.ts';
import { isStopWord, normalizeWord } from '../src/search/text.ts';

const { values } = parseArgs({
  options: {
    database: { type: 'string', default: 'file:./data/bench.db' },
    reindex: { type: 'boolean', default: false },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '10' },
  },
});

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  const database = await openDatabase(values.database);
  await migrateToLatest(database);
  const db = database.db;
  const posts = Number((await db.selectFrom('posts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  console.log(`Database ${redactUrl(values.database)}: ${posts.toLocaleString('en-GB')} posts`);
  if (values.reindex) {
    const started = Date.now();
    const { documents } = await rebuildSearchIndex(db);
    const s = (Date.now() - started) / 1000;
    console.log(`Reindex: ${documents.toLocaleString('en-GB')} documents in ${s.toFixed(1)} s (${Math.round(documents / s).toLocaleString('en-GB')}/s)`);
  }

  // Words from the data: the most and least frequent title words (not stop words).
  const titles = await db.selectFrom('topics').select('title').orderBy('id').limit(2000).execute();
  const counts = new Map<string, number>();
  for (const { title } of titles) for (const [w] of title.matchAll(WORD)) {
    const n = normalizeWord(w);
    if (n.length > 3 && !isStopWord(n) && /^\p{L}+$/u.test(n)) counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  const byFreq = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
  const common = byFreq.slice(0, 10);
  const rare = byFreq.slice(-10);
  const firstTitleWords = (titles[7]?.title.match(WORD) ?? []).slice(0, 2).join(' ');
  const queries = [
    ...common,
    ...rare,
    ...common.slice(0, 5).map((w, i) => `${w} ${rare[i]}`),
    `"${firstTitleWords}"`,
    ...common.slice(0, 3).map((w) => `${w.slice(0, 4)}*`),
  ];

  // 1. The use case alone, sequentially: exact percentiles per query kind.
  const times: number[] = [];
  let results = 0;
  for (let round = 0; round < 3; round++) {
    for (const q of queries) {
      const t = process.hrtime.bigint();
      const r = await searchContent(db, null, { q });
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      results += r.results.length;
    }
  }
  times.sort((a, b) => a - b);
  console.log(`Use case, ${times.length} searches one at a time: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms (${(results / times.length).toFixed(1)} results each)`);
  await database.close();

  // 2. Over HTTP, under load.
  const { child, port } = await start(values.database);
  try {
    for (const [name, base] of [['GET /search (HTML)', '/search?q='], ['GET /api/v1/search (JSON)', '/api/v1/search?q=']] as const) {
      let i = 0;
      const result = await autocannon({
        url: `http://127.0.0.1:${port}`,
        connections: Number(values.connections),
        duration: Number(values.duration),
        requests: [{ setupRequest: (req) => ({ ...req, path: base + encodeURIComponent(queries[i++ % queries.length]!) }) }],
      });
      const bad = result.non2xx + result.errors + result.timeouts;
      console.log(
        `${name}: ${Math.round(result.requests.average)} req/s, latency p50 ${result.latency.p50} ms, p90 ${result.latency.p90} ms, p97.5 ${result.latency.p97_5} ms, p99 ${result.latency.p99} ms` +
          `${bad ? `, ${bad} failed` : ''} (${values.connections} connections, ${values.duration} s)`,
      );
    }
  } finally {
    child.kill('SIGTERM');
  }
}

function start(databaseUrl: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(new URL('./serve-parley.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('exit', (code) => reject(new Error(`serve-parley exited with code ${code} before listening`)));
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
