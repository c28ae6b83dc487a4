// The daily retention purge of private messages: a scheduled job (src/jobs), once a day across
// all servers, the first run at the first start.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { purgeOldMessages } from './purge-old-messages.ts';

const DAY_SECONDS = 86_400;

export async function startConversationMaintenance(app: FastifyInstance, config: Config, database: Database): Promise<void> {
  await app.jobs.work('purge-old-messages', async () => {
    const n = await purgeOldMessages(database.db, config.MESSAGE_RETENTION_DAYS);
    if (n) app.log.info({ purged: n }, 'purged private messages past their retention');
  });
  await app.jobs.schedule('purge-old-messages', { seconds: DAY_SECONDS });
}
