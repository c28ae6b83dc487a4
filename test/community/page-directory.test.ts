// Board pages by number read by key from the page directory (src/community/page-directory.ts,
// issue 19): every page by number is the page an OFFSET gives, on SQLite and PostgreSQL, before
// and after each kind of change to the board's listing; the listing version that invalidates the
// directory is kept by triggers (migration 033), so a path that bypasses the use cases counts too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import type { Actor } from '../../src/policy/policy.ts';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { deletePost } from '../../src/community/delete-post.ts';
import { listBoardTopics, TOPICS_PER_PAGE } from '../../src/community/list-board-topics.ts';
import { moderateTopic } from '../../src/community/moderate-topic.ts';
import { mergeTopics, moveTopic, splitTopic } from '../../src/moderation/reorganize-topics.ts';
import { pageFirstKey } from '../../src/community/page-directory.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';

for (const kind of testDatabaseKinds()) {
  describe(`board pages by number from the page directory on ${kind.name}`, () => {
    let database: TestDatabase;
    let db: Kysely<DB>;
    let author: Actor;
    let moderator: Actor;
    let general = 0;
    const ids: number[] = [];
    before(async () => {
      database = await kind.open();
      db = database.db;
      author = await makeUser(db, [], 'directory_author');
      moderator = await makeUser(db, ['moderator'], 'directory_mod');
      general = (await createBoard(db, null, { name: 'General', slug: 'general' })).id;
      await createBoard(db, null, { name: 'Other', slug: 'other' });
      for (let i = 0; i < 4 * TOPICS_PER_PAGE + 5; i++) {
        ids.push((await createTopic(db, author, { boardSlug: 'general', kind: 'discussion', title: `Directory topic ${i}`, body: 'the same text' })).id);
      }
      // Ties (a bulk import) among distinct times.
      await sql`update topics set last_post_at = '2026-01-01T00:00:00.000Z' where id % 3 = 0`.execute(db);
    });
    after(async () => {
      await database?.drop();
    });

    // What an OFFSET over the listing gives for each page.
    async function byOffset(): Promise<number[][]> {
      const live = await db.selectFrom('topics').select('id').where('board_id', '=', general).where('deleted_at', 'is', null)
        .orderBy('pinned', 'desc').orderBy('last_post_at', 'desc').orderBy('id', 'desc').execute();
      const pages: number[][] = [];
      for (let k = 0; k < live.length; k += TOPICS_PER_PAGE) pages.push(live.slice(k, k + TOPICS_PER_PAGE).map((t) => t.id));
      return pages;
    }

    // Every page by number, twice (the second time from the directory the first filled), by the
    // database's own way (one statement on PostgreSQL) and by the query-by-query way.
    async function assertPagesByNumber(step: string) {
      const expected = await byOffset();
      for (const oneRoundTrip of kind.name === 'postgres' ? [true, false] : [false]) {
        for (let round = 0; round < 2; round++) {
          const got: number[][] = [];
          for (let page = 1; page <= expected.length; page++) {
            got.push((await listBoardTopics(db, null, 'general', page, 'latest', undefined, null, { oneRoundTrip })).topics.map((t) => t.id));
          }
          assert.deepEqual(got, expected, `${step} (round ${round + 1}${oneRoundTrip ? ', one statement' : ''})`);
        }
      }
      const { listing_version } = await db.selectFrom('boards').select('listing_version').where('id', '=', general).executeTakeFirstOrThrow();
      // The directory now knows where the last page starts in the board's current listing.
      assert.deepEqual(pageFirstKey(db, general, listing_version, expected.length)?.[2], expected.at(-1)![0], `${step}: the directory holds the last page`);
      return listing_version;
    }

    test('each change to the listing: the pages by number stay the pages an offset gives', async () => {
      let version = await assertPagesByNumber('at first');
      const changes: [string, () => Promise<unknown>][] = [
        ['a reply bumps an old topic', () => createReply(db, author, { topicId: ids[100]!, body: 'bump' })],
        ['a new topic', () => createTopic(db, author, { boardSlug: 'general', kind: 'discussion', title: 'Directory newcomer', body: 'new' })],
        ['a pin', () => moderateTopic(db, moderator, ids[90]!, 'pin')],
        ['an unpin', () => moderateTopic(db, moderator, ids[90]!, 'unpin')],
        ['a topic deleted', async () => deletePost(db, moderator, (await firstPost(ids[10]!)))],
        ['a topic moved away', () => moveTopic(db, moderator, ids[20]!, 'other')],
        ['a topic moved in', async () => {
          const there = await createTopic(db, author, { boardSlug: 'other', kind: 'discussion', title: 'Directory visitor', body: 'visiting' });
          await moveTopic(db, moderator, there.id, 'general');
        }],
        ['two topics merged', () => mergeTopics(db, moderator, ids[30]!, ids[110]!)],
        ['a topic split', async () => {
          await createReply(db, author, { topicId: ids[40]!, body: 'to split off' });
          const post = await db.selectFrom('posts').select('post_number').where('topic_id', '=', ids[40]!).orderBy('post_number', 'desc').executeTakeFirstOrThrow();
          await splitTopic(db, moderator, ids[40]!, [post.post_number], 'Directory split');
        }],
        // A change made outside the use cases (an import, a repair by hand): the triggers see it.
        ['a time changed by hand', () => sql`update topics set last_post_at = '2027-01-01T00:00:00.000Z' where id = ${ids[120]!}`.execute(db)],
        ['a topic restored by hand', () => sql`update topics set deleted_at = null where id = ${ids[10]!}`.execute(db)],
      ];
      for (const [step, change] of changes) {
        await change();
        const next = await assertPagesByNumber(step);
        assert.ok(next > version, `${step}: the listing version moved on`);
        version = next;
      }
    });

    test("views (a view-count flush) leave the listing's version alone", async () => {
      const before = await db.selectFrom('boards').select('listing_version').where('id', '=', general).executeTakeFirstOrThrow();
      await sql`update topics set view_count = view_count + 5, post_count = post_count where board_id = ${general}`.execute(db);
      await sql`update topics set last_post_at = last_post_at where id = ${ids[5]!}`.execute(db);
      const now = await db.selectFrom('boards').select('listing_version').where('id', '=', general).executeTakeFirstOrThrow();
      assert.equal(now.listing_version, before.listing_version);
    });

    test('the pages by number are read from the directory: with the triggers gone, a change goes unseen', async () => {
      await assertPagesByNumber('before');
      // Without the triggers the version stays, so the directory's keys are used as they are:
      // page 3 then starts after a key that page 2 no longer ends with.
      if (kind.name === 'postgres') await sql`drop trigger topics_listing_update on topics`.execute(db);
      else await sql`drop trigger topics_listing_update`.execute(db);
      await sql`update topics set last_post_at = '2028-01-01T00:00:00.000Z' where id = ${ids[119]!}`.execute(db);
      const expected = await byOffset();
      const got = (await listBoardTopics(db, null, 'general', 3, 'latest', undefined, null, { oneRoundTrip: kind.name === 'postgres' })).topics.map((t) => t.id);
      assert.notDeepEqual(got, expected[2]);
    });

    async function firstPost(topicId: number): Promise<number> {
      return (await db.selectFrom('posts').select('id').where('topic_id', '=', topicId).where('post_number', '=', 1).executeTakeFirstOrThrow()).id;
    }
  });
}
