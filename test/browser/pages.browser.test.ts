// What a person sees, in real headless Chromium: the home page and a topic page of the seeded
// demo community, with JavaScript disabled (the pages must work without it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../helpers/databases.ts';
import { closeDemoSite, openDemoSite } from '../helpers/browser.ts';

let browser: Browser | null;
let database: TestDatabase;
let app: FastifyInstance;
let base: string;

before(async () => {
  ({ browser, database, app, base } = await openDemoSite());
});
after(() => closeDemoSite({ browser, app, database }));

test('home → board → topic, as a visitor without JavaScript', async (t) => {
  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  try {
    const home = await page.goto(`${base}/`);
    assert.equal(home?.status(), 200);
    assert.equal(await page.title(), 'Brightwave Community', 'the demo says whose community it is');
    const boardNames = await page.locator('.board-card h3 a').allInnerTexts();
    assert.ok(boardNames.includes('Home Internet & Wi-Fi'), boardNames.join(', '));
    assert.ok(!boardNames.includes('Staff Lounge'));
    // The stylesheet is applied: badges are coloured pills, not plain text.
    const badgeBg = await page.locator('.intro .badge-employee').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(badgeBg, 'rgb(11, 107, 107)');

    await page.getByRole('link', { name: 'Home Internet & Wi-Fi' }).click();
    await page.waitForURL(/\/b\/home-internet$/);
    assert.equal(await page.locator('h1').innerText(), 'Home Internet & Wi-Fi');
    const solvedRow = page.locator('tr', { has: page.locator('.solved') }).first();
    const title = await solvedRow.locator('a.topic-title').innerText();
    await solvedRow.locator('a.topic-title').click();
    await page.waitForURL(/\/t\/[a-z0-9-]+\/\d+$/);

    assert.ok((await page.locator('h1').innerText()).includes(title));
    const answer = page.locator('section.answer-block');
    assert.equal(await answer.locator('h2').innerText(), 'Answer');
    assert.ok((await answer.locator('.post-body').innerText()).length > 10);
    const posts = page.locator('article.post');
    assert.ok((await posts.count()) >= 3);
    // Each post shows a named author and a date; staff are labelled for screen readers too.
    const firstHead = await posts.first().locator('.post-head').innerText();
    assert.match(firstHead, /\d{1,2} [A-Z][a-z]{2} \d{4}/);
    const badges = page.locator('article.post .badge');
    if (await badges.count()) {
      const accessible = await badges.first().evaluate((el) => el.textContent);
      assert.match(accessible ?? '', /^Role: (Employee|Moderator|Community Manager)$/);
    }
    await page.screenshot({ path: process.env.PARLEY_SCREENSHOT ?? '/tmp/parley-topic.png', fullPage: false });

    const missing = await page.goto(`${base}/t/nothing-here/999999`);
    assert.equal(missing?.status(), 404);
    assert.equal(await page.locator('h1').innerText(), 'Page not found');
  } finally {
    await context.close();
  }
});

test('the home page lays out on a phone screen without horizontal scrolling', async (t) => {
  if (!browser) return t.skip('Chromium is not installed');
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 740 } });
  const page = await context.newPage();
  try {
    await page.goto(`${base}/b/mobile-sim`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  } finally {
    await context.close();
  }
});
