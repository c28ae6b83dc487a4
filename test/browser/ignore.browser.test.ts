// Ignoring a member in Chromium: Ignore on their profile, their reply folded away on the topic
// page and opened with one click, Stop ignoring from the settings list (axe: 0 violations).
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
  const asker = await makeUser(db, [], 'quiet_quinn');
  const loud = await makeUser(db, [], 'loud_lou');
  const topic = await createTopic(db, asker, { boardSlug: 'help-desk', kind: 'question', title: 'Printer prints blank pages', body: 'Since the driver update every page comes out blank.' });
  await createReply(db, loud, { topicId: topic.id, body: 'Printers are a scam, buy a tablet.' });
  topicPath = viewHelpers.topicUrl(topic);
});

test('ignore a member from their profile: their reply is folded away and opens with a click; stop from settings', async (t) => {
  const { browser, base } = site;
  if (!browser) return t.skip('Chromium is not installed');
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await signInThroughForm(page, base, 'quiet_quinn');
    await page.goto(`${base}${viewHelpers.userUrl('loud_lou')}`);
    await page.getByRole('button', { name: 'Ignore', exact: true }).click();
    await page.getByText('You ignore this member.').waitFor();
    await axe(page);

    await page.goto(`${base}${topicPath}`);
    const reply = page.locator('#post-2');
    const body = reply.locator('.post-body');
    assert.equal(await body.isVisible(), false, 'folded away');
    await reply.getByText('A post by someone you ignore. Show it').click();
    assert.equal(await body.isVisible(), true, 'one click shows it');
    assert.match(await body.innerText(), /Printers are a scam/);
    assert.equal(await page.locator('#post-1 .ignored-post').count(), 0, 'the asker\'s own post is not folded');
    await axe(page);

    await page.goto(`${base}/settings`);
    await page.getByRole('button', { name: /^Stop ignoring / }).click();
    await page.waitForURL(`${base}/settings#ignored-h`);
    assert.match(await page.locator('section[aria-labelledby="ignored-h"]').innerText(), /You do not ignore anyone\./);
    await page.goto(`${base}${topicPath}`);
    assert.equal(await page.locator('.ignored-post').count(), 0);
  } finally {
    await context.close();
  }
});
