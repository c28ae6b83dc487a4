// The SQLite query planner's statistics. ANALYZE (run by an operator, by `PRAGMA optimize`, or by
// the benchmark generator) stores per-index averages in sqlite_stat1 and, in this build of SQLite
// (SQLITE_ENABLE_STAT4, as better-sqlite3 ships it), sampled key values in sqlite_stat4. With
// samples present, SQLite re-plans a prepared statement every time a bound value that the plan
// looked at changes: every topic-page query, on every view (a re-parse of the SQL, ~12 µs of the
// posts query's ~48 µs). Parley's queries have fixed shapes whose indexes are right whatever the
// values, so the averages are all the planner needs: the samples are dropped, the averages kept.
//
// FTS5's shadow tables (search_fts_data, ...) are read and written by key only. ANALYZE counts
// them as they are at that moment, often nearly empty (a new install, or before `parley reindex`),
// and SQLite then plans FTS5's own "DELETE FROM search_fts_data WHERE id>=? AND id<=?" as a scan
// of the whole table, cheaper than a seek for 2 rows. FTS5 runs it for every segment it merges, so
// each merge read the whole index: a 10 M-post reindex fell below 1,000 documents a second by
// 2.5 M, and a live index would slow the same way as it grows. Their counts are raised to the
// ~1 M rows SQLite assumes of a table it has no statistics for (deleting the rows would not do:
// a connection keeps the last count it loaded for a table that has none any more).
import { sql } from 'kysely';
import type { Database } from './database.ts';

/** Below this, the row count of an FTS5 shadow table is raised to it: SQLite's own default. */
const FTS_SHADOW_ROWS = 1_048_576;

/**
 * Drops SQLite's sampled index values (sqlite_stat4) and raises the row counts of FTS5's shadow
 * tables, keeping the other averages (sqlite_stat1); returns the rows changed.
 */
export async function correctStatistics(database: Pick<Database, 'dialect' | 'db'>): Promise<number> {
  if (database.dialect !== 'sqlite') return 0;
  const { db } = database;
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name in ('sqlite_stat1', 'sqlite_stat4')`.execute(db);
  const has = new Set(tables.rows.map((r) => r.name));
  let changed = 0;
  if (has.has('sqlite_stat4')) changed += Number((await sql`delete from sqlite_stat4`.execute(db)).numAffectedRows ?? 0);
  if (has.has('sqlite_stat1')) {
    const fts = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and sql like 'create virtual table % using fts5%'`.execute(db);
    const shadows = fts.rows.flatMap(({ name }) => ['data', 'idx', 'config', 'docsize', 'content'].map((part) => `${name}_${part}`));
    const rows = shadows.length ? (await sql<{ rowid: number; stat: string }>`select rowid, stat from sqlite_stat1 where tbl in (${sql.join(shadows)})`.execute(db)).rows : [];
    for (const { rowid, stat } of rows) {
      // "rows [average rows per key prefix ...]": only the first figure changes.
      const [count, ...rest] = stat.split(' ');
      if (!(Number(count) < FTS_SHADOW_ROWS)) continue;
      await sql`update sqlite_stat1 set stat = ${[FTS_SHADOW_ROWS, ...rest].join(' ')} where rowid = ${rowid}`.execute(db);
      changed++;
    }
  }
  // Reloads the statistics on this connection; connections opened later read them as they are.
  if (changed) await sql`analyze sqlite_schema`.execute(db);
  return changed;
}
