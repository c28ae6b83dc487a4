// Issue 13 follow-up, point 4: in real Chromium the composer's live check shows a watched word
// that would block or hold the post while the author types, and the message goes when it is
// rephrased.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { addWatchedWord } from '../../src/moderation/watched-words.ts';
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
  await createBoard(database.db, null, { name: 'Help Desk', slug: 'help-desk' });
  await makeUser(database.db, [], 'wanda');
  const cm = await makeUser(database.db, ['community_manager'], 'carl');
  await addWatchedWord(database.db, cm, { pattern: 'lawsuit', isRegex: false, action: 'hold' });
  app = await testServer(database);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await browser?.close();
  await app?.close();
  await database?.drop();
});

test('the composer shows a hold word while typing, and drops the message once rephrased', async (t) => {
  if (!browser) return t.skip('Chromium is not installed');
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await signInThroughForm(page, base, 'wanda');
    await page.goto(`${base}/b/help-desk/new`);
    const box = page.locator('.findings.watched-words');
    await page.locator('textarea#body').fill('I will start a lawsuit over this router.');
    await box.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await box.innerText(), /“lawsuit” is read by a moderator before the post appears/);
    await page.locator('textarea#body').fill('I am unhappy with this router.');
    await box.waitFor({ state: 'hidden', timeout: 10_000 });
  } finally {
    await context.close();
  }
});
