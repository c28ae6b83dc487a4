import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { buildServer } from '../../src/web/server.ts';
import type { TestDatabase } from './databases.ts';

/** A server on a test database, for app.inject() (no port) or listen() (browser tests). */
export async function testServer(database: TestDatabase, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, SEED_DEMO: 'false', PORT: '0', ...env });
  return buildServer({ config, database, logger: false });
}
