// A reply the guard blocks comes back on its topic with one findings panel and "Replace with a
// placeholder" buttons that work without JavaScript (#16.5): over HTTP (form posts), and the same
// quick fix clicked in Chromium with JavaScript off.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { placeholderFor } from '../../src/confidentiality/quick-fix.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { launchBrowser } from '../helpers/browser.ts';

const PASSWORD = 'correct horse battery staple';
const CARD = '4111 1111 1111 1111';
const TEXT = `Your refund went to card ${CARD} this morning, it should arrive tomorrow.`;
const count = (s: string, sub: string) => s.split(sub).length - 1;

test('placeholders name what was removed', () => {
  assert.equal(placeholderFor('card'), '[payment card number removed]');
  assert.equal(placeholderFor('phone'), '[phone number removed]');
  assert.equal(placeholderFor('person'), '[name removed]');
});

for (const kind of testDatabaseKinds()) {
  describe(`a blocked reply on its topic, quick fixes without JavaScript, on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let topic: { id: number; slug: string };
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Help', slug: 'help' });
      await makeUser(database.db, ['employee'], 'emma_emp');
      const member = await makeUser(database.db, [], 'mo_member');
      topic = await createTopic(database.db, member, { boardSlug: 'help', kind: 'question', title: 'Where is my refund?', body: 'It has been a week.' });
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('blocked: the topic page (422) with the text once in the reply box, one panel, a fix button; the fix, then posting', async () => {
      const emma = new Agent(app);
      assert.equal((await emma.post('/signin', { login: 'emma_emp', password: PASSWORD }, '/signin')).statusCode, 303);
      const topicUrl = `/t/${topic.slug}/${topic.id}`;
      const res = await emma.postMultipart(`/t/${topic.id}/replies`, { body: TEXT }, [], topicUrl);
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /<h1 class="topic-heading">[^]*Where is my refund\?/, 'on its topic');
      assert.match(res.body, /It has been a week\./, 'with the thread');
      assert.equal(count(res.body, 'class="findings'), 1, 'one findings panel');
      assert.equal(count(res.body, 'Your refund went to card'), 1, 'the text once (in the reply box)');
      assert.match(res.body, /This reply contains a payment card number and cannot be published\. Remove it, or ask the community team to review it\./);
      const fix = /<button type="submit" name="fix" value="(\d+:\d+)"[^>]*>Replace with a placeholder<\/button>/.exec(res.body);
      assert.ok(fix, 'a quick fix button');
      assert.match(res.body, /<details class="ask-team" open>/);
      assert.equal(await database.db.selectFrom('posts').select('id').where('topic_id', '=', topic.id).execute().then((r) => r.length), 1, 'nothing published');

      // The quick fix: a form submit with the text and the span; the fixed text comes back, not published.
      const fixed = await emma.postMultipart(`/t/${topic.id}/replies`, { body: TEXT, fix: fix[1]! }, [], topicUrl);
      assert.equal(fixed.statusCode, 200);
      assert.match(fixed.body, /Replaced a payment card number with a placeholder\. Nothing else was found: check the text and post it\./);
      assert.match(fixed.body, /<textarea[^>]*>Your refund went to card \[payment card number removed\] this morning/);
      assert.doesNotMatch(fixed.body, /4111 1111/);

      // A forged or outdated span changes nothing.
      const forged = await emma.postMultipart(`/t/${topic.id}/replies`, { body: TEXT, fix: '0:4' }, [], topicUrl);
      assert.match(forged.body, /That part of the reply has changed since it was checked/);
      assert.match(forged.body, /<textarea[^>]*>Your refund went to card 4111 1111 1111 1111/);

      const posted = await emma.postMultipart(`/t/${topic.id}/replies`, { body: 'Your refund went to card [payment card number removed] this morning, it should arrive tomorrow.' }, [], topicUrl);
      assert.equal(posted.statusCode, 303, posted.body);
    });
  });
}

describe('the quick fix in Chromium, JavaScript off', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let base = '';
  let topic: { id: number; slug: string };
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  before(async () => {
    browser = await launchBrowser();
    if (!browser) return;
    database = await testDatabaseKinds()[0]!.open();
    await createBoard(database.db, null, { name: 'Help', slug: 'help' });
    await makeUser(database.db, ['employee'], 'emil_emp');
    const member = await makeUser(database.db, [], 'mia_member');
    topic = await createTopic(database.db, member, { boardSlug: 'help', kind: 'question', title: 'Refund status', body: 'Any news?' });
    app = await testServer(database);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await database?.drop();
  });

  test('block, click "Replace with a placeholder", post: published without the card number', async (t) => {
    if (!browser) return t.skip('Chromium is not installed');
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/signin`);
    await page.getByLabel('Username or e-mail address').fill('emil_emp');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/`);
    await page.goto(`${base}/t/${topic.slug}/${topic.id}`);
    await page.locator('textarea[name="body"]').fill(TEXT);
    await page.getByRole('button', { name: 'Post reply' }).click();
    await page.waitForLoadState();
    assert.equal(await page.locator('.guard-panel').count(), 1);
    await page.getByRole('button', { name: 'Replace with a placeholder' }).click();
    await page.waitForLoadState();
    assert.equal(await page.locator('textarea[name="body"]').inputValue(), 'Your refund went to card [payment card number removed] this morning, it should arrive tomorrow.');
    await page.getByRole('button', { name: 'Post reply' }).click();
    await page.waitForLoadState();
    const html = await page.content();
    assert.match(html, /\[payment card number removed\]/);
    assert.doesNotMatch(html, /4111/);
    await context.close();
  });
});
