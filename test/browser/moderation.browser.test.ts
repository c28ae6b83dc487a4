// Issue 13, point 10: the Report button and the review queue in real Chromium, without
// JavaScript: a member reports a post through the form page; a moderator finds "Review (1)" in
// the header, opens the queue, claims the item and decides; the reporter's page shows the outcome.
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
let topicPath: string;

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  database = await testDatabaseKinds()[0]!.open();
  await createBoard(database.db, null, { name: 'Help Desk', slug: 'help-desk' });
  const author = await makeUser(database.db, [], 'br_author');
  await makeUser(database.db, [], 'br_reporter');
  await makeUser(database.db, ['moderator'], 'br_mod');
  const t = await createTopic(database.db, author, { boardSlug: 'help-desk', kind: 'discussion', title: 'Router lights blinking orange', body: 'What does orange mean?' });
  await createReply(database.db, author, { topicId: t.id, body: 'Cheap pills at pills dot example' });
  topicPath = `/t/${t.slug}/${t.id}`;
  app = await testServer(database);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await browser?.close();
  await app?.close();
  await database?.drop();
});

test('without JavaScript: report a post; the moderator finds it from the header, claims and hides it', async (t) => {
  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  const reporter = await browser.newContext({ javaScriptEnabled: false });
  const page = await reporter.newPage();
  await signInThroughForm(page, base, 'br_reporter');
  await page.goto(base + topicPath);
  // The second post's Report link (the member's own posts have none; these are someone else's).
  await page.locator('#post-2').getByRole('link', { name: 'Report' }).click();
  await page.waitForURL(/\/p\/\d+\/report$/);
  await page.getByRole('button', { name: 'Send the report' }).click();
  // Required reason: the browser itself keeps the form (no reason chosen).
  assert.match(page.url(), /\/report$/);
  await page.getByLabel('Spam').check();
  await page.getByLabel(/Anything the moderators should know/).fill('An advert for pills');
  await page.getByRole('button', { name: 'Send the report' }).click();
  await page.getByRole('heading', { name: 'Thank you for the report' }).waitFor();
  // Reporting again: the page says so.
  await page.goto(base + topicPath);
  await page.locator('#post-2').getByRole('link', { name: 'Report' }).click();
  await page.getByLabel('Spam').check();
  await page.getByRole('button', { name: 'Send the report' }).click();
  assert.match(await page.locator('.form-error').innerText(), /already reported this post/);
  await reporter.close();

  const modContext = await browser.newContext({ javaScriptEnabled: false });
  const mod = await modContext.newPage();
  await signInThroughForm(mod, base, 'br_mod');
  const review = mod.getByRole('link', { name: 'Review (1)' });
  await review.click();
  await mod.waitForURL(`${base}/moderation/queue`);
  assert.match(await mod.locator('.review-queue').innerText(), /Reported by members[\s\S]*1 report: Spam/);
  await mod.getByRole('button', { name: 'Claim' }).click();
  assert.match(await mod.locator('.review-queue').innerText(), /by br mod/);
  await mod.getByRole('link', { name: /Post #2 in Router lights blinking orange/ }).click();
  assert.match(await mod.locator('.reports').innerText(), /Spam from br reporter[\s\S]*An advert for pills/);
  await mod.getByLabel(/^Reason/).fill('Advertising is not allowed.');
  await mod.getByRole('button', { name: 'Hide' }).click();
  await mod.waitForURL(`${base}/moderation/queue`);
  assert.match(await mod.locator('main').innerText(), /Nothing is waiting/);
  assert.ok(await mod.getByRole('link', { name: 'Review (0)' }).isVisible());
  await modContext.close();

  const visitor = await browser.newContext({ javaScriptEnabled: false });
  const v = await visitor.newPage();
  await v.goto(base + topicPath);
  assert.match(await v.locator('#post-2').innerText(), /A moderator has hidden this post/);
  assert.doesNotMatch(await v.locator('main').innerText(), /pills dot example/);
  await visitor.close();
});
