// Issue 14, point 6, in real Chromium: a visitor has a topic open; a member replies through the
// reply form in another browser session and the reply appears on the visitor's page without a
// reload (announced in the polite live region); the member edits it, and the visitor's page shows
// the new text; the member deletes it, and its text goes. The topic author's bell counts the reply.
// Without JavaScript the same page shows the reply after a reload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { testServer } from '../helpers/server.ts';
import { launchBrowser, signInThroughForm } from '../helpers/browser.ts';

let browser: Browser | null;
let database: TestDatabase;
let app: FastifyInstance;
let base: string;
let topicUrl: string;

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  database = await testDatabaseKinds()[0]!.open();
  await createBoard(database.db, null, { name: 'Help', slug: 'help' });
  const ann = await makeUser(database.db, [], 'ann_livebr');
  await makeUser(database.db, [], 'bob_livebr');
  const t = await createTopic(database.db, ann, { boardSlug: 'help', kind: 'question', title: 'Wifi drops every evening', body: 'Around 8 pm the wifi goes.' });
  topicUrl = `/t/${t.slug}/${t.id}`;
  app = await testServer(database);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await browser?.close();
  await app?.close();
  await database?.drop();
});

test('a visitor sees a reply appear, change and go without reloading; the author\'s bell counts it', async (t) => {
  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  const dialogs: string[] = [];
  visitor.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss().catch(() => {})));
  await visitor.goto(`${base}${topicUrl}`);
  // The stream is open before anything is written.
  await visitor.waitForFunction(() => document.documentElement.dataset.live === 'open');

  const annContext = await browser.newContext();
  const annPage = await annContext.newPage();
  await signInThroughForm(annPage, base, 'ann_livebr');
  assert.equal(await annPage.locator('a.bell .count').count(), 0);
  await annPage.waitForFunction(() => document.documentElement.dataset.live === 'open');

  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  await signInThroughForm(bob, base, 'bob_livebr');
  await bob.goto(`${base}${topicUrl}`);
  await bob.locator('textarea#body').fill('Try channel 11: **less crowded** <img src=x onerror=alert(1)>');
  await bob.getByRole('button', { name: 'Post reply' }).click();
  await bob.waitForURL(/#post-2$/);

  // The visitor's page, never reloaded: the reply is there, rendered as the page renders it.
  const reply = visitor.locator('section.replies article#post-2');
  await reply.waitFor({ timeout: 10_000 });
  assert.equal(await reply.locator('strong').textContent(), 'less crowded');
  assert.match((await reply.locator('.post-body').textContent())!, /<img src=x onerror=alert\(1\)>/, 'markup shown as text');
  await visitor.waitForFunction(() => document.getElementById('live-announce')?.textContent === 'New reply from bob livebr.');
  assert.equal(await visitor.evaluate(() => performance.getEntriesByType('navigation').length), 1, 'no reload');
  // The author's bell, on another page, counts the new notification.
  await annPage.locator('a.bell .count').waitFor({ timeout: 10_000 });
  assert.match((await annPage.locator('a.bell .count').textContent())!, /^1/);

  // Edited: the visitor's page shows the new text in place.
  const postId = /\/p\/(\d+)\/edit/.exec((await bob.locator('#post-2 a[href$="/edit"]').getAttribute('href'))!)![1];
  await bob.goto(`${base}/p/${postId}/edit`);
  await bob.locator('textarea#body').fill('Try channel 1 or 6 instead.');
  await bob.getByRole('button', { name: 'Save' }).click();
  await bob.waitForURL(new RegExp(`${topicUrl}`));
  await visitor.waitForFunction(() => document.querySelector('#post-2 .post-body')?.textContent?.includes('Try channel 1 or 6 instead.'), null, { timeout: 10_000 });
  assert.doesNotMatch((await visitor.locator('#post-2').textContent())!, /less crowded/);
  await visitor.waitForFunction(() => /^Post 2 by bob livebr was updated\.$/.test(document.getElementById('live-announce')?.textContent ?? ''));

  // Deleted: its text goes from the visitor's page.
  await bob.locator('#post-2').getByRole('button', { name: 'Delete' }).click();
  await visitor.waitForFunction(() => document.querySelector('#post-2')?.textContent?.includes('This post was deleted.'), null, { timeout: 10_000 });
  assert.doesNotMatch((await visitor.locator('#post-2').textContent())!, /channel/);
  assert.equal(await visitor.locator('article.post').count(), 2, 'replaced, not duplicated');
  assert.equal(await visitor.evaluate(() => performance.getEntriesByType('navigation').length), 1, 'still no reload');
  assert.deepEqual(dialogs, [], 'no script ran from a post');
  await Promise.all([visitorContext.close(), annContext.close(), bobContext.close()]);
});

test('without JavaScript the topic page works in full: the reply is there after a reload', async (t) => {
  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${base}${topicUrl}`);
  assert.equal(await page.locator('#live-topic').isHidden(), true, 'no empty notice shown');
  assert.equal(await page.locator('article#post-2').count(), 1);
  assert.match((await page.locator('article#post-2').textContent())!, /This post was deleted\./);
  await context.close();
});

test('without JavaScript a member gives and takes back kudos and accepts an answer: the posts\' buttons submit the page\'s one action form', async (t) => {
  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  const ann = await database.db.selectFrom('users').select('id').where('username', '=', 'ann_livebr').executeTakeFirstOrThrow();
  const bob = await database.db.selectFrom('users').select('id').where('username', '=', 'bob_livebr').executeTakeFirstOrThrow();
  const q = await createTopic(database.db, { id: ann.id, roles: new Set(['member']) }, { boardSlug: 'help', kind: 'question', title: 'Printer queue stuck after update', body: 'Jobs wait forever since Tuesday.' });
  await createReply(database.db, { id: bob.id, roles: new Set(['member']) }, { topicId: q.id, body: 'Restart the spooler service, then clear the queue.' });
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signInThroughForm(page, base, 'ann_livebr');
  const url = `${base}/t/${q.slug}/${q.id}`;
  await page.goto(url);
  assert.equal(await page.locator('form#post-actions input[name="_csrf"]').count(), 1, 'one form carries the token');
  assert.equal(await page.locator('article.post form').count(), 0, 'no form per post');
  const reply = page.locator('#post-2');
  await reply.getByRole('button', { name: 'Give kudos' }).click();
  await page.waitForURL((u) => u.pathname === `/t/${q.slug}/${q.id}`);
  assert.match((await page.locator('#post-2 .kudos-count').textContent())!, /^1 kudo/);
  await page.locator('#post-2').getByRole('button', { name: 'Take back kudos' }).click();
  await page.locator('#post-2').getByRole('button', { name: 'Give kudos' }).waitFor();
  assert.equal(await page.locator('#post-2 .kudos-count').count(), 0);
  await page.locator('#post-2').getByRole('button', { name: 'Accept as the answer' }).click();
  await page.locator('.answer-block').waitFor();
  const topic = await database.db.selectFrom('topics').select('solved_post_id').where('id', '=', q.id).executeTakeFirstOrThrow();
  assert.notEqual(topic.solved_post_id, null, 'the answer was accepted');
  await context.close();
});
