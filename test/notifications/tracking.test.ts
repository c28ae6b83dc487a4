// Watching forms on topic and board pages, unread markers in topic lists and "jump to first
// unread" on the topic page, on both databases.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { recordRead } from '../../src/notifications/tracking.ts';
import { Agent } from '../helpers/browserless-agent.ts';

for (const kind of testDatabaseKinds()) {
  describe(`reading tracking on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('unread counts in the board list and a link to the first unread post', async () => {
      const db = database.db;
      await createBoard(db, null, { name: 'Help', slug: 'help' });
      const ana = await makeUser(db, [], 'ana_reads');
      const ben = await makeUser(db, [], 'ben_writes');
      const t = await createTopic(db, ben, { boardSlug: 'help', kind: 'discussion', title: 'Long thread about cables', body: 'Post one.' });
      for (let i = 2; i <= 25; i++) await createReply(db, ben, { topicId: t.id, body: `Reply number ${i}.` });
      const agent = new Agent(app);
      await agent.post('/signin', { login: 'ana_reads', password: 'correct horse battery staple' }, '/signin');
      let board = (await agent.get('/b/help')).body;
      assert.doesNotMatch(board, /class="unread-count"/, 'a topic never opened shows no count');
      const page1 = await agent.get(`/t/${t.slug}/${t.id}`);
      assert.equal(page1.statusCode, 200);
      assert.doesNotMatch(page1.body, /Jump to first unread/, 'first visit: nothing read before');
      const wait = async (cond: () => Promise<boolean>) => { for (let i = 0; i < 50 && !(await cond()); i++) await new Promise((r) => setTimeout(r, 20)); };
      await wait(async () => !!(await db.selectFrom('topic_reads').select('last_read_post_number').where('user_id', '=', ana.id).executeTakeFirst()));
      board = (await agent.get('/b/help')).body;
      assert.match(board, /Long thread about cables<\/a> <span class="unread-count">5 new<span class="sr-only"> unread posts<\/span><\/span>/, 'read page 1 (posts 1–20) of 25');
      const again = (await agent.get(`/t/${t.slug}/${t.id}`)).body;
      assert.match(again, new RegExp(`<a class="first-unread" href="/t/${t.slug}/${t.id}\\?page=2#post-21">Jump to first unread post</a>`));
      await agent.get(`/t/${t.slug}/${t.id}?page=2`);
      await wait(async () => (await db.selectFrom('topic_reads').select('last_read_post_number').where('user_id', '=', ana.id).executeTakeFirstOrThrow()).last_read_post_number === 25);
      assert.doesNotMatch((await agent.get('/b/help')).body, /class="unread-count"/, 'all read');
      // Re-reading page 1 neither moves the position back nor writes at all (no write per re-read view).
      await db.updateTable('topic_reads').set({ updated_at: '2000-01-01T00:00:00.000Z' }).where('user_id', '=', ana.id).execute();
      await agent.get(`/t/${t.slug}/${t.id}`);
      await new Promise((r) => setTimeout(r, 150));
      const after = await db.selectFrom('topic_reads').select(['last_read_post_number', 'updated_at']).where('user_id', '=', ana.id).executeTakeFirstOrThrow();
      assert.deepEqual(after, { last_read_post_number: 25, updated_at: '2000-01-01T00:00:00.000Z' });
      // The one statement that records a read never moves it backwards, and moves it forwards.
      await recordRead(db, ana, t.id, 20);
      assert.equal((await db.selectFrom('topic_reads').select('last_read_post_number').where('user_id', '=', ana.id).executeTakeFirstOrThrow()).last_read_post_number, 25);
      await recordRead(db, ana, t.id, 26);
      assert.equal((await db.selectFrom('topic_reads').select('last_read_post_number').where('user_id', '=', ana.id).executeTakeFirstOrThrow()).last_read_post_number, 26);
      await db.updateTable('topic_reads').set({ last_read_post_number: 25 }).where('user_id', '=', ana.id).execute();
      assert.doesNotMatch((await agent.get(`/t/${t.slug}/${t.id}`)).body, /Jump to first unread/);
      await createReply(db, ben, { topicId: t.id, body: 'One more.' });
      assert.match((await agent.get('/b/help')).body, /<span class="unread-count">1 new/);
      // Visitors see neither the markers nor the watch form.
      const visitor = (await app.inject('/b/help')).body;
      assert.doesNotMatch(visitor, /unread-count|watch-form/);
    });

    test('every form on the first page after signing in carries a token that works', async () => {
      // Signing in renews the CSRF secret: the next page makes one. Every form on it must be
      // signed with that one secret (one token per page), not a new secret per form.
      const t = await database.db.selectFrom('topics').select(['id', 'slug']).executeTakeFirstOrThrow();
      const agent = new Agent(app);
      await agent.post('/signin', { login: 'ana_reads', password: 'correct horse battery staple' }, '/signin');
      assert.equal(agent.cookies.has('_csrf'), false);
      const page = await agent.get(`/t/${t.slug}/${t.id}`);
      assert.equal(page.cookies.filter((c) => c.name === '_csrf').length, 1, 'one CSRF secret set');
      const tokens = [...page.body.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]!);
      assert.ok(tokens.length >= 3, 'sign-out, watch and post forms');
      for (const token of new Set(tokens)) {
        const res = await agent.post(`/t/${t.id}/watch`, { level: 'default', back: `/t/${t.slug}/${t.id}`, _csrf: token });
        assert.equal(res.statusCode, 303, 'the token is accepted');
      }
    });

    test('watch and mute forms on topic and board pages', async () => {
      const db = database.db;
      const t = await db.selectFrom('topics').select(['id', 'slug']).executeTakeFirstOrThrow();
      const agent = new Agent(app);
      await agent.post('/signin', { login: 'ana_reads', password: 'correct horse battery staple' }, '/signin');
      const page = (await agent.get(`/t/${t.slug}/${t.id}`)).body;
      assert.match(page, new RegExp(`<form class="watch-form inline" method="post" action="/t/${t.id}/watch">`));
      const res = await agent.post(`/t/${t.id}/watch`, { level: 'watching', back: `/t/${t.slug}/${t.id}` }, `/t/${t.slug}/${t.id}`);
      assert.equal(res.statusCode, 303);
      assert.match((await agent.get(`/t/${t.slug}/${t.id}`)).body, /<option value="watching" selected>/);
      const board = (await agent.get('/b/help')).body;
      assert.match(board, /action="\/boards\/\d+\/watch"/);
    });
  });
}
