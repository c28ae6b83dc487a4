// In-app notifications on both databases: who is told of a reply, quote, mention, accepted
// answer, kudos and new posts in watched topics and boards; never about what they may not read;
// grouping, the bell's count, read when seen, 90-day purge; watching and muting.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { acceptAnswer } from '../../src/community/accept-answer.ts';
import { giveKudos } from '../../src/community/give-kudos.ts';
import { deletePost } from '../../src/community/delete-post.ts';
import { notifyNewPost } from '../../src/notifications/notify-new-post.ts';
import { listNotifications, purgeOldNotifications, unreadCount } from '../../src/notifications/list-notifications.ts';
import { setAutowatch, setWatch } from '../../src/notifications/watch.ts';
import type { Actor } from '../../src/policy/policy.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { Agent } from '../helpers/browserless-agent.ts';

type U = Actor & { username: string };

for (const kind of testDatabaseKinds()) {
  describe(`notifications on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let ann: U, bob: U, cat: U, dan: U, eve: U, mod: U;
    const board = { help: 0, staff: 0 };
    const kinds = async (u: Actor) => (await listNotifications(database.db, u)).map((g) => `${g.kind}:${g.count}:${g.unread ? 'new' : 'read'}`);
    const newPost = async (actor: Actor, topicId: number, body: string) => {
      const r = await createReply(database.db, actor, { topicId, body });
      await notifyNewPost(database.db, r.id);
      return r;
    };

    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      const db = database.db;
      board.help = (await createBoard(db, null, { name: 'Help', slug: 'help' })).id;
      board.staff = (await createBoard(db, null, { name: 'Staff', slug: 'staff', visibility: 'staff' })).id;
      ann = await makeUser(db, [], 'ann_asks');
      bob = await makeUser(db, [], 'bob_helps');
      cat = await makeUser(db, [], 'cat_named');
      dan = await makeUser(db, [], 'dan_watches');
      eve = await makeUser(db, [], 'eve_mutes');
      mod = await makeUser(db, ['moderator'], 'mod_mo');
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('replies, quotes, mentions, accepted answers and kudos reach the right people, once each', async () => {
      const db = database.db;
      await setWatch(db, dan, 'board', board.help, 'watching');
      const t = await createTopic(db, ann, { boardSlug: 'help', kind: 'question', title: 'Modem keeps rebooting', body: 'Every hour or so.' });
      assert.deepEqual((await notifyNewPost(db, t.postId)).map((n) => n.userId), [dan.id], 'a new topic: only the board watcher');
      const first = await newPost(bob, t.id, 'Which firmware? Ask @cat_named, she had this too.');
      assert.deepEqual(await kinds(ann), ['reply:1:new']);
      assert.deepEqual(await kinds(cat), ['mention:1:new']);
      assert.deepEqual(await kinds(dan), ['watched:2:new'], 'the board watcher heard of the topic and the reply, grouped');
      // A quote notifies the quoted person as a quote (not also as a mention); bob watches by default.
      await newPost(cat, t.id, '@bob_helps wrote:\n\n> Which firmware?\n\nVersion 7.1.');
      assert.deepEqual(await kinds(bob), ['quote:1:new']);
      assert.deepEqual(await kinds(ann), ['reply:2:new'], 'two replies to her topic, one group');
      const groups = await listNotifications(db, ann);
      assert.deepEqual(groups[0]!.actors.sort(), ['bob helps', 'cat named']);
      assert.match(groups[0]!.url, new RegExp(`^/t/modem-keeps-rebooting/${t.id}#post-2$`), 'links to the first unread reply');
      await acceptAnswer(db, ann, first.id);
      await giveKudos(db, ann, first.id);
      await giveKudos(db, cat, first.id);
      const bobs = await kinds(bob);
      assert.ok(bobs.includes('accepted:1:new') && bobs.includes('kudos:2:new'), bobs.join());
      assert.equal(await unreadCount(db, bob), 4);
    });

    test('muting a topic silences its replies, mentions and quotes; turning off default watching silences watching', async () => {
      const db = database.db;
      const t = await createTopic(db, eve, { boardSlug: 'help', kind: 'discussion', title: 'Muted thread', body: 'Start.' });
      await newPost(bob, t.id, 'First.');
      assert.equal((await listNotifications(db, eve)).filter((g) => g.topic?.id === t.id).length, 1);
      await setWatch(db, eve, 'topic', t.id, 'muted');
      await newPost(cat, t.id, 'Second.');
      assert.equal((await listNotifications(db, eve)).find((g) => g.topic?.id === t.id)!.count, 1, 'no new notification once muted');
      // A muted topic stops mentions and quotes from it too (as Discourse does); elsewhere they still arrive.
      await newPost(cat, t.id, 'Third, @eve_mutes.');
      await newPost(cat, t.id, '@eve_mutes wrote:\n\n> Start.\n\nQuoted.');
      assert.equal((await listNotifications(db, eve)).filter((g) => g.topic?.id === t.id).length, 1, 'no mention or quote from a muted topic');
      const elsewhere = await createTopic(db, cat, { boardSlug: 'help', kind: 'discussion', title: 'Not muted', body: 'Start.' });
      await newPost(cat, elsewhere.id, 'Hello @eve_mutes.');
      assert.ok((await kinds(eve)).includes('mention:1:new'));
      // bob replied there, so he watches it by default, until he turns that off.
      const before = (await listNotifications(db, bob)).filter((g) => g.topic?.id === t.id && g.kind === 'watched')[0]!.count;
      await setAutowatch(db, bob, false);
      await newPost(cat, t.id, 'Fourth.');
      assert.equal((await listNotifications(db, bob)).filter((g) => g.topic?.id === t.id && g.kind === 'watched')[0]!.count, before);
      await setAutowatch(db, bob, true);
    });

    test('nobody hears of a staff topic they may not read, and lost access hides old notifications', async () => {
      const db = database.db;
      await assert.rejects(setWatch(db, ann, 'board', board.staff, 'watching'), /Not allowed|not allowed|403|allowed/i);
      const t = await createTopic(db, mod, { boardSlug: 'staff', kind: 'discussion', title: 'Staff only', body: 'About @ann_asks and @cat_named.' });
      assert.deepEqual(await notifyNewPost(db, t.postId), [], 'mentioned members are not told');
      const before = await unreadCount(db, ann);
      const pub = await createTopic(db, cat, { boardSlug: 'help', kind: 'discussion', title: 'Soon deleted', body: 'Hi @ann_asks' });
      await notifyNewPost(db, pub.postId);
      assert.equal(await unreadCount(db, ann), before + 1);
      await deletePost(db, cat, pub.postId);
      assert.equal(await unreadCount(db, ann), before, 'a deleted topic drops out of the count and the list');
    });

    test('the bell shows the count, the page groups and marks read, a topic view marks its own read', async () => {
      const agent = new Agent(app);
      await agent.post('/signin', { login: 'ann_asks', password: 'correct horse battery staple' }, '/signin');
      const unread = await unreadCount(database.db, ann);
      assert.ok(unread > 0);
      const home = (await agent.get('/')).body;
      assert.match(home, new RegExp(`<a class="bell" href="/notifications"[^>]*>.*<span class="count">${unread}<span class="sr-only"> unread</span></span></a>`));
      const page = await agent.get('/notifications');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<span class="tag">New<\/span> 2 new replies to your topic <a href="\/t\/modem-keeps-rebooting\/\d+#post-2">Modem keeps rebooting<\/a>/);
      assert.equal(await unreadCount(database.db, ann), 0, 'seen on the page: read');
      assert.doesNotMatch((await agent.get('/')).body, /class="count"/);
      // A new reply, then opening the topic marks it read.
      const t = (await database.db.selectFrom('topics').select(['id', 'slug']).where('title', '=', 'Modem keeps rebooting').executeTakeFirstOrThrow());
      const posted = await agent.post(`/t/${t.id}/replies`, { body: 'Still rebooting, thanks all.' }, `/t/${t.id}/reply`);
      assert.equal(posted.statusCode, 303);
      const bobAgent = new Agent(app);
      await bobAgent.post('/signin', { login: 'bob_helps', password: 'correct horse battery staple' }, '/signin');
      await bobAgent.post(`/t/${t.id}/replies`, { body: 'Try a factory reset.' }, `/t/${t.id}/reply`);
      for (let i = 0; i < 50 && (await unreadCount(database.db, ann)) === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await unreadCount(database.db, ann), 1, 'the reply posted over HTTP notified her (in the background)');
      await agent.get(`/t/${t.slug}/${t.id}`);
      for (let i = 0; i < 50 && (await unreadCount(database.db, ann)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await unreadCount(database.db, ann), 0, 'reading the topic marked it read');
      assert.equal((await app.inject('/notifications')).statusCode, 401, 'visitors have none');
    });

    test('watch and mute forms; notifications older than 90 days are purged', async () => {
      const agent = new Agent(app);
      await agent.post('/signin', { login: 'dan_watches', password: 'correct horse battery staple' }, '/signin');
      const res = await agent.post(`/boards/${board.help}/watch`, { level: 'muted', back: '/b/help' }, '/notifications');
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/b/help');
      const w = await database.db.selectFrom('watches').select('level').where('user_id', '=', dan.id).where('target', '=', 'board').executeTakeFirstOrThrow();
      assert.equal(w.level, 'muted');
      const evil = await agent.post(`/boards/${board.help}/watch`, { level: 'default', back: '//evil.example/' }, '/notifications');
      assert.equal(evil.headers.location, '/notifications', 'no open redirect');
      assert.equal((await agent.post(`/boards/${board.help}/watch`, { level: 'loud' }, '/notifications')).statusCode, 400);
      assert.equal((await agent.post(`/boards/${board.staff}/watch`, { level: 'watching' }, '/notifications')).statusCode, 403);
      const count = await unreadCount(database.db, cat);
      const purged = await purgeOldNotifications(database.db, Date.now() + 91 * 86_400_000);
      assert.ok(purged > 0);
      assert.equal(await unreadCount(database.db, cat, Date.now()), 0, 'all gone');
      assert.ok(count > 0);
    });
  });
}
