// Server start-up for the guard: tell the loader the installation secret and phone region of
// this database handle, purge expired masked originals once a day (a scheduled job, src/jobs:
// once across all servers, the first run at the first start).
import type { FastifyInstance } from 'fastify';
import type { CountryCode } from 'libphonenumber-js';
import { resolveGuardKey } from './guard-key.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { purgeMaskedOriginals } from './masked-originals.ts';
import { configureGuard } from './registers.ts';
import { configureGuardWork } from './scan-pool.ts';
import { warmGazetteer } from './gazetteer-snapshot.ts';

const DAY_SECONDS = 86_400;

export async function startGuardMaintenance(app: FastifyInstance, config: Config, database: Database): Promise<void> {
  configureGuard(database.db, { secret: await resolveGuardKey(database.db, config), defaultRegion: config.DEFAULT_PHONE_REGION as CountryCode });
  const releaseWork = configureGuardWork(database.db, { textLimitChars: config.GUARD_TEXT_LIMIT_KB * 1024, timeLimitMs: config.GUARD_TIME_LIMIT_MS, threads: config.GUARD_THREADS });
  app.addHook('onClose', releaseWork);
  // Build the person detector's name lists now (a few hundred ms), not in the first post's request.
  warmGazetteer({ eager: true });
  await app.jobs.work('purge-masked-originals', async () => {
    const n = await purgeMaskedOriginals(database.db);
    if (n) app.log.info({ purged: n }, 'purged masked originals past their retention');
  });
  await app.jobs.schedule('purge-masked-originals', { seconds: DAY_SECONDS });
}
