// `parley restore FILE`: puts a backup made by `parley backup` back as the embedded SQLite
// database. The file is checked first (a SQLite file, complete, undamaged, with Parley's tables
// and no migration this version does not know); a bad file is refused before anything is
// written. A database that holds data is replaced only with --force. The copy is SQLite's backup
// API in the other direction, one write transaction on the target: it lands whole or not at all.
// Parley must be stopped meanwhile (its caches would still hold the replaced data).
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest, migrationNames } from '../db/migrate.ts';
import { SQLite } from '../db/sqlite-native.js';
import { UserError } from '../shared/errors.ts';
import { PAGES_PER_STEP, sqliteFileOf, type Progress } from './sqlite-file.ts';

export interface RestoreOptions {
  /** Replace a database that holds data. */
  force?: boolean;
  onProgress?: Progress;
}

export interface RestoreResult {
  pages: number;
  /** Rows per table of the restored database. */
  rows: Record<string, number>;
  /** Migrations applied after the restore (a backup made by an older Parley). */
  migrated: string[];
}

/** Tables that migrations and a first start fill by themselves: rows there do not make a database "in use". */
const BOOKKEEPING = new Set(['kysely_migration', 'kysely_migration_lock', 'settings']);
/** Tables every Parley database has since its first migration. */
const REQUIRED = ['kysely_migration', 'users', 'boards', 'topics', 'posts', 'settings'];

export async function restoreDatabase(databaseUrl: string, backupFile: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
  const target = sqliteFileOf(databaseUrl, 'restore');
  const file = resolve(backupFile);
  if (file === target) throw new UserError('The backup file is the database itself');
  const backup = openBackup(file);
  try {
    checkParleySchema(backup, file);
    if (existsSync(target) && statSync(target).size > 0) {
      const inUse = tablesWithData(target);
      if (inUse.length > 0 && !opts.force) {
        throw new UserError(`The database at ${target} is not empty (${inUse.slice(0, 5).join(', ')}${inUse.length > 5 ? ', …' : ''} hold data). Restoring replaces all of it: stop Parley and run again with --force to do so.`, 409);
      }
    }
    mkdirSync(dirname(target), { recursive: true });
    const onProgress = opts.onProgress ?? (() => {});
    let done: { totalPages: number };
    try {
      done = await backup.backup(target, {
        progress: ({ totalPages, remainingPages }) => {
          onProgress(totalPages - remainingPages, totalPages);
          return PAGES_PER_STEP;
        },
      });
    } catch (err) {
      throw new UserError(`The restore failed; ${target} was left as it was: ${(err as Error).message}`);
    }
    onProgress(done.totalPages, done.totalPages);
    backup.close();
    // A backup made by an older Parley: bring it up to this version now, not at the next start.
    const database = await openDatabase(`file:${target}`);
    try {
      const migrated = await migrateToLatest(database);
      return { pages: done.totalPages, rows: rowCounts(target), migrated };
    } finally {
      await database.close();
    }
  } finally {
    if (backup.open) backup.close();
  }
}

/** Opens a backup read-only after checking it is a whole, undamaged SQLite file. */
function openBackup(file: string): BetterSqlite3.Database {
  if (!existsSync(file)) throw new UserError(`There is no file ${file}`);
  const size = statSync(file).size;
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (size < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\0') throw new UserError(`${file} is not a Parley backup: it is not a SQLite database`);
  // The header records the size in pages (offset 28) and the page size (offset 16; 1 means 65536).
  const pageSize = header.readUInt16BE(16) === 1 ? 65536 : header.readUInt16BE(16);
  const pages = header.readUInt32BE(28);
  if (size < pageSize * pages) throw new UserError(`${file} is truncated: ${size} bytes of ${pageSize * pages}. The backup is incomplete; use another one.`);
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new SQLite(file, { readonly: true, fileMustExist: true });
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(String(check));
    return db;
  } catch (err) {
    db?.close();
    throw new UserError(`${file} is damaged (${(err as Error).message}); use another backup`);
  }
}

function checkParleySchema(db: BetterSqlite3.Database, file: string): void {
  const tables = new Set((db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((t) => t.name));
  const missing = REQUIRED.filter((t) => !tables.has(t));
  if (missing.length > 0) throw new UserError(`${file} is not a Parley backup: it lacks the tables ${missing.join(', ')}`);
  const applied = (db.prepare('select name from kysely_migration').all() as { name: string }[]).map((m) => m.name);
  const known = new Set(migrationNames());
  const unknown = applied.filter((m) => !known.has(m));
  if (unknown.length > 0) throw new UserError(`${file} was made by a newer version of Parley (migrations ${unknown.join(', ')}): upgrade Parley, then restore`);
}

function userTables(db: BetterSqlite3.Database): string[] {
  // Ordinary tables only: a full-text index (virtual table) and its shadow tables hold SQLite's
  // own bookkeeping rows even in an empty installation, and are copied page by page anyway.
  return (db.prepare("select name from pragma_table_list where schema = 'main' and type = 'table' and name not like 'sqlite_%' order by name").all() as { name: string }[]).map((t) => t.name);
}

/** Row counts of every table of a SQLite file. */
export function rowCounts(path: string): Record<string, number> {
  const db = new SQLite(path, { readonly: true, fileMustExist: true });
  try {
    const out: Record<string, number> = {};
    for (const t of userTables(db)) out[t] = (db.prepare(`select count(*) as n from "${t.replaceAll('"', '""')}"`).get() as { n: number }).n;
    return out;
  } finally {
    db.close();
  }
}

function tablesWithData(path: string): string[] {
  let counts: Record<string, number>;
  try {
    counts = rowCounts(path);
  } catch (err) {
    throw new UserError(`The current database at ${path} cannot be read (${(err as Error).message}); move it aside, then restore`);
  }
  return Object.entries(counts)
    .filter(([t, n]) => n > 0 && !BOOKKEEPING.has(t))
    .map(([t]) => t);
}
