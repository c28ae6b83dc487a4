// Saved posts in Chromium: Save under a reply, the avatar menu's Saved posts page with a note
// typed and a reminder chosen and kept, Remove from saved; axe: 0 violations on both pages, on a phone-sized screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { viewHelpers } from '../../src/web/view-helpers.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { assertNoAxeViolations as axe, browserSitePerFile, signInThroughForm } from '../helpers/browser.ts';

let topicPath: string;
const site = browserSitePerFile(async (db) => {
  await createBoard(db, null, { name: 'Help Desk', slug: 'help-desk' });
  const asker = await makeUser(db, [], 'asking_ada');
  await makeUser(db, [], 'saving_sol');
  const topic = await createTopic(db, asker, { boardSlug: 'help-desk', kind: 'question', title: 'Which DNS servers should I use?', body: 'My pages load slowly in the evening.' });
  await createReply(db, asker, { topicId: topic.id, body: 'Setting the DNS servers to 9.9.9.9 and 149.112.112.112 fixed it for me.' });
  topicPath = viewHelpers.topicUrl(topic);
});

test('save a reply, find it under Saved posts with a note, then remove it (axe: 0 violations)', async (t) => {
  const { browser, base } = site;
  if (!browser) return t.skip('Chromium is not installed');
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  try {
    const page = await context.newPage();
    await signInThroughForm(page, base, 'saving_sol');
    await page.goto(`${base}${topicPath}`);
    const reply = page.locator('#post-2');
    await reply.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(`${base}${topicPath}#post-2`);
    await reply.getByRole('button', { name: 'Remove from saved' }).waitFor();
    assert.equal(await page.locator('#post-1').getByRole('button', { name: 'Remove from saved' }).count(), 0, 'the first post is not saved');

    await page.locator('.avatar-menu summary').click();
    await page.getByRole('link', { name: 'Saved posts' }).click();
    await page.waitForURL(`${base}/bookmarks`);
    const item = page.locator('li.bookmark');
    assert.equal(await item.count(), 1);
    assert.match(await item.innerText(), /Which DNS servers should I use\?[\s\S]*9\.9\.9\.9/);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling on a phone');
    await axe(page);
    await item.getByLabel('Your note').fill('use for the router FAQ');
    await item.getByLabel('Remind me').selectOption({ label: 'Tomorrow' });
    await item.getByRole('button', { name: 'Save note' }).click();
    await page.waitForURL(`${base}/bookmarks`);
    assert.equal(await page.locator('li.bookmark').getByLabel('Your note').inputValue(), 'use for the router FAQ');
    assert.match(await page.locator('li.bookmark .meta').innerText(), /Reminder \d{4}-\d{2}-\d{2}, \d{2}:\d{2} UTC|Reminder .+ UTC/);
    assert.match(await page.locator('li.bookmark').getByLabel('Remind me').inputValue(), /^keep$/);

    await page.locator('li.bookmark').getByRole('link', { name: 'Which DNS servers should I use?' }).click();
    await page.waitForURL(`${base}${topicPath}#post-2`);
    await axe(page);
    await page.locator('#post-2').getByRole('button', { name: 'Remove from saved' }).click();
    await page.locator('#post-2').getByRole('button', { name: 'Save', exact: true }).waitFor();
    await page.goto(`${base}/bookmarks`);
    assert.equal(await page.locator('li.bookmark').count(), 0);
    assert.match(await page.locator('main').innerText(), /You have not saved any posts yet/);
  } finally {
    await context.close();
  }
});
