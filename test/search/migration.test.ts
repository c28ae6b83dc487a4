// Migration 016 on a database that already has posts and articles: the index is built from them
// (inside the migration's transaction on PostgreSQL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as m016 from '../../src/db/migrations/016_search_and_notifications.ts';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { searchContent } from '../../src/search/search-content.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';

for (const kind of testDatabaseKinds()) {
  test(`migration 016 indexes existing content on ${kind.name}`, async () => {
    const database = await kind.open();
    try {
      const db = database.db;
      await createBoard(db, null, { name: 'Help', slug: 'help' });
      const u = await makeUser(db, [], 'old_timer');
      const t = await createTopic(db, u, { boardSlug: 'help', kind: 'question', title: 'Satellite dish alignment', body: 'Written before search existed.' });
      await createReply(db, u, { topicId: t.id, body: 'Azimuth matters most.' });
      const ctx = { dialect: database.dialect };
      await m016.down(db, ctx);
      await db.transaction().execute((tx) => m016.up(tx, ctx)); // as Kysely's migrator runs it on PostgreSQL
      assert.deepEqual((await searchContent(db, null, { q: 'satellite' })).results.map((r) => r.type), ['topic']);
      assert.deepEqual((await searchContent(db, null, { q: 'azimuth' })).results.map((r) => r.type), ['post']);
    } finally {
      await database.drop();
    }
  });
}
