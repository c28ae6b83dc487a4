// Text attachments in real Chromium without JavaScript: a member attaches a file to a new topic
// through the form's file input, sees it listed on the topic page and downloads it as text; a
// binary file comes back as a message with the typed text kept.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { testServer } from '../helpers/server.ts';
import { launchBrowser, signInThroughForm } from '../helpers/browser.ts';

const env: { browser: Browser | null; database?: TestDatabase; app?: FastifyInstance; base: string } = { browser: null, base: '' };
const USER = 'attach_member';

before(async () => {
  env.browser = await launchBrowser();
  if (!env.browser) return;
  const database = (env.database = await testDatabaseKinds()[0]!.open());
  await createBoard(database.db, null, { name: 'Help Desk', slug: 'help-desk', description: 'Ask anything' });
  await makeUser(database.db, [], USER);
  env.app = await testServer(database);
  env.base = await env.app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await env.browser?.close();
  await env.app?.close();
  await env.database?.drop();
});

test('without JavaScript: attach a text file to a new topic, see it listed, download it as text', async (t) => {
  const { browser, base } = env;
  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  const context = await browser.newContext({ javaScriptEnabled: false, acceptDownloads: true });
  const page = await context.newPage();
  try {
    await signInThroughForm(page, base, USER);

    await page.goto(`${base}/b/help-desk/new`);
    await page.getByLabel(/A question/).check();
    await page.getByLabel('Title').fill('Router log from last night');
    await page.locator('textarea#body').fill('The log is attached.');
    // A binary file first: refused with a message, the typed text kept.
    await page.getByLabel('Attach text files').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]) });
    await page.getByRole('button', { name: 'Post topic' }).click();
    assert.match(await page.locator('.form-error').innerText(), /“photo\.png\.txt” is not a text file|“photo\.png” is not a text file/);
    assert.equal(await page.locator('textarea#body').inputValue(), 'The log is attached.');

    const log = 'boot ok\nsync 100 Mbit/s\ndrop at 21:04 <b>not html</b>\n';
    await page.getByLabel('Attach text files').setInputFiles({ name: 'router.log', mimeType: 'text/plain', buffer: Buffer.from(log) });
    await page.getByRole('button', { name: 'Post topic' }).click();
    await page.waitForURL(/\/t\/router-log-from-last-night\/\d+$/);
    const link = page.locator('.attachments a', { hasText: 'router.log' });
    assert.equal(await link.count(), 1);
    assert.match(await page.locator('.attachments').innerText(), /router\.log \(\d+ bytes, text\)/);

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), 'router.log');
    assert.equal(readFileSync((await download.path())!, 'utf8'), log);
  } finally {
    await context.close();
  }
});
