// What backup and restore share about the embedded database: which file a DATABASE_URL names,
// the message that sends PostgreSQL users to pg_dump/pg_restore, and progress reporting.
import { sqlitePathFromUrl } from '../db/database.ts';
import { UserError } from '../shared/errors.ts';

/** Pages copied per step of SQLite's backup API (4 MiB at the default page size): progress moves, steps stay short. */
export const PAGES_PER_STEP = 1024;

export type Progress = (donePages: number, totalPages: number) => void;

/** The SQLite file of a DATABASE_URL; PostgreSQL is backed up with its own tools. */
export function sqliteFileOf(databaseUrl: string, command: 'backup' | 'restore'): string {
  if (databaseUrl.startsWith('file:')) return sqlitePathFromUrl(databaseUrl);
  const tool = command === 'backup' ? 'pg_dump --format=custom --file=parley.dump "$DATABASE_URL"' : 'pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" parley.dump';
  throw new UserError(
    `parley ${command} copies the embedded SQLite database; DATABASE_URL names PostgreSQL, whose own tools do this consistently while Parley runs: ${tool} (see "Backups" in the README)`,
  );
}
