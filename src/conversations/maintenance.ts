// The daily retention purge of private messages, started with the server (the same pattern as
// src/confidentiality/maintenance.ts: once per server, the first worker).
import type { FastifyInstance } from 'fastify';
import { workerIndex } from '../cluster/primary.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { purgeOldMessages } from './purge-old-messages.ts';

const DAY = 86_400_000;

export async function startConversationMaintenance(app: FastifyInstance, config: Config, database: Database): Promise<void> {
  if ((workerIndex() ?? 0) !== 0) return;
  const purge = async () => {
    try {
      const n = await purgeOldMessages(database.db, config.MESSAGE_RETENTION_DAYS);
      if (n) app.log.info({ purged: n }, 'purged private messages past their retention');
    } catch (err) {
      app.log.error({ err }, 'purging old private messages failed');
    }
  };
  await purge();
  const timer = setInterval(purge, DAY);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
