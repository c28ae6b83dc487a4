import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

const scratch = (what: string) => mkdtempSync(join(tmpdir(), `parley-${what}-`));
import { loadConfig } from '../../src/config.ts';
import { buildServer } from '../../src/web/server.ts';
import { guardKeyPath } from '../../src/confidentiality/guard-key.ts';
import { after, before } from 'node:test';
import type { DatabaseKind, TestDatabase } from './databases.ts';

/** A server on a test database, for app.inject() (no port) or listen() (browser tests). */
export async function testServer(database: TestDatabase, env: Record<string, string> = {}): Promise<FastifyInstance> {
  // Tests write through use cases and read pages at once: no anonymous cache unless asked for.
  // Tests sign in many times from one address, and write through the API many times; the tests of
  // the limits themselves set them back.
  // The guard key: the key file the tests' own in-process steps use (they import customers with it).
  const GUARD_KEY_FILE = guardKeyPath({ DATABASE_URL: process.env.DATABASE_URL ?? 'file:./data/parley.db', GUARD_KEY_FILE: process.env.GUARD_KEY_FILE });
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, SEED_DEMO: 'false', PORT: '0', SIGNIN_RATE_LIMIT: '1000', API_WRITE_RATE_LIMIT: '100000', API_TOKEN_WRITE_RATE_LIMIT: '100000', ANON_CACHE_SECONDS: '0', UPLOADS_DIR: scratch('uploads'), OUTBOX_DIR: scratch('outbox'), GUARD_KEY_FILE, ...env });
  return buildServer({ config, database, logger: false });
}

/**
 * For a describe block: a fresh database of the kind and a test server over it, opened before
 * its tests and closed and dropped after them. Read `database` and `app` inside the tests.
 */
export function serverPerSuite(kind: DatabaseKind, env: Record<string, string> = {}): { database: TestDatabase; app: FastifyInstance } {
  const suite = {} as { database: TestDatabase; app: FastifyInstance };
  before(async () => {
    suite.database = await kind.open();
    suite.app = await testServer(suite.database, env);
  });
  after(async () => {
    await suite.app?.close();
    await suite.database?.drop();
  });
  return suite;
}
