import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { listBoardTopics, TOPICS_PER_PAGE } from '../../src/community/list-board-topics.ts';
import { moderateTopic } from '../../src/community/moderate-topic.ts';
import { giveKudos } from '../../src/community/give-kudos.ts';
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

    test("each listed topic's tags (in order) and its first post's kudos, in every sort, filtered or not", async () => {
      const database = await kind.open();
      try {
        const db = database.db;
        const author = await makeUser(db, [], 'tags_author');
        const fan = await makeUser(db, [], 'tags_fan');
        await createBoard(db, null, { name: 'Ideas', slug: 'ideas' });
        const voted = await createTopic(db, author, { boardSlug: 'ideas', kind: 'question', title: 'Dark mode for the app', body: 'Please', tags: ['wi-fi', 'app', 'mobile'] });
        const plain = await createTopic(db, author, { boardSlug: 'ideas', kind: 'question', title: 'Invoices by post', body: 'Paper please' });
        await giveKudos(db, fan, voted.postId);
        for (const [sort, tag] of [['latest', undefined], ['newest', undefined], ['unanswered', undefined], ['latest', 'app'], ['newest', 'mobile']] as const) {
          const page = await listBoardTopics(db, null, 'ideas', 1, sort, tag);
          const what = `${sort}${tag ? ` tagged ${tag}` : ''}`;
          assert.deepEqual(page.tags.get(voted.id), ['app', 'mobile', 'wi-fi'], `${what}: the tags, sorted`);
          assert.equal(page.kudos.get(voted.id), 1, `${what}: the first post's kudos`);
          if (!tag) {
            assert.equal(page.tags.has(plain.id), false, `${what}: no tags, no entry`);
            assert.equal(page.kudos.has(plain.id), false, `${what}: no kudos, no entry`);
          } else assert.deepEqual(page.topics.map((t) => t.id), [voted.id], `${what}: only the tagged topic`);
        }
      } finally {
        await database.drop();
      }
    });
  });
}
