// Parley's server as production runs it (NODE_ENV=production, no request logging), on the
// benchmark database. Started by bench/pages.ts in a child process; reports its port over IPC.
// WORKERS=N runs it as `parley start` does with N workers (src/cluster/primary.ts): this
// process then forks N copies of itself and sums their page-cache counters when asked.
import cluster, { type Worker } from 'node:cluster';
import { resolve } from 'node:path';
import { pino } from 'pino';
import { prepareDatabase } from '../src/app.ts';
import { reportToPrimary, startWorkers, workerIndex } from '../src/cluster/primary.ts';
import { databaseConnections, loadConfig } from '../src/config.ts';
import { checkpointInBackground, openDatabase } from '../src/db/database.ts';
import type { PageCacheStats } from '../src/web/anonymous-cache.ts';
import { buildServer } from '../src/web/server.ts';
import { workerMemory, type WorkerMemory } from './worker-memory.ts';

const config = loadConfig({
  NODE_ENV: 'production',
  DATABASE_URL: process.env.DATABASE_URL,
  ...(process.env.DATABASE_CONNECTIONS ? { DATABASE_CONNECTIONS: process.env.DATABASE_CONNECTIONS } : {}),
  HOST: '127.0.0.1',
  PORT: '0',
  SEED_DEMO: 'false',
  LOG_LEVEL: 'silent',
  // bench/pages.ts runs one server without the visitors' page cache (0) and one with it.
  ANON_CACHE_SECONDS: process.env.ANON_CACHE_SECONDS ?? '0',
  ...(process.env.ANON_CACHE_MB ? { ANON_CACHE_MB: process.env.ANON_CACHE_MB } : {}),
});
const workers = Number(process.env.WORKERS ?? 1);

type StatsMessage = { type?: string; stats?: PageCacheStats; memory?: WorkerMemory[] };
// The SQLite file whose mapped pages count as the database's (bench/db-pages.ts reports them).
const databaseFile = config.DATABASE_URL.startsWith('file:') ? resolve(config.DATABASE_URL.slice('file:'.length)) : undefined;

if (cluster.isPrimary && workers > 1) {
  await prepareDatabase(config);
  const running = await startWorkers(workers, pino({ level: 'warn' }));
  process.send?.({ port: Number(new URL(running.url).port) });
  process.on('message', async (m: StatsMessage) => {
    if (m?.type === 'memory') {
      const each = await Promise.all(Object.values(cluster.workers ?? {}).map((w) => ask(w!, 'memory', (r) => r.memory)));
      process.send?.({ type: 'memory', memory: each.flat() });
      return;
    }
    if (m?.type !== 'stats') return;
    const all = await Promise.all(Object.values(cluster.workers ?? {}).map((w) => ask(w!, 'stats', (r) => r.stats)));
    const sum = all.reduce((a, s) => ({ hits: a.hits + s.hits, misses: a.misses + s.misses, pages: a.pages + s.pages, bytes: a.bytes + s.bytes }));
    process.send?.({ type: 'stats', stats: sum });
  });
  process.on('SIGTERM', () => void running.stop().then(() => process.exit(0)));
} else {
  // As many PostgreSQL connections as `parley start` gives each process.
  const database = await openDatabase(config.DATABASE_URL, { connections: databaseConnections(config, workers) });
  if (!cluster.isWorker) await prepareDatabase(config, database);
  if ((workerIndex() ?? 0) === 0) checkpointInBackground(database);
  const app = await buildServer({ config, database, logger: false });
  await app.listen({ port: 0, host: config.HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  if (cluster.isWorker) reportToPrimary({ parleyWorker: 'listening', url: `http://${config.HOST}:${port}` });
  else process.send?.({ port });
  // bench/pages.ts (or the primary) asks for the visitors' cache counters around each row.
  process.on('message', (m: StatsMessage) => {
    if (m?.type === 'stats') process.send?.({ type: 'stats', stats: app.pageCacheStats() });
    if (m?.type === 'memory') process.send?.({ type: 'memory', memory: [workerMemory(databaseFile)] });
  });
  process.on('SIGTERM', () => void app.close().then(() => database.close()).then(() => process.exit(0)));
}

function ask<T>(worker: Worker, type: string, pick: (m: StatsMessage) => T | undefined): Promise<T> {
  return new Promise((done) => {
    const onMessage = (m: StatsMessage) => {
      const value = m?.type === type ? pick(m) : undefined;
      if (value === undefined) return;
      worker.off('message', onMessage);
      done(value);
    };
    worker.on('message', onMessage);
    worker.send({ type });
  });
}
