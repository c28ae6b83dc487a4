// The pages read on every visit must use an index for their order, not sort every topic: on a
// large community a sort costs tens of milliseconds a view. SQLite's own plan says which it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SQLite } from '../../src/db/sqlite-native.js';
import { Kysely, SqliteDialect } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { latestTopics } from '../../src/community/list-boards.ts';
import { listBoardTopics } from '../../src/community/list-board-topics.ts';
import { createBoard } from '../../src/community/create-board.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { sqlitePathFromUrl } from '../../src/db/database.ts';

test('home page latest topics and board pages read an index in order (SQLite plans, no statistics)', async () => {
  const database = await testDatabaseKinds()[0]!.open();
  try {
    await createBoard(database.db, null, { name: 'General', slug: 'general' });
    // A second connection that records the SQL it is given (the app's own handle runs it directly).
    const native = new SQLite(sqlitePathFromUrl(database.url));
    const seen: string[] = [];
    const logged = new Kysely<DB>({ dialect: new SqliteDialect({ database: native }), log: (e) => void seen.push(e.query.sql) });
    await latestTopics(logged, null, 10);
    await listBoardTopics(logged, null, 'general', 1);
    await listBoardTopics(logged, null, 'general', 1, 'newest');
    type PlanRow = { id: number; parent: number; detail: string };
    const planOf = (sql: string) => native.prepare(`explain query plan ${sql}`).all(...Array(sql.split('?').length - 1).fill(1)) as PlanRow[];
    const ordered = seen.filter((s) => /from "topics"/.test(s) && /limit/.test(s));
    assert.equal(ordered.length, 3, 'latest topics, a board page by activity, a board page by creation');
    const [latest, byActivity, byCreation] = ordered.map(planOf) as [PlanRow[], PlanRow[], PlanRow[]];
    const text = (rows: PlanRow[]) => rows.map((r) => r.detail).join(' | ');
    assert.match(text(latest), /SCAN topics USING INDEX topics_live_activity/, text(latest));
    assert.doesNotMatch(text(latest), /TEMP B-TREE/, text(latest));
    // A board page picks its 30 ids in a subquery: that part must walk the index in order (the
    // outer query then orders those 30 rows, which is cheap).
    for (const [rows, index] of [[byActivity, 'topics_board_listing'], [byCreation, 'topics_board_newest']] as const) {
      const subquery = rows.find((r) => r.detail.startsWith('LIST SUBQUERY'))!;
      const inside = rows.filter((r) => r.parent === subquery.id);
      assert.match(text(inside), new RegExp(`SEARCH topics USING (COVERING )?INDEX ${index}`), text(rows));
      assert.doesNotMatch(text(inside), /TEMP B-TREE/, text(rows));
    }
    await logged.destroy();
  } finally {
    await database.drop();
  }
});
