// Issue 14, point 6, in real Chromium: replies that arrive while a topic's tab is hidden (its
// stream is closed then) or while the stream is down are filled in when the tab is shown again or
// the stream reconnects: every missed reply, in order, once, with one polite announcement that
// sums them up (in the words the page gives: data-announce-one / data-announce-many).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { testServer } from '../helpers/server.ts';
import { launchBrowser } from '../helpers/browser.ts';

let browser: Browser | null;
let database: TestDatabase;
let app: FastifyInstance;
let base: string;
let topic: { id: number; url: string };
const tokens: Record<string, string> = {};

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  database = await testDatabaseKinds()[0]!.open();
  await createBoard(database.db, null, { name: 'Help', slug: 'help' });
  const ann = await makeUser(database.db, [], 'ann_catchup');
  for (const name of ['bob_catchup', 'cy_catchup']) {
    const u = await makeUser(database.db, [], name);
    tokens[name] = (await createApiToken(database.db, u, { name: 'catch-up test', expiresInDays: 1 })).token;
  }
  const t = await createTopic(database.db, ann, { boardSlug: 'help', kind: 'question', title: 'Printer offline after the update', body: 'Since Monday the printer shows offline.' });
  topic = { id: t.id, url: `/t/${t.slug}/${t.id}` };
  app = await testServer(database);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await browser?.close();
  await app?.close();
  await database?.drop();
});

/** A reply through the API, on a connection of its own (the test closes the server's connections). */
function reply(user: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/api/v1/topics/${topic.id}/replies`, { method: 'POST', agent: false, headers: { authorization: `Bearer ${tokens[user]}`, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`${res.statusCode}: ${text}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ body }));
  });
}

// The scripts run in the page are strings: tsx names the test's functions with a helper that
// the page does not have.
/** What the browser does when the tab is hidden or shown (the page hears visibilitychange). */
const setVisibility = (page: Page, state: 'hidden' | 'visible') =>
  page.evaluate(`(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get() { return '${state}'; } });
    Object.defineProperty(document, 'hidden', { configurable: true, get() { return ${state === 'hidden'}; } });
    document.dispatchEvent(new Event('visibilitychange'));
  })()`);

/** Everything the live region says, in order (each message once, however it is set). */
const recordAnnouncements = (page: Page) =>
  page.evaluate(`(() => {
    const said = (window.said = []);
    const region = document.getElementById('live-announce');
    new MutationObserver(function () { if (region.textContent) said.push(region.textContent); }).observe(region, { childList: true, characterData: true, subtree: true });
  })()`);
const announcements = (page: Page) => page.evaluate(() => (window as unknown as { said: string[] }).said);
const replyNumbers = (page: Page) => page.evaluate(() => [...document.querySelectorAll('section.replies article.post')].map((el) => el.id));

test('replies missed while the tab was hidden, or the stream was down, are filled in once, in order, with one announcement', async (t) => {
  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}${topic.url}`);
  await page.waitForFunction(() => document.documentElement.dataset.live === 'open' && document.documentElement.dataset.caughtUp === '1');
  await recordAnnouncements(page);

  // 1. Hidden: the stream closes; three replies are posted meanwhile (no event reaches the page).
  await setVisibility(page, 'hidden');
  await page.waitForFunction(() => document.documentElement.dataset.live === undefined);
  await reply('bob_catchup', 'First: turn the printer off and on.');
  await reply('cy_catchup', 'Second: reinstall the driver.');
  await reply('bob_catchup', 'Third: check the IP address did not change.');
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(await replyNumbers(page), [], 'nothing arrives while hidden');

  // Shown again: all three, in order, each once, and one summary for screen readers.
  await setVisibility(page, 'visible');
  await page.waitForFunction(() => document.documentElement.dataset.caughtUp === '4', null, { timeout: 10_000 });
  await page.waitForFunction(() => document.querySelectorAll('section.replies article.post').length === 3, null, { timeout: 10_000 });
  assert.deepEqual(await replyNumbers(page), ['post-2', 'post-3', 'post-4']);
  assert.match((await page.locator('#post-3 .post-body').textContent())!, /reinstall the driver/);
  await page.waitForFunction(() => (window as unknown as { said: string[] }).said.length > 0);
  await new Promise((r) => setTimeout(r, 400));
  assert.deepEqual(await announcements(page), ['3 new replies.']);

  // Live again: a reply now comes as before, not twice.
  await reply('cy_catchup', 'Fourth: it works after the driver update.');
  await page.locator('section.replies article#post-5').waitFor({ timeout: 10_000 });
  await page.waitForFunction(() => (window as unknown as { said: string[] }).said.length === 2);
  assert.deepEqual((await announcements(page))[1], 'New reply from cy catchup.');

  // 2. The stream drops (the server closes every connection): the browser reconnects by itself
  // (retry: 5 s), and the reply posted during the gap is filled in, announced once.
  const reconnected = page.evaluate(`new Promise(function (resolve) {
    const seen = new MutationObserver(function () { if (document.documentElement.dataset.caughtUp === '6') { seen.disconnect(); resolve(); } });
    seen.observe(document.documentElement, { attributes: true });
  })`);
  app.server.closeAllConnections();
  await reply('bob_catchup', 'Fifth: posted while the stream was down.');
  await reconnected;
  await page.locator('section.replies article#post-6').waitFor({ timeout: 10_000 });
  await page.waitForFunction(() => (window as unknown as { said: string[] }).said.length === 3);
  await new Promise((r) => setTimeout(r, 400));
  assert.deepEqual(await announcements(page), ['3 new replies.', 'New reply from cy catchup.', 'New reply from bob catchup.']);
  assert.deepEqual(await replyNumbers(page), ['post-2', 'post-3', 'post-4', 'post-5', 'post-6']);
  assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation').length), 1, 'never reloaded');
  await context.close();
});
