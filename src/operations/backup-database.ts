// `parley backup FILE`: a consistent copy of the embedded SQLite database, taken while Parley
// runs, with SQLite's online backup API. The copy is one self-contained file (no -wal beside it),
// written under a temporary name and renamed when complete, so a backup that was interrupted
// never looks like a finished one.
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SQLite } from '../db/sqlite-native.js';
import { UserError } from '../shared/errors.ts';
import { PAGES_PER_STEP, sqliteFileOf, type Progress } from './sqlite-file.ts';

export interface BackupResult {
  file: string;
  pages: number;
  bytes: number;
}

export async function backupDatabase(databaseUrl: string, target: string, onProgress: Progress = () => {}): Promise<BackupResult> {
  const source = sqliteFileOf(databaseUrl, 'backup');
  const file = resolve(target);
  if (!existsSync(source)) throw new UserError(`There is no database at ${source} to back up (DATABASE_URL)`);
  if (file === source) throw new UserError('The backup file must not be the database itself');
  if (existsSync(file)) throw new UserError(`${file} already exists: choose a new file name (a backup never overwrites a file)`);
  if (!existsSync(dirname(file))) throw new UserError(`The folder ${dirname(file)} does not exist`);

  const partial = join(dirname(file), `.${basename(file)}.partial-${process.pid}`);
  const db = new SQLite(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // One read transaction around every step: each step copies from the same snapshot, so the copy
    // is consistent, and writes that the server commits meanwhile (to the WAL) neither wait for the
    // backup nor make SQLite start it over, as they would between separate steps.
    db.exec('begin');
    db.prepare('select count(*) from sqlite_master').get();
    let result: { totalPages: number; remainingPages: number };
    try {
      result = await db.backup(partial, {
        progress: ({ totalPages, remainingPages }) => {
          onProgress(totalPages - remainingPages, totalPages);
          return PAGES_PER_STEP;
        },
      });
    } finally {
      db.exec('commit');
    }
    onProgress(result.totalPages, result.totalPages);
    // The copy keeps the source's WAL mode in its header; a rollback-journal file is one file to
    // keep, move and open read-only. Parley switches it back to WAL when it opens a restore.
    const copy = new SQLite(partial, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    renameSync(partial, file);
    return { file, pages: result.totalPages, bytes: statSync(file).size };
  } catch (err) {
    rmSync(partial, { force: true });
    if (err instanceof UserError) throw err;
    throw new UserError(`The backup failed and was removed: ${(err as Error).message}`);
  } finally {
    db.close();
  }
}
