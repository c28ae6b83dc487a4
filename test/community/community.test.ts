import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { acceptAnswer } from '../../src/community/accept-answer.ts';
import { listBoards, latestTopics } from '../../src/community/list-boards.ts';
import { listBoardTopics, TOPICS_PER_PAGE } from '../../src/community/list-board-topics.ts';
import { showTopic, POSTS_PER_PAGE } from '../../src/community/show-topic.ts';
import type { UserError } from '../../src/shared/errors.ts';
import type { Actor } from '../../src/policy/policy.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';

const iso = (minutes: number) => new Date(Date.UTC(2026, 0, 1) + minutes * 60_000).toISOString();

for (const kind of testDatabaseKinds()) {
  describe(`community on ${kind.name}`, () => {
    let database: TestDatabase;
    let asker: Actor, helper: Actor, employee: Actor, moderator: Actor, manager: Actor;
    before(async () => {
      database = await kind.open();
      const db = database.db;
      [asker, helper, employee, moderator, manager] = await Promise.all([
        makeUser(db), makeUser(db), makeUser(db, ['employee']), makeUser(db, ['moderator']), makeUser(db, ['community_manager']),
      ]);
      await createBoard(db, manager, { name: 'Home Internet', description: 'Broadband and Wi-Fi' });
      await createBoard(db, null, { name: 'Team room', slug: 'team', visibility: 'staff' });
    });
    after(() => database.drop());

    test('boards: only community managers create them; slugs are unique', async () => {
      await assert.rejects(createBoard(database.db, employee, { name: 'Employees only' }), (e: UserError) => e.status === 403);
      await assert.rejects(createBoard(database.db, manager, { name: 'Home Internet' }), (e: UserError) => e.status === 409);
      await assert.rejects(createBoard(database.db, manager, { name: 'x' }), /at least 2/);
    });

    test('a topic and its replies keep every counter and "latest activity" right', async () => {
      const db = database.db;
      const t = await createTopic(db, asker, { boardSlug: 'home-internet', kind: 'question', title: 'Wi-Fi drops every evening', body: 'Since **Monday** the connection drops at 8pm.', at: iso(0) });
      assert.equal(t.slug, 'wi-fi-drops-every-evening');
      const r1 = await createReply(db, helper, { topicId: t.id, body: 'Try channel 36 on 5 GHz.', at: iso(10) });
      const r2 = await createReply(db, employee, { topicId: t.id, body: 'I work on the network team: we are looking into it.', at: iso(20) });
      assert.deepEqual([r1.postNumber, r2.postNumber], [2, 3]);
      const board = await db.selectFrom('boards').selectAll().where('slug', '=', 'home-internet').executeTakeFirstOrThrow();
      assert.deepEqual([board.topic_count, board.post_count, board.last_topic_id, board.last_post_at], [1, 3, t.id, iso(20)]);
      const topic = await db.selectFrom('topics').selectAll().where('id', '=', t.id).executeTakeFirstOrThrow();
      assert.deepEqual([topic.post_count, topic.last_post_user_id, topic.last_post_at], [3, employee.id, iso(20)]);
      const post = await db.selectFrom('posts').select(['body_html']).where('topic_id', '=', t.id).where('post_number', '=', 1).executeTakeFirstOrThrow();
      assert.equal(post.body_html, '<p>Since <strong>Monday</strong> the connection drops at 8pm.</p>\n', 'rendered once at write time');
      const u = await db.selectFrom('users').select('post_count').where('id', '=', asker.id).executeTakeFirstOrThrow();
      assert.equal(u.post_count, 1);
    });

    test('bad topics and replies are refused and write nothing', async () => {
      const db = database.db;
      const count = async () => (await db.selectFrom('posts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n;
      const before = await count();
      await assert.rejects(createTopic(db, asker, { boardSlug: 'nope', kind: 'question', title: 'A fine title', body: 'body' }), (e: UserError) => e.status === 404);
      await assert.rejects(createTopic(db, asker, { boardSlug: 'home-internet', kind: 'rant', title: 'A fine title', body: 'body' }), /question or a discussion/);
      await assert.rejects(createTopic(db, asker, { boardSlug: 'home-internet', kind: 'question', title: 'Hi', body: 'body' }), /Title must be at least/);
      await assert.rejects(createTopic(db, asker, { boardSlug: 'home-internet', kind: 'question', title: 'x'.repeat(151), body: 'body' }), /at most 150/);
      await assert.rejects(createTopic(db, asker, { boardSlug: 'home-internet', kind: 'question', title: 'A fine title', body: '   ' }), /empty/);
      await assert.rejects(createTopic(db, asker, { boardSlug: 'home-internet', kind: 'question', title: 'A fine title', body: 'x'.repeat(50_001) }), (e: UserError) => e.status === 413);
      await assert.rejects(createTopic(db, asker, { boardSlug: 'team', kind: 'discussion', title: 'Sneaking in', body: 'hello' }), (e: UserError) => e.status === 404); // a staff board looks like no board to a member
      await assert.rejects(createReply(db, asker, { topicId: 987654, body: 'hello' }), (e: UserError) => e.status === 404);
      assert.equal(await count(), before);
    });

    test('locked topics refuse member replies with a clear message; staff may still answer', async () => {
      const db = database.db;
      const t = await createTopic(db, asker, { boardSlug: 'home-internet', kind: 'discussion', title: 'Old outage thread', body: 'It is fixed now.' });
      await db.updateTable('topics').set({ locked: 1 }).where('id', '=', t.id).execute();
      await assert.rejects(createReply(db, helper, { topicId: t.id, body: 'Me too' }), /closed to new replies/);
      await assert.rejects(createReply(db, employee, { topicId: t.id, body: 'Me too' }), /closed to new replies/);
      assert.equal((await createReply(db, moderator, { topicId: t.id, body: 'Closing note from the team.' })).postNumber, 2);
    });

    test('accepted answer: the asker or a moderator picks it; nobody else; only replies of questions', async () => {
      const db = database.db;
      const q = await createTopic(db, asker, { boardSlug: 'home-internet', kind: 'question', title: 'How do I reset my router?', body: 'Which button?' });
      const a1 = await createReply(db, helper, { topicId: q.id, body: 'Hold the pin-hole button for 10 seconds.' });
      const a2 = await createReply(db, employee, { topicId: q.id, body: 'Or use the app: Settings > Restart.' });
      await assert.rejects(acceptAnswer(db, employee, a1.id), (e: UserError) => e.status === 403);
      await assert.rejects(acceptAnswer(db, asker, q.postId), /cannot be its answer/);
      await acceptAnswer(db, asker, a1.id);
      await acceptAnswer(db, moderator, a2.id);
      const topic = await db.selectFrom('topics').select('solved_post_id').where('id', '=', q.id).executeTakeFirstOrThrow();
      assert.equal(topic.solved_post_id, a2.id);
      const counts = await db.selectFrom('users').select(['id', 'answer_count']).where('id', 'in', [helper.id, employee.id]).execute();
      assert.deepEqual(Object.fromEntries(counts.map((c) => [c.id, c.answer_count])), { [helper.id]: 0, [employee.id]: 1 });
      const d = await createTopic(db, asker, { boardSlug: 'home-internet', kind: 'discussion', title: 'Chat about routers', body: 'Thoughts?' });
      const dr = await createReply(db, helper, { topicId: d.id, body: 'I like mine.' });
      await assert.rejects(acceptAnswer(db, asker, dr.id), /Only questions/);

      const page = await showTopic(db, asker, q.id, 1);
      assert.equal(page.answer?.id, a2.id);
      assert.equal(page.canAccept, true);
      assert.equal((await showTopic(db, helper, q.id, 1)).canAccept, false);
      assert.deepEqual(page.roles.get(employee.id)?.sort(), ['employee', 'member']);
    });

    test('board and home lists: visibility, order, pagination', async () => {
      const db = database.db;
      await createBoard(db, manager, { name: 'Busy board', slug: 'busy' });
      const ids: number[] = [];
      for (let i = 0; i < TOPICS_PER_PAGE + 5; i++) {
        ids.push((await createTopic(db, helper, { boardSlug: 'busy', kind: 'discussion', title: `Topic number ${i}`, body: 'text', at: iso(1000 + i) })).id);
      }
      await db.updateTable('topics').set({ pinned: 1 }).where('id', '=', ids[0]!).execute();
      const p1 = await listBoardTopics(db, null, 'busy', 1);
      assert.equal(p1.pageCount, 2);
      assert.equal(p1.topics[0]!.id, ids[0], 'pinned first');
      assert.equal(p1.topics[1]!.id, ids.at(-1), 'then latest activity');
      const p2 = await listBoardTopics(db, null, 'busy', 2);
      assert.equal(p2.topics.length, 5);
      await assert.rejects(listBoardTopics(db, null, 'busy', 3), (e: UserError) => e.status === 404);
      await assert.rejects(listBoardTopics(db, null, 'no-such-board', 1), (e: UserError) => e.status === 404);
      await assert.rejects(listBoardTopics(db, employee, 'team', 1), (e: UserError) => e.status === 404, 'staff boards do not exist for employees');
      assert.equal((await listBoardTopics(db, moderator, 'team', 1)).board.slug, 'team');

      const visitorBoards = (await listBoards(db, null)).map((b) => b.slug);
      assert.ok(!visitorBoards.includes('team'));
      assert.ok((await listBoards(db, moderator)).some((b) => b.slug === 'team'));
      const staffTopic = await createTopic(db, moderator, { boardSlug: 'team', kind: 'discussion', title: 'Team-only news', body: 'hush' });
      const latest = await latestTopics(db, null, 50);
      const times = latest.map((t) => t.last_post_at);
      assert.deepEqual(times, [...times].sort().reverse(), 'most recent first');
      assert.ok(!latest.some((t) => t.id === staffTopic.id), 'no staff-board topic for visitors');
      assert.equal((await latestTopics(db, moderator, 1))[0]!.id, staffTopic.id);
    });

    test('topic pages: 20 posts per page by post number', async () => {
      const db = database.db;
      const t = await createTopic(db, asker, { boardSlug: 'home-internet', kind: 'discussion', title: 'A long thread', body: 'first' });
      for (let i = 0; i < POSTS_PER_PAGE + 3; i++) await createReply(db, i % 2 ? helper : employee, { topicId: t.id, body: `reply ${i}` });
      const p1 = await showTopic(db, null, t.id, 1);
      const p2 = await showTopic(db, null, t.id, 2);
      assert.equal(p1.pageCount, 2);
      assert.deepEqual([p1.posts.length, p1.posts[0]!.post_number, p2.posts.length, p2.posts[0]!.post_number], [20, 1, 4, 21]);
      assert.equal(p1.canReply, false, 'a visitor cannot reply');
      await assert.rejects(showTopic(db, null, t.id, 3), (e: UserError) => e.status === 404);
      await assert.rejects(showTopic(db, null, 424242, 1), (e: UserError) => e.status === 404);
    });
  });
}
