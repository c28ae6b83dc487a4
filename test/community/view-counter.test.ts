import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { ViewCounter } from '../../src/community/view-counter.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';

for (const kind of testDatabaseKinds()) {
  describe(`view counter on ${kind.name}`, () => {
    test('views add up in memory and are written in chunks, every topic with its own count', async () => {
      const database = await kind.open();
      try {
        const author = await makeUser(database.db, [], 'viewed_author');
        await createBoard(database.db, null, { name: 'General', slug: 'general' });
        const ids: number[] = [];
        for (let i = 0; i < 5; i++) ids.push((await createTopic(database.db, author, { boardSlug: 'general', kind: 'discussion', title: `Topic number ${i}`, body: 'hello there' })).id);
        const counter = new ViewCounter(database.db, 60_000, 2);
        ids.forEach((id, i) => { for (let n = 0; n <= i; n++) counter.count(id); });
        const views = async () => (await database.db.selectFrom('topics').select(['id', 'view_count']).orderBy('id').execute()).map((t) => t.view_count);
        assert.deepEqual(await views(), [0, 0, 0, 0, 0], 'nothing written before the flush');
        await counter.flush();
        assert.deepEqual(await views(), [1, 2, 3, 4, 5]);
        counter.count(ids[4]!);
        await counter.stop();
        assert.deepEqual(await views(), [1, 2, 3, 4, 6], 'stopping writes what is left');
      } finally {
        await database.drop();
      }
    });
  });
}
