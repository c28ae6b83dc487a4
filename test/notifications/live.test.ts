// Live updates over server-sent events, through a real socket: an open topic hears of a new
// reply, the author's bell of the new notification; a private topic's stream is refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { Agent } from '../helpers/browserless-agent.ts';

/** Reads server-sent events from a stream until `count` named events arrived. */
async function readEvents(res: Response, count: number, timeoutMs = 5000): Promise<{ event: string; data: unknown }[]> {
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
        if (event && data) out.push({ event, data: JSON.parse(data) });
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
      const annEvents = readEvents(mine, 1);
      await new Promise((r) => setTimeout(r, 100));
      const r = await createReply(db, bob, { topicId: t.id, body: 'Here is a live answer.' });
      app.notifyMentions(r.id); // what the reply routes call after writing
      assert.deepEqual(await visitorEvents, [{ event: 'reply', data: { postNumber: 2, url: `/t/live-thread/${t.id}#post-2` } }]);
      assert.deepEqual(await annEvents, [{ event: 'bell', data: { unread: 1 } }]);
    });

    test('topic pages carry the live region; signed-in pages load the script', async () => {
      const t = await database.db.selectFrom('topics').select(['id', 'slug']).where('title', '=', 'Live thread').executeTakeFirstOrThrow();
      const page = (await app.inject(`/t/${t.slug}/${t.id}`)).body;
      assert.match(page, new RegExp(`<div id="live-topic" class="live-notice" data-topic="${t.id}" role="status" aria-live="polite" hidden></div>`));
      const agent = new Agent(app);
      await agent.post('/signin', { login: 'ann_live', password: 'correct horse battery staple' }, '/signin');
      assert.match((await agent.get('/')).body, /<script src="\/assets\/live\.js" defer><\/script>/);
      assert.equal((await app.inject('/assets/live.js')).statusCode, 200);
    });
  });
}
