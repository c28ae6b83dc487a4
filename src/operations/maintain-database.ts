// Keeping the database healthy after bulk loads (an import, `bench:generate`, a restore): the
// planner needs fresh statistics, and on PostgreSQL freshly written rows are not yet marked
// all-visible, so index-only scans (board pages, src/community/list-board-topics.ts) still visit
// the table for every row until VACUUM runs. Autovacuum gets there eventually; this does it now.
import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { correctStatistics } from '../db/statistics.ts';

export interface MaintenanceStep {
  step: string;
  seconds: number;
}

/** ANALYZE (and VACUUM on PostgreSQL, WAL checkpoint on SQLite); returns what ran and how long it took. */
export async function maintainDatabase(database: Database): Promise<MaintenanceStep[]> {
  const steps: MaintenanceStep[] = [];
  const timed = async (step: string, run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    steps.push({ step, seconds: (performance.now() - started) / 1000 });
  };
  const { db } = database;
  if (database.dialect === 'postgres') {
    // Outside a transaction (VACUUM refuses one): Kysely runs a plain query on a pool connection.
    await timed('VACUUM (ANALYZE)', () => sql`vacuum (analyze)`.execute(db));
  } else {
    await timed('ANALYZE', () => sql`analyze`.execute(db));
    // Drop value samples, raise FTS5's shadow-table counts (why: src/db/statistics.ts).
    await timed('correct misleading statistics', () => correctStatistics(database));
    await timed('WAL checkpoint', () => sql`pragma wal_checkpoint(TRUNCATE)`.execute(db));
  }
  return steps;
}
