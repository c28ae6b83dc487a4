// Every data-layer test runs on SQLite, and also on PostgreSQL when PARLEY_TEST_DATABASE_URL is
// set. Each opened database is fresh: a temporary SQLite file, or a new PostgreSQL schema
// (selected through search_path) that is dropped afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

export interface TestDatabase extends Database {
  url: string;
  /** Closes the connection and removes the file or schema. */
  drop(): Promise<void>;
}

export interface DatabaseKind {
  name: 'sqlite' | 'postgres';
  open(opts?: { migrate?: boolean }): Promise<TestDatabase>;
}

export function testDatabaseKinds(): DatabaseKind[] {
  const kinds: DatabaseKind[] = [{ name: 'sqlite', open: openSqlite }];
  const pgUrl = process.env.PARLEY_TEST_DATABASE_URL;
  if (pgUrl) kinds.push({ name: 'postgres', open: (opts) => openPostgres(pgUrl, opts) });
  return kinds;
}

async function openSqlite(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-test-'));
  const url = `file:${join(dir, 'test.db')}`;
  const database = await openDatabase(url);
  if (opts.migrate !== false) await migrateToLatest(database);
  return {
    ...database,
    url,
    async drop() {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres(baseUrl: string, opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const u = new URL(baseUrl);
  u.searchParams.set('options', `-c search_path=${schema}`);
  const url = u.toString();
  // PARLEY_TEST_DATABASE_CONNECTIONS=1 runs every test on a pool of one connection: code that holds a
  // connection (a transaction) and asks the pool for another then fails after the pool's 5 s wait
  // instead of passing, the audit behind a small DATABASE_CONNECTIONS (README, connections).
  const connections = Number(process.env.PARLEY_TEST_DATABASE_CONNECTIONS) || undefined;
  const database = await openDatabase(url, { connections });
  if (opts.migrate !== false) await migrateToLatest(database);
  return {
    ...database,
    url,
    async drop() {
      await database.close();
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      // Server processes a test has just killed may still hold locks for a moment (their backends
      // end their transactions after the socket closes): a deadlock here is retried, not a failure.
      const dropping = async (statement: string) => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await c.query(statement);
          } catch (err) {
            if ((err as { code?: string }).code !== '40P01' || attempt >= 10) throw err;
            await new Promise((r) => setTimeout(r, 300));
          }
        }
      };
      try {
        await dropping(`drop schema ${schema} cascade`);
        // The job queue's schema beside it (src/jobs/pg-boss-queue.ts), when a server started one.
        await dropping(`drop schema if exists ${schema}_jobs cascade`);
      } finally {
        await c.end();
      }
    },
  };
}
