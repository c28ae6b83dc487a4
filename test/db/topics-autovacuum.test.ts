import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testDatabaseKinds } from '../helpers/databases.ts';

// Migration 032: `topics` vacuumed after 2 % of its rows changed (view counts and replies rewrite
// them; until a vacuum, board listings' index-only scans visit the table for those pages).
for (const kind of testDatabaseKinds().filter((k) => k.name === 'postgres')) {
  test(`${kind.name}: topics is vacuumed and analyzed after 2 % of its rows changed; reverting the migration restores the defaults`, async () => {
    const database = await kind.open();
    const options = async () =>
      (await sql<{ reloptions: string[] | null }>`select c.reloptions from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema() and c.relname = 'topics'`.execute(database.db)).rows[0]?.reloptions ?? [];
    try {
      assert.deepEqual([...(await options())].sort(), ['autovacuum_analyze_scale_factor=0.02', 'autovacuum_vacuum_scale_factor=0.02']);
      const { down } = await import('../../src/db/migrations/032_topics_autovacuum.ts');
      await down(database.db, { dialect: 'postgres' });
      assert.deepEqual(await options(), []);
    } finally {
      await database.drop();
    }
  });
}
