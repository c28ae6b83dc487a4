// Parley's server as production runs it (NODE_ENV=production, no request logging), on the
// benchmark database. Started by bench/pages.ts in a child process; reports its port over IPC.
import { loadConfig } from '../src/config.ts';
import { checkpointInBackground, openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { buildServer } from '../src/web/server.ts';

const config = loadConfig({
  NODE_ENV: 'production',
  DATABASE_URL: process.env.DATABASE_URL,
  HOST: '127.0.0.1',
  PORT: '0',
  SEED_DEMO: 'false',
  LOG_LEVEL: 'silent',
  // bench/pages.ts runs one server without the visitors' page cache (0) and one with it.
  ANON_CACHE_SECONDS: process.env.ANON_CACHE_SECONDS ?? '0',
  ...(process.env.ANON_CACHE_MB ? { ANON_CACHE_MB: process.env.ANON_CACHE_MB } : {}),
});
const database = await openDatabase(config.DATABASE_URL);
await migrateToLatest(database);
checkpointInBackground(database);
const app = await buildServer({ config, database, logger: false });
await app.listen({ port: 0, host: config.HOST });
const address = app.server.address();
process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
// bench/pages.ts asks for the visitors' cache counters around each row.
process.on('message', (m: { type?: string }) => {
  if (m?.type === 'stats') process.send?.({ type: 'stats', stats: app.pageCacheStats() });
});
process.on('SIGTERM', () => void app.close().then(() => database.close()).then(() => process.exit(0)));
