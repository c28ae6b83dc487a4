import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { prepareDatabase } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { correctStatistics } from '../../src/db/statistics.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';

// SQLite only: PostgreSQL keeps its own statistics (autovacuum's ANALYZE) and re-plans nothing per value.
const sqlite = testDatabaseKinds().find((k) => k.name === 'sqlite')!;

async function analyzedDatabase() {
  const database = await sqlite.open();
  const at = new Date().toISOString();
  await database.db.insertInto('boards').values({ slug: 'b', name: 'B', description: '', position: 1, visibility: 'public', last_post_at: null, last_topic_id: null, created_at: at }).execute();
  const values = Array.from({ length: 300 }, (_, i) => ({ username: `user${i}`, username_lower: `user${i}`, display_name: `User ${i}`, password_hash: '!', bio: '', created_at: at }));
  await database.db.insertInto('users').values(values).execute();
  await sql`analyze`.execute(database.db);
  return database;
}

const count = async (database: { db: Kysely<DB> }, table: string) =>
  Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(database.db)).rows[0]!.n);

test('SQLite: sampled index values (sqlite_stat4) are dropped, the averages (sqlite_stat1) kept, the indexes still used', async () => {
  const database = await analyzedDatabase();
  try {
    assert.ok((await count(database, 'sqlite_stat4')) > 0, 'ANALYZE wrote samples');
    const averages = await sql<{ tbl: string; idx: string | null; stat: string }>`select tbl, idx, stat from sqlite_stat1 where tbl not like 'search_fts%' order by 1, 2`.execute(database.db);
    assert.ok(averages.rows.length > 0);
    assert.ok((await correctStatistics(database)) > 0);
    assert.equal(await count(database, 'sqlite_stat4'), 0);
    assert.deepEqual((await sql`select tbl, idx, stat from sqlite_stat1 where tbl not like 'search_fts%' order by 1, 2`.execute(database.db)).rows, averages.rows);
    const plan = await sql<{ detail: string }>`explain query plan select id from users where username_lower = ${'user7'}`.execute(database.db);
    assert.match(plan.rows.map((r) => r.detail).join(' '), /USING (COVERING )?INDEX/);
    assert.equal(await correctStatistics(database), 0, 'nothing left to drop');
  } finally {
    await database.drop();
  }
});

test('SQLite: starting Parley drops samples an earlier ANALYZE left', async () => {
  const database = await analyzedDatabase();
  try {
    assert.ok((await count(database, 'sqlite_stat4')) > 0);
    await prepareDatabase(loadConfig({ DATABASE_URL: database.url, SEED_DEMO: 'false', LOG_LEVEL: 'silent' }));
    assert.equal(await count(database, 'sqlite_stat4'), 0);
    assert.ok((await count(database, 'sqlite_stat1')) > 0);
  } finally {
    await database.drop();
  }
});

test("SQLite: FTS5's shadow tables lose the tiny row counts an ANALYZE gave them, so FTS5's range deletes seek instead of scanning", async () => {
  const database = await analyzedDatabase();
  try {
    // FTS5 deletes a merged segment's pages with this statement (the SELECT plans the same way;
    // the shadow tables refuse a DELETE from outside FTS5). Same connection throughout: it must
    // see the new counts without reopening.
    const plan = async () =>
      (await sql<{ detail: string }>`explain query plan select block from search_fts_data where id >= ${1} and id <= ${2}`.execute(database.db)).rows.map((r) => r.detail).join(' ');
    const stat = async () => (await sql<{ stat: string }>`select stat from sqlite_stat1 where tbl = 'search_fts_data'`.execute(database.db)).rows[0]?.stat;
    assert.ok(Number(await stat()) < 10, 'ANALYZE counted the (nearly empty) index');
    assert.match(await plan(), /^SCAN search_fts_data/, 'so the planner scans it');
    assert.ok((await correctStatistics(database)) > 0);
    assert.equal(await stat(), '1048576');
    assert.match(await plan(), /SEARCH search_fts_data USING INTEGER PRIMARY KEY/);
    assert.equal(await correctStatistics(database), 0, 'nothing left to change');
  } finally {
    await database.drop();
  }
});
