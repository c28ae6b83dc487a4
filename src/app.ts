// Start-up: validate configuration, open and migrate the database, seed the demo community
// into an empty database, then serve. Each failure stops start-up with a clear message.
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { checkpointInBackground, openDatabase, type Database } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { installationSecret } from './accounts/installation-secret.ts';
import { correctStatistics } from './db/statistics.ts';
import { isEmpty, seedDemo, type DemoLogin } from './seed/seed-demo.ts';
import { buildServer } from './web/server.ts';
import { fileStoreFor } from './files/file-store.ts';
import { importUploadedAvatars } from './files/import-uploads.ts';

export interface Running {
  app: FastifyInstance;
  database: Database;
  url: string;
  demoLogins: DemoLogin[];
  stop(): Promise<void>;
}

/** Options for one server process; a clustered server's primary prepares the database once. */
export interface StartOptions {
  logger?: boolean;
  /** Migrate and seed here (default); false when the primary already did (prepareDatabase). */
  prepare?: boolean;
  /** Run the SQLite checkpointer here (default); one per server is enough. */
  checkpoint?: boolean;
  /** PostgreSQL connections of this process (default 10): a clustered server splits them. */
  connections?: number;
}

/** Migrations, the installation secret and the demo community of an empty database: once per server. */
export async function prepareDatabase(config: Config, database?: Database): Promise<DemoLogin[]> {
  const own = database ?? (await openDatabase(config.DATABASE_URL, { synchronous: config.SQLITE_SYNCHRONOUS }));
  try {
    await migrateToLatest(own);
    await correctStatistics(own);
    await installationSecret(own.db, config.SECRET_KEY);
    const files = fileStoreFor(config, own.db);
    try {
      await importUploadedAvatars(own.db, files, config.UPLOADS_DIR);
    } finally {
      files.close?.();
    }
    return config.SEED_DEMO && (await isEmpty(own.db)) ? await seedDemo(own.db) : [];
  } finally {
    if (!database) await own.close();
  }
}

export async function startParley(config: Config, opts: StartOptions = {}): Promise<Running> {
  const database = await openDatabase(config.DATABASE_URL, { connections: opts.connections, synchronous: config.SQLITE_SYNCHRONOUS });
  let app: FastifyInstance | undefined;
  try {
    const demoLogins = opts.prepare === false ? [] : await prepareDatabase(config, database);
    if (opts.checkpoint !== false) checkpointInBackground(database);
    app = await buildServer({ config, database, ...(opts.logger === false ? { logger: false } : {}) });
    await app.listen({ port: config.PORT, host: config.HOST });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const url = config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
    const server = app;
    return { app, database, url, demoLogins, stop: () => stopGracefully(server, database, config.SHUTDOWN_TIMEOUT_SECONDS * 1000) };
  } catch (err) {
    await app?.close().catch(() => {});
    await database.close().catch(() => {});
    throw err;
  }
}

export class ShutdownTimeoutError extends Error {
  override name = 'ShutdownTimeoutError';
}

/**
 * Stops one server process: no new connections (and 503 to new requests on kept-alive ones),
 * requests in flight finish, idle connections close; then the database closes, after the
 * server, as plugins' onClose hooks (view counts) still write. Requests still running after
 * `timeoutMs` have their connections cut, so the process always ends: it then rejects.
 */
export async function stopGracefully(app: FastifyInstance, database: Database, timeoutMs: number): Promise<void> {
  let cut = false;
  const timer = setTimeout(() => {
    cut = true;
    app.log.warn({ timeoutMs }, 'requests still running at the shutdown deadline; closing their connections');
    app.server.closeAllConnections();
  }, timeoutMs);
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
    await database.close();
  }
  if (cut) throw new ShutdownTimeoutError(`requests were still running after ${timeoutMs / 1000} s (SHUTDOWN_TIMEOUT_SECONDS)`);
}
