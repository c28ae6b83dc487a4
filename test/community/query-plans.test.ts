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
    // The count a board keeps, so that page 2 exists (the plans do not depend on the rows).
    await database.db.updateTable('boards').set({ topic_count: 100 }).execute();
    // A second connection that records the SQL it is given (the app's own handle runs it directly).
    const native = new SQLite(sqlitePathFromUrl(database.url));
    const seen: string[] = [];
    const logged = new Kysely<DB>({ dialect: new SqliteDialect({ database: native }), log: (e) => void seen.push(e.query.sql) });
    await latestTopics(logged, null, 10);
    await listBoardTopics(logged, null, 'general', 1);
    await listBoardTopics(logged, null, 'general', 1, 'newest');
    // Keyed pages (after / before a topic's key), by activity and by creation.
    const key = (k: unknown[]) => Buffer.from(JSON.stringify(k)).toString('base64url');
    const t = '2026-01-01T00:00:00.000Z';
    await listBoardTopics(logged, null, 'general', 2, 'latest', undefined, { after: key([0, t, 5]) }).catch(() => {});
    await listBoardTopics(logged, null, 'general', 2, 'latest', undefined, { before: key([0, t, 5]) }).catch(() => {});
    await listBoardTopics(logged, null, 'general', 2, 'newest', undefined, { after: key([t, 5]) }).catch(() => {});
    type PlanRow = { id: number; parent: number; detail: string };
    const planOf = (sql: string) => native.prepare(`explain query plan ${sql}`).all(...Array(sql.split('?').length - 1).fill(1)) as PlanRow[];
    const ordered = seen.filter((s) => /from "topics"/.test(s) && /limit/.test(s));
    assert.equal(ordered.length, 6, 'latest topics, a board page by activity, a board page by creation, three keyed pages');
    const [latest, byActivity, byCreation, afterKey, beforeKey, newestAfterKey] = ordered.map(planOf) as PlanRow[][] as [PlanRow[], PlanRow[], PlanRow[], PlanRow[], PlanRow[], PlanRow[]];
    const text = (rows: PlanRow[]) => rows.map((r) => r.detail).join(' | ');
    assert.match(text(latest), /SCAN topics USING INDEX topics_live_activity/, text(latest));
    assert.doesNotMatch(text(latest), /TEMP B-TREE/, text(latest));
    // A board page picks its 30 ids in a subquery: that part must walk the index in order (the
    // outer query then orders those 30 rows, which is cheap).
    for (const [rows, index] of [[byActivity, 'topics_board_listing'], [byCreation, '(topics_board_newest_key|topics_board_created)'], [afterKey, 'topics_board_listing'], [beforeKey, 'topics_board_listing'], [newestAfterKey, '(topics_board_newest_key|topics_board_created)']] as const) {
      const subquery = rows.find((r) => r.detail.startsWith('LIST SUBQUERY'))!;
      const inside = rows.filter((r) => r.parent === subquery.id);
      // COVERING: the ids are chosen from the index alone; a deep page by number skips thousands
      // of entries, and reading each one's table row cost a third more (migration 027).
      assert.match(text(inside), new RegExp(`SEARCH topics USING COVERING INDEX ${index}`), text(rows));
      assert.doesNotMatch(text(inside), /TEMP B-TREE/, text(rows));
    }
    // The first posts' kudos from the small index of first posts with kudos (migration 040): through
    // the index of every post, each listed topic cost a probe and a read of the post's row.
    for (const rows of [byActivity, byCreation, afterKey, beforeKey, newestAfterKey]) {
      const kudos = rows.filter((r) => / p USING /.test(r.detail));
      assert.equal(kudos.length, 1, text(rows));
      assert.match(kudos[0]!.detail, /^SEARCH p USING COVERING INDEX posts_first_post_kudos \(topic_id=\?/, text(rows));
    }
    // A keyed page starts at its key in the index (a range), not by walking from the board's start.
    for (const rows of [afterKey, beforeKey, newestAfterKey]) assert.match(text(rows), /\(board_id=\? AND \(?[a-z_,]+\)?[<>]/, text(rows));
    await logged.destroy();
  } finally {
    await database.drop();
  }
});
