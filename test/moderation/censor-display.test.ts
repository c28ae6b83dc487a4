// Watched words with action "censor" are applied on display (issue 13 follow-up): the stored
// text stays as written, so a word added later censors old posts on the topic page, in the API
// and in the board feed, and removing it shows them again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { censorHtml } from '../../src/moderation/censor-display.ts';
import { validatePattern } from '../../src/moderation/watched-words.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import type { Actor } from '../../src/policy/policy.ts';
import { withCharacters } from '../helpers/html.ts';

const PASSWORD = 'correct horse battery staple';

test('censoring HTML touches text only: never tags, attributes or link targets; entities matched as text', () => {
  const re = validatePattern('darn', false);
  const q = validatePattern('Q&A', false);
  const censor = (t: string) => t.replace(re, (m) => '■'.repeat(m.length)).replace(q, '■■■');
  const html = '<p>Darn it, see <a href="https://darn.example/darn" title="darn">the darn page</a> &amp; Q&amp;A &lt;darn&gt;</p>';
  assert.equal(censorHtml(html, censor), '<p>■■■■ it, see <a href="https://darn.example/darn" title="darn">the ■■■■ page</a> &amp; ■■■ &lt;■■■■&gt;</p>');
  assert.equal(censorHtml('<p>nothing here</p>', censor), '<p>nothing here</p>');
});

for (const kind of testDatabaseKinds()) {
  describe(`censor words on display on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let cm: Agent;
    let topicUrl: string;
    let topicId: number;
    let replyId: number;
    let member: Actor;
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Help', slug: 'help' });
      member = await makeUser(database.db, [], 'olga');
      await makeUser(database.db, ['community_manager'], 'carl');
      cm = new Agent(app);
      assert.equal((await cm.post('/signin', { login: 'carl', password: PASSWORD }, '/signin')).statusCode, 303);
      const t = await createTopic(database.db, member, { boardSlug: 'help', kind: 'discussion', title: 'Router reboots at night', body: 'Darn router, it reboots every night.' });
      topicId = t.id;
      topicUrl = `/t/${t.slug}/${t.id}`;
      replyId = (await createReply(database.db, member, { topicId, body: 'Still darn slow, see https://darn.example/x' })).id;
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    const views = async () => {
      // As a reader sees them: characters above U+00FF come as references.
      const page = withCharacters((await app.inject({ url: topicUrl })).body);
      const api = (await app.inject({ url: `/api/v1/topics/${topicId}` })).json();
      const feed = (await app.inject({ url: '/b/help/feed.atom' })).body;
      const search = withCharacters((await app.inject({ url: '/search?q=router' })).body) + (await app.inject({ url: '/api/v1/search?q=slow' })).body;
      return { page, api: JSON.stringify(api), feed, search };
    };

    test('a censor word added after the post censors it everywhere it is shown; removed, the text is back', async () => {
      let v = await views();
      assert.match(v.page, /Darn router, it reboots every night\./);
      assert.match(v.api, /Still darn slow/);
      assert.match(v.feed, /Darn router/);
      assert.match(v.search, /Darn <mark>router<\/mark>/);

      assert.equal((await cm.post('/moderation/watched-words', { pattern: 'darn', action: 'censor' }, '/moderation/settings')).statusCode, 303);
      v = await views();
      assert.match(v.page, /■■■■ router, it reboots every night\./);
      assert.match(v.page, /Still ■■■■ slow/);
      assert.match(v.page, /href="https:\/\/darn\.example\/x"/, 'link targets are not rewritten');
      assert.doesNotMatch(v.page.replace(/href="[^"]*"/g, ''), />[^<]*\bdarn\b/i);
      assert.match(v.api, /■■■■ router/);
      assert.match(v.api, /"bodyText":"Still ■■■■ slow/);
      assert.match(v.feed, /■■■■ router/);
      assert.doesNotMatch(v.feed, /Darn router/);
      // Search snippets are made from the censored text (the page and the API alike).
      assert.match(v.search, /■■■■ <mark>router<\/mark>/);
      assert.match(v.search, /Still ■■■■ <mark>slow<\/mark>/);
      assert.doesNotMatch(v.search, /\bdarn\b/i);
      // Stored as written.
      const stored = await database.db.selectFrom('posts').select('body_markdown').where('id', '=', replyId).executeTakeFirstOrThrow();
      assert.equal(stored.body_markdown, 'Still darn slow, see https://darn.example/x');

      const word = await database.db.selectFrom('watched_words').select('id').where('pattern', '=', 'darn').executeTakeFirstOrThrow();
      assert.equal((await cm.post(`/moderation/watched-words/${word.id}/delete`, {}, '/moderation/settings')).statusCode, 303);
      v = await views();
      assert.match(v.page, /Darn router, it reboots every night\./);
      assert.match(v.page, /Still darn slow/);
      assert.match(v.api, /Still darn slow/);
      assert.match(v.feed, /Darn router/);
      assert.match(v.search, /Darn <mark>router<\/mark>/);
    });

    test('a post written while the word is listed is stored as written and censored on display', async () => {
      assert.equal((await cm.post('/moderation/watched-words', { pattern: 'blasted', action: 'censor' }, '/moderation/settings')).statusCode, 303);
      const r = await createReply(database.db, member, { topicId, body: 'This blasted modem again.' });
      const stored = await database.db.selectFrom('posts').select('body_markdown').where('id', '=', r.id).executeTakeFirstOrThrow();
      assert.equal(stored.body_markdown, 'This blasted modem again.');
      assert.match(withCharacters((await app.inject({ url: topicUrl })).body), /This ■■■■■■■ modem again\./);
    });
  });
}
