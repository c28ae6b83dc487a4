// One data layer for both databases: an embedded SQLite file (better-sqlite3, WAL) by default,
// PostgreSQL when DATABASE_URL is postgres://. Query code is the same Kysely code on both.
import { mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { dirname, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { SQLite } from './sqlite-native.js';
import { Kysely, PostgresDialect, SqliteDialect, sql, type LogEvent } from 'kysely';
import type { DB } from './schema.ts';
import { noteQuery, timingQueries } from './slow-queries.ts';
import { prepareNamedStatements } from './named-statements.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  dialect: Dialect;
  /** Where the data lives, without credentials (safe to log). */
  describe: string;
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** Where a DATABASE_URL's data lives, without credentials (safe to log). */
export function describeDatabase(url: string): string {
  return url.startsWith('file:') ? `SQLite ${sqlitePathFromUrl(url)}` : `PostgreSQL ${redactUrl(url)}`;
}

export function sqlitePathFromUrl(url: string): string {
  return resolve(url.slice('file:'.length));
}

/** Opens the database named by a DATABASE_URL and checks it answers. */
export async function openDatabase(url: string, opts: { connections?: number; synchronous?: 'normal' | 'full' } = {}): Promise<Database> {
  if (url.startsWith('file:')) return openSqlite(sqlitePathFromUrl(url), opts.synchronous ?? 'normal');
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, opts.connections ?? 10);
  throw new DatabaseUnavailableError(`DATABASE_URL must be file:PATH or postgres://…, got "${redactUrl(url)}"`);
}

function openSqlite(path: string, synchronous: 'normal' | 'full'): Database {
  let native: BetterSqlite3.Database;
  try {
    mkdirSync(dirname(path), { recursive: true });
    native = new SQLite(path);
    native.pragma('journal_mode = WAL');
    // NORMAL: a commit is safe from a crash of Parley, but a power loss or OS crash may undo the
    // last commits (never corrupts); FULL fsyncs the log on every commit (SQLITE_SYNCHRONOUS).
    native.pragma(synchronous === 'full' ? 'synchronous = FULL' : 'synchronous = NORMAL');
    native.pragma('foreign_keys = ON');
    native.pragma('busy_timeout = 5000');
    // Read through memory-mapped I/O and keep a bigger page cache (64 MiB): page views mostly
    // read, and pread() per page was a large share of a topic page's time on a 1 GB database.
    // 2 GiB is SQLite's default ceiling (SQLITE_MAX_MMAP_SIZE); beyond it reads use pread().
    native.pragma('mmap_size = 2147418112');
    native.pragma('cache_size = -65536');
  } catch (err) {
    throw new DatabaseUnavailableError(`cannot open SQLite database ${path}: ${(err as Error).message}`);
  }
  const statements = withStatementCache(native);
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: statements }), log: logQuery });
  // Hot reads compiled once (src/db/prepared.ts) run on the statement directly: better-sqlite3
  // is synchronous, and Kysely's connection queue and promises cost as much as the query. While
  // a transaction is open on the connection they go through Kysely, which waits for it to end,
  // so a page never reads another request's uncommitted writes.
  sqliteFiles.set(db, { native, path });
  const readers = new Map<string, Reader | null>();
  directReads.set(db, (source, parameters) => {
    if (native.inTransaction) return undefined;
    let reader = readers.get(source);
    if (reader === undefined) readers.set(source, (reader = prepareReader(native, source)));
    if (!reader) return undefined;
    if (!timingQueries()) return (reader.statement.all(parameters as unknown[]) as unknown[][]).map(reader.row);
    const started = performance.now();
    const rows = (reader.statement.all(parameters as unknown[]) as unknown[][]).map(reader.row);
    noteQuery(performance.now() - started, source);
    return rows;
  });
  return { db, dialect: 'sqlite', describe: describeDatabase(`file:${path}`), close: () => db.destroy() };
}

const sqliteFiles = new WeakMap<Kysely<DB>, { native: BetterSqlite3.Database; path: string }>();

/**
 * For a long-running server on SQLite: WAL checkpoints in a worker thread. SQLite otherwise
 * copies the log into the database file on the commit that crosses 1,000 pages, inside the
 * committing call: 10–15 ms in which the event loop serves nobody (view counts alone write
 * ~1,000 scattered pages every few seconds under load). The connection's own checkpoint stays
 * as a backstop, at 10,000 pages. Stopped by database.close(). A no-op on PostgreSQL.
 */
