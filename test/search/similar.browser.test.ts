// Similar questions in real Chromium: typing a question's title lists matching solved questions
// and articles under it (JavaScript), and the composer opened with a title lists them without
// JavaScript. Also: the header search box takes a visitor to highlighted results without JavaScript.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { acceptAnswer } from '../../src/community/accept-answer.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { testServer } from '../helpers/server.ts';
import { launchBrowser, signInThroughForm } from '../helpers/browser.ts';

let browser: Browser | null;
let database: TestDatabase;
let app: FastifyInstance;
let base: string;

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  database = await testDatabaseKinds()[0]!.open();
  const db = database.db;
  await createBoard(db, null, { name: 'Help Desk', slug: 'help-desk' });
  const asker = await makeUser(db, [], 'similar_sam');
  const helper = await makeUser(db, [], 'helper_hal');
  await makeUser(db, [], 'new_nina');
  const solved = await createTopic(db, asker, { boardSlug: 'help-desk', kind: 'question', title: 'Roaming does not work in France', body: 'My phone shows no network abroad.' });
  const answer = await createReply(db, helper, { topicId: solved.id, body: 'Switch on data roaming in the settings.' });
  await acceptAnswer(db, asker, answer.id);
  await createTopic(db, asker, { boardSlug: 'help-desk', kind: 'question', title: 'Roaming charges seem too high <b>bold</b>', body: 'Unsolved.' });
  app = await testServer(database);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await browser?.close();
  await app?.close();
  await database?.drop();
});

test('typing a title shows similar solved questions under it', async (t) => {
  if (!browser) return t.skip('no browser');
  const context = await browser!.newContext();
  const page = await context.newPage();
  await signInThroughForm(page, base, 'new_nina');
  await page.goto(`${base}/b/help-desk/new`);
  const box = page.locator('#similar-questions');
  assert.equal(await box.isHidden(), true, 'nothing before typing');
  await page.getByLabel('Title').pressSequentially('Roaming in France', { delay: 20 });
  await box.getByRole('link', { name: 'Roaming does not work in France' }).waitFor({ timeout: 5000 });
  assert.equal(await box.getAttribute('aria-live'), 'polite');
  assert.equal(await box.getByRole('link').count(), 1, 'the unsolved question is not offered');
  await context.close();
});

test('without JavaScript: the composer opened with a title lists them, and the header search works', async (t) => {
  if (!browser) return t.skip('no browser');
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signInThroughForm(page, base, 'new_nina');
  await page.goto(`${base}/b/help-desk/new?title=${encodeURIComponent('roaming France')}`);
  assert.equal(await page.getByLabel('Title').inputValue(), 'roaming France');
  await page.locator('#similar-questions').getByRole('link', { name: 'Roaming does not work in France' }).waitFor({ timeout: 2000 });
  await page.getByLabel('Search the community').fill('roaming charges');
  await page.getByRole('button', { name: 'Search', exact: true }).first().click();
  await page.waitForURL(/\/search\?q=roaming\+charges/);
  const result = page.locator('.search-result h2 a').first();
  assert.equal(await result.innerHTML(), '<mark>Roaming</mark> <mark>charges</mark> seem too high &lt;b&gt;bold&lt;/b&gt;');
  await context.close();
});
