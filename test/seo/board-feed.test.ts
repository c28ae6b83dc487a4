// A board's Atom feed is public and copied into readers that never update it: it lists only the
// topics a visitor may read, and no placeholder for the others: a topic whose first post is hidden
// while reports are reviewed, hidden by a moderator, or deleted is not in it (title included), in
// any language.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { reportPost } from '../../src/moderation/report-post.ts';
import { decidePostItem } from '../../src/moderation/decide-item.ts';
import type { Role } from '../../src/db/schema.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { makeUser } from '../helpers/fixtures.ts';

for (const kind of testDatabaseKinds()) {
  describe(`board feed on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      const db = database.db;
      await createBoard(db, null, { name: 'Billing', slug: 'billing' });
      const author = await makeUser(db, [], 'feed_author');
      const reporter = await makeUser(db, [], 'feed_reporter');
      const mod = await makeUser(db, ['moderator'], 'feed_mod');
      const member = { id: reporter.id, roles: new Set<Role>(['member']) };
      await createTopic(db, author, { boardSlug: 'billing', kind: 'discussion', title: 'Readable invoice question', body: 'Why is my invoice higher this month?' });
      // Hidden by reports, waiting for a moderator (as report-post.ts hides it past the threshold).
      const waiting = await createTopic(db, author, { boardSlug: 'billing', kind: 'discussion', title: 'Waiting spam title', body: 'Buy cheap watches here' });
      await reportPost(db, member, { postId: waiting.postId, reason: 'spam', hideThreshold: 0 });
      await db.updateTable('posts').set({ hidden_at: new Date().toISOString() }).where('id', '=', waiting.postId).execute();
      // Hidden by a moderator's decision.
      const decided = await createTopic(db, author, { boardSlug: 'billing', kind: 'discussion', title: 'Decided spam title', body: 'Cheap pills here' });
      await reportPost(db, member, { postId: decided.postId, reason: 'spam', hideThreshold: 0 });
      const item = await db.selectFrom('review_items').select('id').where('kind', '=', 'post').where('subject_id', '=', decided.postId).executeTakeFirstOrThrow();
      await decidePostItem(db, mod, { id: item.id, decision: 'hide', reason: 'Spam' });
      // Its first post deleted.
      const gone = await createTopic(db, author, { boardSlug: 'billing', kind: 'discussion', title: 'Deleted first post title', body: 'Something I took back' });
      await db.updateTable('posts').set({ deleted_at: new Date().toISOString() }).where('id', '=', gone.postId).execute();
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('only the readable topic is listed; nothing says hidden, review or deleted, in English or Dutch', async () => {
      for (const lang of ['en', 'nl']) {
        const res = await app.inject({ url: '/b/billing/feed.atom', headers: { 'accept-language': lang } });
        assert.equal(res.statusCode, 200);
        const feed = res.body;
        assert.equal(feed.match(/<entry>/g)?.length, 1, feed);
        assert.match(feed, /<title>Readable invoice question<\/title>/);
        assert.match(feed, /Why is my invoice higher this month\?/);
        for (const hidden of ['Waiting spam title', 'Buy cheap watches', 'Decided spam title', 'Cheap pills', 'Deleted first post title', 'Something I took back']) {
          assert.ok(!feed.includes(hidden), `${lang}: ${hidden} must not be in the feed`);
        }
        assert.doesNotMatch(feed, /review|beoordel|hidden|verborgen|deleted|verwijderd/i);
      }
    });
  });
}
