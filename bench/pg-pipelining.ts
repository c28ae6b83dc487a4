// What pipelining would save on PostgreSQL (issue 19): the anonymous topic page's one statement, as
// readTopicPage sends it, run by many concurrent callers over 2 connections (as one worker's pool)
// through node-postgres (what Parley uses: a connection runs one query at a time) and through
// Postgres.js (which sends the queued queries of a connection without waiting for the results
// before them), then Postgres.js with max_pipeline 1 (the same driver, no pipelining). Reports
// statements a second and the CPU a statement of this process and of its PostgreSQL backends.
//
//   npm i --no-save postgres@3
//   node --import tsx bench/pg-pipelining.ts --database postgres://postgres@127.0.0.1:5432/parley_bench [--concurrency 25] [--duration 8] [--rounds 3]
//
// Postgres.js is not a dependency of Parley: this measures whether moving to a pipelining driver
// is worth it (session 31: it is ~15–20 % of the PostgreSQL side's CPU, not the 0.6× target).
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../src/db/database.ts';
import { readTopicPage } from '../src/community/topic-page-postgres.ts';
import { cpuMillis } from './process-cpu.ts';

const { values: opts } = parseArgs({
  options: {
    database: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/parley_bench' },
    concurrency: { type: 'string', default: '25' },
    duration: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
  },
});
const url = opts.database!;
const CONCURRENCY = Number(opts.concurrency);
const SECONDS = Number(opts.duration);

// A variable specifier: the package is installed by hand for this benchmark only.
const postgresJs = 'postgres';
type Sql = ((...a: unknown[]) => unknown) & { unsafe: (text: string, values: unknown[], o: { prepare: boolean }) => Promise<unknown>; end: () => Promise<void> };
let postgres: (url: string, o: Record<string, unknown>) => Sql;
try {
  postgres = (await import(postgresJs)).default;
} catch {
  console.error('bench/pg-pipelining.ts needs Postgres.js: npm i --no-save postgres@3');
  process.exit(2);
}

// The statement as Parley sends it: caught at node-postgres's query() while readTopicPage runs once
// (hooked before the pool exists: named-statements.ts wraps each new client's query()).
let caught: { text: string; values: unknown[] } | undefined;
const query = pg.Client.prototype.query;
(pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown }).query = function (this: unknown, ...a: unknown[]) {
  const q = a[0] as { text?: string; values?: unknown[] };
  if (q?.text?.includes('row_to_json')) caught = { text: q.text, values: q.values ?? [] };
  return (query as unknown as (...a: unknown[]) => unknown).apply(this, a);
};
const database = await openDatabase(url);
const topics = (await database.db.selectFrom('topics').innerJoin('boards', 'boards.id', 'topics.board_id').select('topics.id')
  .where('boards.visibility', '=', 'public').where('topics.deleted_at', 'is', null).orderBy('topics.id').limit(1000).execute()).map((t) => t.id);
const sample = topics.find((id) => id > 100)!; // not to be confused with the page bounds 0 and 20
await readTopicPage(database.db, sample, 0, 20, 0, { leadText: true });
pg.Client.prototype.query = query;
await database.close();
if (!caught) throw new Error('the topic statement was not seen');
const { text, values } = caught;
// The topic id's places in the parameter list (the sample topic's id; its bounds 0 and 20 are not ids).
const valuesFor = (id: number) => values.map((v) => (v === sample ? id : v));

// This connection's backends only (PostgreSQL on this machine), not every postgres process.
async function backendCpuMs(application: string): Promise<number> {
  const c = new pg.Client(url);
  await c.connect();
  const { rows } = await c.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [application]);
  await c.end();
  return rows.reduce((sum, { pid }) => sum + (cpuMillis(pid) ?? 0), 0);
}

async function measure(name: string, application: string, run: (values: unknown[]) => Promise<unknown>) {
  let i = 0;
  for (let k = 0; k < 200; k++) await run(valuesFor(topics[k % topics.length]!));
  const b0 = await backendCpuMs(application);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  let stop = false;
  const timer = setTimeout(() => (stop = true), SECONDS * 1000);
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (!stop) {
      await run(valuesFor(topics[i++ % topics.length]!));
      n++;
    }
  }));
  clearTimeout(timer);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const backend = (await backendCpuMs(application)) - b0;
  console.log(`| ${name} | ${Math.round(n / seconds).toLocaleString('en')} | ${Math.round((cpu.user + cpu.system) / n)} | ${Math.round((1000 * backend) / n)} |`);
}

console.log(`The topic statement, ${CONCURRENCY} callers, 2 connections, ${SECONDS} s a row\n`);
console.log('| driver | statements/s | this process µs/statement | PostgreSQL µs/statement |\n|---|---:|---:|---:|');
for (let round = 0; round < Number(opts.rounds); round++) {
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: 'bench-pg' });
  await measure('node-postgres (named statement)', 'bench-pg', (v) => pool.query({ name: 'bench-topic', text, values: v }));
  await pool.end();
  for (const pipeline of [100, 1]) {
    const sql = postgres(url, { max: 2, prepare: true, max_pipeline: pipeline, connection: { application_name: `bench-pjs-${pipeline}` } });
    await measure(pipeline > 1 ? 'Postgres.js, pipelined' : 'Postgres.js, max_pipeline 1', `bench-pjs-${pipeline}`, (v) => sql.unsafe(text, v, { prepare: true }));
    await sql.end();
  }
}
process.exit(0);
