import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { prepareDatabase } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { dropValueSamples } from '../../src/db/statistics.ts';
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
    const averages = await count(database, 'sqlite_stat1');
    assert.ok(averages > 0);
    assert.ok((await dropValueSamples(database)) > 0);
    assert.equal(await count(database, 'sqlite_stat4'), 0);
    assert.equal(await count(database, 'sqlite_stat1'), averages);
    const plan = await sql<{ detail: string }>`explain query plan select id from users where username_lower = ${'user7'}`.execute(database.db);
    assert.match(plan.rows.map((r) => r.detail).join(' '), /USING (COVERING )?INDEX/);
    assert.equal(await dropValueSamples(database), 0, 'nothing left to drop');
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