export function checkpointInBackground(database: Database, everyMs = 1000): void {
  const file = sqliteFiles.get(database.db);
  if (!file) return;
  const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), { workerData: { path: file.path, everyMs }, execArgv: [] });
  worker.unref();
  worker.on('error', () => {}); // the backstop keeps the log bounded
  file.native.pragma('wal_autocheckpoint = 10000');
  const close = database.close;
  database.close = async () => {
    worker.ref(); // until it has closed its connection
    worker.postMessage('stop');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([once(worker, 'exit'), new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
    clearTimeout(timer);
    await worker.terminate();
    await close();
  };
}

type DirectRead = (sql: string, parameters: readonly unknown[]) => unknown[] | undefined;
type Reader = { statement: BetterSqlite3.Statement; row: (values: unknown[]) => unknown };

/**
 * A compiled SELECT that returns each row as an array, with a function that makes the row's
 * object in one step. better-sqlite3 builds row objects a property at a time, looking each
 * column name up in V8's string table per row: for the 20 posts of a topic page that was a
 * fifth of the query's time. Its own statement, not the shared cache's: Kysely expects objects.
 */
function prepareReader(native: BetterSqlite3.Database, source: string): Reader | null {
  const statement = native.prepare(source);
  if (!statement.reader) return null;
  statement.raw(true);
  // Column names come from our own compiled SQL; JSON.stringify makes each a safe key literal.
  // Repeated names keep the last value, as better-sqlite3's objects do.
  const keys = statement.columns().map((c, i) => `${JSON.stringify(c.name)}: v[${i}]`);
  return { statement, row: new Function('v', `return { ${keys.join(', ')} };`) as Reader['row'] };
}
const directReads = new WeakMap<Kysely<DB>, DirectRead>();

/** A synchronous reader for a SQLite database's compiled SELECTs (undefined: use Kysely, as for writes). */
export function directReadFor(db: Kysely<DB>): DirectRead | undefined {
  return directReads.get(db);
}

/**
 * Kysely prepares every query afresh; better-sqlite3 statements are reusable, and preparing
 * was ~9% of a page view's CPU. Queries are built from a small set of shapes, so a bounded
 * map keyed by SQL text stays small. (Not safe for Kysely's .stream(), which Parley does not use.)
 */
function withStatementCache(native: BetterSqlite3.Database, max = 500) {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(source: string) {
      let statement = cache.get(source);
      if (!statement) {
        // Kysely opens transactions with a plain (deferred) BEGIN. With several processes on one
        // file (a clustered server, the CLI beside it) a deferred transaction that read first
        // cannot take the write lock once another process committed (SQLITE_BUSY at once, the
        // busy timeout does not help); an immediate one waits for the lock up front instead.
        statement = native.prepare(source === 'begin' ? 'begin immediate' : source);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(source, statement);
      }
      return statement;
    },
    close: () => native.close(),
  };
}

async function openPostgres(url: string, connections: number): Promise<Database> {
  // Loaded here, not at the top: SQLite installations and quick CLI commands do not pay for it.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max: connections,
    connectionTimeoutMillis: 5000,
    // bigint (count(*), sums) as JS numbers, as SQLite gives them; our values stay far below 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => {});
  // Nor one in use: its query fails (a 503, src/db/unavailable.ts), but the client also emits
  // 'error', which with no listener would end the process (PostgreSQL restarting mid-request).
  pool.on('connect', (client) => void client.on('error', () => {}));
  prepareNamedStatements(pool);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: logQuery });
  try {
    await sql`select 1`.execute(db);
  } catch (err) {
    await db.destroy().catch(() => {});
    throw new DatabaseUnavailableError(`cannot reach PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}`);
  }
  return { db, dialect: 'postgres', describe: describeDatabase(url), close: () => db.destroy() };
}

// Every query through Kysely is timed by Kysely; only the slow ones are logged (SLOW_QUERY_MS).
const logQuery = (event: LogEvent) => noteQuery(event.queryDurationMillis, event.query.sql);

/** postgres://user:secret@host/db → postgres://user:***@host/db */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@/]*@/, '$1:***@');
}
