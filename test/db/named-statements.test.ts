// Hot reads run as named prepared statements on PostgreSQL (parsed and planned once per
// connection), other queries unnamed (issue 19).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database.ts';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { showTopic } from '../../src/community/show-topic.ts';
import { listBoardTopics } from '../../src/community/list-board-topics.ts';
import { homePage } from '../../src/community/list-boards.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';

const postgres = testDatabaseKinds().find((k) => k.name === 'postgres');

test('PostgreSQL: the topic, board and home pages run as named prepared statements', { skip: !postgres && 'PARLEY_TEST_DATABASE_URL not set' }, async () => {
  const database = await postgres!.open();
  // One connection, so that the statements it prepared are the ones we list.
  const one = await openDatabase(database.url, { connections: 1 });
  try {
    const author = await makeUser(database.db, [], 'named_author');
    await createBoard(database.db, null, { name: 'General', slug: 'general' });
    const t = await createTopic(database.db, author, { boardSlug: 'general', kind: 'discussion', title: 'Prepared once', body: 'text' });
    for (let i = 0; i < 3; i++) {
      assert.equal((await showTopic(one.db, null, t.id, 1)).posts.length, 1);
      assert.equal((await listBoardTopics(one.db, null, 'general', 1)).topics.length, 1);
      assert.equal((await homePage(one.db, null, 10)).latest.length, 1);
    }
    const { rows } = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(one.db);
    const named = rows.filter((r) => r.name.startsWith('parley_'));
    assert.ok(named.some((r) => /with page as/.test(r.statement)), 'the topic page');
    assert.ok(named.some((r) => /with b as/.test(r.statement)), 'the board page');
    assert.ok(named.some((r) => /with latest as/.test(r.statement)), 'the home page');
    assert.ok(!rows.some((r) => /pg_prepared_statements/.test(r.statement) && r.name), 'other queries unnamed');
  } finally {
    await one.close();
    await database.drop();
  }
});
