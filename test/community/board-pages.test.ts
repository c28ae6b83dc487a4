import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { listBoardTopics, TOPICS_PER_PAGE } from '../../src/community/list-board-topics.ts';
import { moderateTopic } from '../../src/community/moderate-topic.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';

for (const kind of testDatabaseKinds()) {
  describe(`board pages on ${kind.name}`, () => {
    test('pages cover every live topic exactly once, pinned first, even when activity times are equal', async () => {
      const database = await kind.open();
      try {
        const db = database.db;
        const author = await makeUser(db, [], 'paging_author');
        const moderator = await makeUser(db, ['moderator'], 'paging_mod');
        await createBoard(db, null, { name: 'General', slug: 'general' });
        const ids: number[] = [];
        for (let i = 0; i < 2 * TOPICS_PER_PAGE + 5; i++) ids.push((await createTopic(db, author, { boardSlug: 'general', kind: 'discussion', title: `Paging topic ${i}`, body: 'the same text' })).id);
        // Equal activity times for all (a bulk import does that); one pinned, one deleted.
        await db.updateTable('topics').set({ last_post_at: '2026-01-01T00:00:00.000Z' }).execute();
        await moderateTopic(db, moderator, ids[40]!, 'pin');
        await db.updateTable('topics').set({ deleted_at: '2026-01-02T00:00:00.000Z' }).where('id', '=', ids[7]!).execute();
        const seen: number[] = [];
        for (let page = 1; page <= 3; page++) seen.push(...(await listBoardTopics(db, null, 'general', page)).topics.map((t) => t.id));
        assert.equal(seen[0], ids[40], 'the pinned topic first');
        assert.equal(new Set(seen).size, seen.length, 'no topic on two pages');
        assert.deepEqual([...seen].sort((a, b) => a - b), ids.filter((id) => id !== ids[7]), 'every live topic once, the deleted one not');
        const newest = (await listBoardTopics(db, null, 'general', 1, 'newest')).topics.map((t) => t.id);
        assert.equal(newest.length, TOPICS_PER_PAGE);
      } finally {
        await database.drop();
      }
    });
  });
}
