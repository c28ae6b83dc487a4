// The SQLite query planner's statistics. ANALYZE (run by an operator, by `PRAGMA optimize`, or by
// the benchmark generator) stores per-index averages in sqlite_stat1 and, in this build of SQLite
// (SQLITE_ENABLE_STAT4, as better-sqlite3 ships it), sampled key values in sqlite_stat4. With
// samples present, SQLite re-plans a prepared statement every time a bound value that the plan
// looked at changes: every topic-page query, on every view (a re-parse of the SQL, ~12 µs of the
// posts query's ~48 µs). Parley's queries have fixed shapes whose indexes are right whatever the
// values, so the averages are all the planner needs: the samples are dropped, the averages kept.
import { sql } from 'kysely';
import type { Database } from './database.ts';

/** Drops SQLite's sampled index values (sqlite_stat4), keeping sqlite_stat1; returns the rows dropped. */
export async function dropValueSamples(database: Database): Promise<number> {
  if (database.dialect !== 'sqlite') return 0;
  const { db } = database;
  const table = await sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = 'sqlite_stat4'`.execute(db);
  if (!table.rows[0]?.n) return 0;
  const { numAffectedRows } = await sql`delete from sqlite_stat4`.execute(db);
  const dropped = Number(numAffectedRows ?? 0);
  // Reloads the statistics on this connection; connections opened later read them as they are.
  if (dropped) await sql`analyze sqlite_schema`.execute(db);
  return dropped;
}
