// Live updates over server-sent events, through a real socket: an open topic hears of a new
// reply, the author's bell of the new notification; edits and deletions; a private topic's
// stream is refused, and events never reach a page whose reader may not see the post.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { editPost } from '../../src/community/edit-post.ts';
import { deletePost } from '../../src/community/delete-post.ts';
import { moveTopic } from '../../src/moderation/reorganize-topics.ts';
import { announcePost } from '../../src/notifications/live.ts';
import { Agent } from '../helpers/browserless-agent.ts';

/**
 * Reads server-sent events from a stream until `count` named events arrived. The 'topic' event
 * each topic stream starts with (its last post, for catching up) is left out unless asked for.
 */
async function readEvents(res: Response, count: number, timeoutMs = 5000, withTopic = false): Promise<{ event: string; data: unknown }[]> {
  const reader = res.body!.getReader();
  const out: { event: string; data: unknown }[] = [];
  let buffer = '';
  const timer = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    while (out.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += new TextDecoder().decode(value);
      let at;
      while ((at = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event && data && (withTopic || event !== 'topic')) out.push({ event, data: JSON.parse(data) });
      }
    }
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => {});
  }
  return out;
}

for (const kind of testDatabaseKinds()) {
  describe(`live updates on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let base: string;
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      base = await app.listen({ port: 0, host: '127.0.0.1' });
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('an open topic hears of a new reply; its author\'s bell of the notification', async () => {
      const db = database.db;
      await createBoard(db, null, { name: 'Help', slug: 'help' });
      await createBoard(db, null, { name: 'Staff', slug: 'staff', visibility: 'staff' });
      const ann = await makeUser(db, [], 'ann_live');
      const bob = await makeUser(db, [], 'bob_live');
      const mod = await makeUser(db, ['moderator'], 'mod_live');
      const t = await createTopic(db, ann, { boardSlug: 'help', kind: 'question', title: 'Live thread', body: 'Watching this live.' });
      const secret = await createTopic(db, mod, { boardSlug: 'staff', kind: 'discussion', title: 'Staff live', body: 'Private.' });

      const visitor = await fetch(`${base}/live?topic=${t.id}`);
      assert.equal(visitor.status, 200);
      assert.match(visitor.headers.get('content-type')!, /^text\/event-stream/);
      const forbidden = await fetch(`${base}/live?topic=${secret.id}`, { headers: { accept: 'application/json' } });
      assert.equal(forbidden.status, 401, 'a visitor cannot listen to a staff topic');

      const agent = new Agent(app);
      await agent.post('/signin', { login: 'ann_live', password: 'correct horse battery staple' }, '/signin');
      const cookie = [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      assert.ok(cookie.includes('parley_session'), 'signed in');
      const mine = await fetch(`${base}/live`, { headers: { cookie } });
      const visitorEvents = readEvents(visitor, 1);
      const annEvents = readEvents(mine, 2);
      await new Promise((r) => setTimeout(r, 100));
      const r = await createReply(db, bob, { topicId: t.id, body: 'Here is a live answer.' });
      app.notifyMentions(r.id); // what the reply routes call after writing
      assert.deepEqual(await visitorEvents, [{ event: 'post', data: { postNumber: 2, change: 'new', fragment: `/t/${t.id}/posts/2` } }]);
      assert.deepEqual(await annEvents, [{ event: 'bell', data: { unread: 0 } }, { event: 'bell', data: { unread: 1 } }], 'the count on connecting, then the new one');
    });

    test('edits and deletions are heard; hidden new posts and topics moved out of sight are not', async () => {
      const db = database.db;
      const t = await db.selectFrom('topics').select(['id', 'slug']).where('title', '=', 'Live thread').executeTakeFirstOrThrow();
      const bob = { id: (await db.selectFrom('users').select('id').where('username', '=', 'bob_live').executeTakeFirstOrThrow()).id, roles: new Set(['member'] as const) };
      const mod = { id: (await db.selectFrom('users').select('id').where('username', '=', 'mod_live').executeTakeFirstOrThrow()).id, roles: new Set(['member', 'moderator'] as const) };
      const modAgent = new Agent(app);
      await modAgent.post('/signin', { login: 'mod_live', password: 'correct horse battery staple' }, '/signin');
      const modCookie = [...modAgent.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const listen = async (cookie?: string) => {
        const res = await fetch(`${base}/live?topic=${t.id}`, cookie ? { headers: { cookie } } : {});
        assert.equal(res.status, 200);
        return res;
      };
      const settle = () => new Promise((r) => setTimeout(r, 100));

      // A new post hidden at once (as a hold word on a first post would): only those who may see it hear of it.
      let visitor = await listen();
      let moderator = await listen(modCookie);
      let v = readEvents(visitor, 1);
      let m = readEvents(moderator, 3); // the bell's count on connecting, then the posts
      await settle();
      const hiddenReply = await createReply(db, bob, { topicId: t.id, body: 'Hidden straight away.' });
      await db.updateTable('posts').set({ hidden_at: new Date().toISOString() }).where('id', '=', hiddenReply.id).execute();
      announcePost({ id: hiddenReply.id, topic_id: t.id, post_number: 3 }, 'new');
      const edited = await createReply(db, bob, { topicId: t.id, body: 'A reply about to be edited.' });
      app.notifyMentions(edited.id);
      assert.deepEqual((await v).map((e) => (e.data as { postNumber: number }).postNumber), [4], 'the visitor never hears of post 3');
      assert.deepEqual((await m).filter((e) => e.event === 'post').map((e) => (e.data as { postNumber: number }).postNumber), [3, 4], 'the moderator does');

      // Edited and deleted: every open page hears it.
      visitor = await listen();
      v = readEvents(visitor, 2);
      await settle();
      await editPost(db, bob, { postId: edited.id, body: 'A reply that was edited.' });
      await deletePost(db, bob, edited.id);
      assert.deepEqual((await v).map((e) => e.data), [
        { postNumber: 4, change: 'edit', fragment: `/t/${t.id}/posts/4` },
        { postNumber: 4, change: 'delete', fragment: `/t/${t.id}/posts/4` },
      ]);

      // Moved to a staff board after the page opened: the visitor's page hears nothing more.
      visitor = await listen();
      moderator = await listen(modCookie);
      v = readEvents(visitor, 1, 1500);
      m = readEvents(moderator, 2);
      await settle();
      await moveTopic(db, mod, t.id, 'staff');
      app.notifyMentions((await createReply(db, mod, { topicId: t.id, body: 'Now among staff.' })).id);
      assert.equal((await m).filter((e) => e.event === 'post').length, 1);
      assert.deepEqual(await v, [], 'a reply in a board the visitor may not see never reaches them');
      await moveTopic(db, mod, t.id, 'help');
    });

    test('each (re)connection of a topic stream starts with the last post the reader may see, to catch up on', async () => {
      const db = database.db;
      await createBoard(db, null, { name: 'Catch up', slug: 'catch-up' });
      const ann = await makeUser(db, [], 'ann_catch');
      const bob = await makeUser(db, [], 'bob_catch');
      const t = await createTopic(db, ann, { boardSlug: 'catch-up', kind: 'question', title: 'Catching up', body: 'Missed replies.' });
      await createReply(db, bob, { topicId: t.id, body: 'Reply two.' });
      const deleted = await createReply(db, bob, { topicId: t.id, body: 'Reply three, deleted.' });
      await createReply(db, bob, { topicId: t.id, body: 'Reply four.' });
      const first = (await readEvents(await fetch(`${base}/live?topic=${t.id}`), 1, 5000, true))[0];
      assert.deepEqual(first, { event: 'topic', data: { lastPostNumber: 4 } });
      // Replies 3 and 4 deleted, 5 held for review: a visitor's page catches up to post 2 only.
      await deletePost(db, bob, (await db.selectFrom('posts').select('id').where('topic_id', '=', t.id).where('post_number', '=', 4).executeTakeFirstOrThrow()).id);
      const hidden = await createReply(db, bob, { topicId: t.id, body: 'Reply five, held for review.' });
      await db.updateTable('posts').set({ hidden_at: new Date().toISOString() }).where('id', '=', hidden.id).execute();
      assert.ok(deleted.id);
      await deletePost(db, bob, deleted.id);
      assert.deepEqual((await readEvents(await fetch(`${base}/live?topic=${t.id}`), 1, 5000, true))[0], { event: 'topic', data: { lastPostNumber: 2 } }, 'deleted and hidden posts are not waited for');
      // Its author sees the held post on the page: their page catches up to it.
      const agent = new Agent(app);
      await agent.post('/signin', { login: 'bob_catch', password: 'correct horse battery staple' }, '/signin');
      const cookie = [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const own = await readEvents(await fetch(`${base}/live?topic=${t.id}`, { headers: { cookie } }), 2, 5000, true);
      assert.deepEqual(own.find((e) => e.event === 'topic'), { event: 'topic', data: { lastPostNumber: 5 } });
    });

    test('a post as a fragment, rendered as the topic page renders it, for the reader', async () => {
      const db = database.db;
      const t = await db.selectFrom('topics').select(['id', 'slug']).where('title', '=', 'Live thread').executeTakeFirstOrThrow();
      const bob = { id: (await db.selectFrom('users').select('id').where('username', '=', 'bob_live').executeTakeFirstOrThrow()).id, roles: new Set(['member'] as const) };
      const r = await createReply(db, bob, { topicId: t.id, body: 'Look: <script>alert(1)</script> <img src=x onerror=alert(2)> **bold**' });
      const n = (await db.selectFrom('posts').select('post_number').where('id', '=', r.id).executeTakeFirstOrThrow()).post_number;
      const frag = await app.inject(`/t/${t.id}/posts/${n}`);
      assert.equal(frag.statusCode, 200);
      assert.match(frag.headers['cache-control'] as string, /no-store/);
      assert.match(frag.body, new RegExp(`^<article class="post" id="post-${n}">`));
      assert.match(frag.body, /<strong>bold<\/strong>/);
      assert.doesNotMatch(frag.body, /<script|<img|<html/);
      assert.match(frag.body, /&lt;img src=x onerror=alert\(2\)&gt;/, 'shown as text, as on the page');
      // The same article as on the topic page (without the page's microdata).
      const page = (await app.inject(`/t/${t.slug}/${t.id}`)).body;
      const strip = (html: string) => html.replace(/ itemprop="[^"]*"| itemscope| itemtype="[^"]*"|<meta [^>]*>\n?|<link [^>]*>\n?/g, '').replace(/href="[^"#]*#/g, 'href="#').replace(/<span>([^<]*)<\/span>/g, '$1');
      const onPage = new RegExp(`<article class="post" id="post-${n}"[\\s\\S]*?</article>`).exec(page)![0];
      assert.equal(strip(frag.body.trim()), strip(onPage));
      // Hidden: the text is not sent to visitors; a staff topic's posts are not there for them.
      await db.updateTable('posts').set({ hidden_at: new Date().toISOString() }).where('id', '=', r.id).execute();
      const hidden = await app.inject(`/t/${t.id}/posts/${n}`);
      assert.match(hidden.body, /This post is hidden while the moderators review it/);
      assert.doesNotMatch(hidden.body, /bold/);
      const staffTopic = await db.selectFrom('topics').select('id').where('title', '=', 'Staff live').executeTakeFirstOrThrow();
      assert.equal((await app.inject({ url: `/t/${staffTopic.id}/posts/1`, headers: { accept: 'text/html' } })).statusCode, 404);
      assert.equal((await app.inject(`/t/${t.id}/posts/999`)).statusCode, 404);
    });

    test('topic pages carry the live regions and the script, for visitors too', async () => {
      const t = await database.db.selectFrom('topics').select(['id', 'slug']).where('title', '=', 'Live thread').executeTakeFirstOrThrow();
      const page = (await app.inject(`/t/${t.slug}/${t.id}`)).body;
      assert.match(page, new RegExp(`<div id="live-topic" class="live-notice" data-topic="${t.id}" data-page="1" data-per-page="20" data-url="/t/live-thread/${t.id}" data-last-post="\\d+" data-announce-one="New reply from \\{author\\}\\." data-announce-many="\\{count\\} new replies\\."[^>]* hidden></div>`));
      assert.match(page, /<div id="live-announce" class="sr-only" role="status" aria-live="polite"><\/div>/);
      assert.match(page, /<script src="\/assets\/live\.js" defer><\/script>/);
      assert.equal((await app.inject('/assets/live.js')).statusCode, 200);
    });
  });
}
