// A knowledge-base draft passes the guard when it is saved (QA, #16.5): it is saved (drafts are not
// public) and the writer is told what was found, on the page they land on and in the API's answer;
// publishing it is stopped as a post is, with the findings panel and its quick fixes on the form.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';

const PASSWORD = 'correct horse battery staple';
const CARD = '4111 1111 1111 1111';
const BODY = `Refunds go back to the card they came from, e.g. ${CARD}; allow five working days.`;
const count = (s: string, sub: string) => s.split(sub).length - 1;

for (const kind of testDatabaseKinds()) {
  describe(`a knowledge-base draft and the guard, on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let cm: Agent;
    let token = '';
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      const manager = await makeUser(database.db, ['community_manager'], 'kb_carla');
      token = (await createApiToken(database.db, manager, { name: 'script' })).token;
      cm = new Agent(app);
      assert.equal((await cm.post('/signin', { login: 'kb_carla', password: PASSWORD }, '/signin')).statusCode, 303);
    });
    after(async () => {
      await app.close();
      await database.drop();
    });
    const article = (slug: string) => database.db.selectFrom('articles').select(['status', 'current_version']).where('slug', '=', slug).executeTakeFirstOrThrow();

    test('saving a draft: saved, and the findings told as a warning; publishing: the form with the panel and quick fixes', async () => {
      const saved = await cm.post('/kb', { title: 'How refunds work', body: BODY, note: '' }, '/kb/new');
      assert.equal(saved.statusCode, 303, saved.body);
      const location = saved.headers.location as string;
      assert.equal(location, '/kb/how-refunds-work?warned=article.card');
      assert.equal((await article('how-refunds-work')).status, 'draft', 'saved: a draft is not public');
      const page = await cm.get(location);
      assert.match(page.body, /Your draft was saved, but it contains a payment card number\. Drafts are not public; the guard checks the article again when it is published/);

      // A new version of the draft: the same warning.
      const edited = await cm.post('/kb/how-refunds-work', { title: 'How refunds work', body: `${BODY} Ask us.`, note: '', baseVersion: '1' }, '/kb/how-refunds-work/edit');
      assert.equal(edited.statusCode, 303);
      assert.equal(edited.headers.location, '/kb/how-refunds-work?warned=article.card');

      // Publishing is stopped: the edit form (422) with one panel, the text once, a quick fix; still a draft.
      const blocked = await cm.post('/kb/how-refunds-work/publish', {}, '/kb/how-refunds-work');
      assert.equal(blocked.statusCode, 422, blocked.body);
      assert.match(blocked.body, /This article contains a payment card number and cannot be published/);
      assert.equal(count(blocked.body, 'class="findings'), 1, 'one findings panel');
      assert.equal(count(blocked.body, 'Refunds go back to the card'), 1, 'the text once (in the editor)');
      assert.equal((await article('how-refunds-work')).status, 'draft');
      const fix = /<button type="submit" name="fix" value="(\d+:\d+)"/.exec(blocked.body)![1]!;
      const fixed = await cm.post('/kb/how-refunds-work', { title: 'How refunds work', body: `${BODY} Ask us.`, note: '', baseVersion: '2', fix }, '/kb/how-refunds-work/edit');
      assert.equal(fixed.statusCode, 200);
      assert.match(fixed.body, /<textarea[^>]*>Refunds go back to the card they came from, e\.g\. \[payment card number removed\]; allow five working days\. Ask us\./);
      assert.match(fixed.body, /Nothing else was found: check the text, save it and publish it\./);
      assert.equal((await article('how-refunds-work')).current_version, 2, 'a fix saves nothing');
      const clean = await cm.post('/kb/how-refunds-work', { title: 'How refunds work', body: 'Refunds go back to the card they came from; allow five working days.', note: '', baseVersion: '2' }, '/kb/how-refunds-work/edit');
      assert.equal(clean.headers.location, '/kb/how-refunds-work', 'nothing found: no warning');
      assert.equal((await cm.post('/kb/how-refunds-work/publish', {}, '/kb/how-refunds-work')).statusCode, 303);
      assert.equal((await article('how-refunds-work')).status, 'published');
    });

    test('the API: a saved draft answers with its warnings (no values); publishing it answers 422', async () => {
      const call = (method: 'POST' | 'PUT', url: string, payload?: object) =>
        app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) }, ...(payload ? { payload } : {}) });
      const created = await call('POST', '/api/v1/articles', { title: 'Card refunds', body: BODY });
      assert.equal(created.statusCode, 201, created.body);
      const { slug, warnings } = created.json();
      assert.deepEqual(warnings.map((w: { type: string; field: string }) => [w.type, w.field]), [['card', 'body']]);
      assert.ok(!created.body.includes(CARD), 'never the value');
      const put = await call('PUT', `/api/v1/articles/${slug}`, { title: 'Card refunds', body: `${BODY} More.` });
      assert.equal(put.statusCode, 200);
      assert.equal(put.json().warnings.length, 1);
      const clean = await call('PUT', `/api/v1/articles/${slug}`, { title: 'Card refunds', body: 'Refunds go back to the card.' });
      assert.deepEqual(clean.json().warnings, []);
      await call('PUT', `/api/v1/articles/${slug}`, { title: 'Card refunds', body: BODY });
      const publish = await call('POST', `/api/v1/articles/${slug}/publish`);
      assert.equal(publish.statusCode, 422);
      assert.equal(publish.json().guard.action, 'block');
      assert.equal((await article(slug)).status, 'draft');
    });
  });
}
