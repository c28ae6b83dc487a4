// Start-up: validate configuration, open and migrate the database, seed the demo community
// into an empty database, then serve. Each failure stops start-up with a clear message.
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { checkpointInBackground, openDatabase, type Database } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { isEmpty, seedDemo, type DemoLogin } from './seed/seed-demo.ts';
import { buildServer } from './web/server.ts';

export interface Running {
  app: FastifyInstance;
  database: Database;
  url: string;
  demoLogins: DemoLogin[];
  stop(): Promise<void>;
}

export async function startParley(config: Config, opts: { logger?: boolean } = {}): Promise<Running> {
  const database = await openDatabase(config.DATABASE_URL);
  let app: FastifyInstance | undefined;
  try {
    await migrateToLatest(database);
    let demoLogins: DemoLogin[] = [];
    if (config.SEED_DEMO && (await isEmpty(database.db))) demoLogins = await seedDemo(database.db);
    checkpointInBackground(database);
    app = await buildServer({ config, database, ...(opts.logger === false ? { logger: false } : {}) });
    await app.listen({ port: config.PORT, host: config.HOST });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const url = config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
    // The database closes after the server: plugins' onClose hooks (view counts) still write.
    const server = app;
    return { app, database, url, demoLogins, stop: async () => { await server.close(); await database.close(); } };
  } catch (err) {
    await app?.close().catch(() => {});
    await database.close().catch(() => {});
    throw err;
  }
}
