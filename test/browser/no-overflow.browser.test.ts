// Issue 18: no page is wider than a phone. Every GET page the server registers (its route table,
// so a new page is measured without editing this file), with real ids from the seeded demo, as a
// visitor, member, employee, moderator and admin, in Chromium at 390 px without JavaScript:
// document.scrollWidth must not exceed the viewport. The header's menus are measured open too.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import type { DemoLogin } from '../../src/seed/seed-demo.ts';
import type { TestDatabase } from '../helpers/databases.ts';
import { closeDemoSite, openDemoSite, signInThroughForm } from '../helpers/browser.ts';
import { pagesToVisit } from '../helpers/demo-pages.ts';

let browser: Browser | null;
let database: TestDatabase;
let app: FastifyInstance;
let base: string;
let logins: DemoLogin[];

before(async () => {
  ({ browser, database, app, base, logins } = await openDemoSite());
});
after(() => closeDemoSite({ browser, app, database }));

const ROLES = [
  ['visitor', null],
  ['member', 'demo-member'],
  ['employee', 'demo-employee'],
  ['moderator', 'demo-moderator'],
  ['admin', 'demo-admin'],
] as const;

test('no page scrolls sideways at 390 px, for any role (menus open too)', async (t) => {
  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  const urls = await pagesToVisit(app, database.db);
  assert.ok(urls.length >= 35, `only ${urls.length} pages found`);
  const overflows: string[] = [];
  let measured = 0;
  for (const [role, username] of ROLES) {
    const context: BrowserContext = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 800 } });
    try {
      const page = await context.newPage();
      if (username) await signInThroughForm(page, base, username, logins.find((l) => l.username === username)!.password);
      for (const url of urls) {
        const res = await page.goto(base + url, { waitUntil: 'load' });
        if (!res || !(res.headers()['content-type'] ?? '').startsWith('text/html')) continue;
        measured++;
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (wide > 0) overflows.push(`${role} ${url} (${res.status()}): ${wide}px too wide`);
      }
      // The header's menus, opened (a <details> each): they stay on the screen.
      await page.goto(base + '/');
      for (const summary of await page.locator('.site-header details.menu > summary').all()) {
        await summary.click();
        const wide = await page.evaluate(() => {
          const menus = [...document.querySelectorAll('.site-header details[open] ul')].map((ul) => ul.getBoundingClientRect());
          return Math.max(document.documentElement.scrollWidth - window.innerWidth, ...menus.map((r) => Math.max(r.right - window.innerWidth, -r.left)));
        });
        if (wide > 0) overflows.push(`${role}: an open header menu is ${wide}px off the screen`);
        await summary.click();
      }
    } finally {
      await context.close();
    }
  }
  assert.ok(measured >= 150, `only ${measured} pages measured`);
  assert.deepEqual(overflows, []);
});

test('the header at 320 px and 1440 px: one row on a desktop, no overflow on the smallest phone', async (t) => {
  if (!browser) return t.skip('Chromium is not installed');
  const password = logins.find((l) => l.username === 'demo-admin')!.password;
  for (const width of [320, 1440]) {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 800 } });
    try {
      const page = await context.newPage();
      await signInThroughForm(page, base, 'demo-admin', password);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(wide <= 0, `${width}px: ${wide}px too wide`);
      // Everything the header promises is there: the site's name, search, "Start a topic", the bell, both menus.
      assert.equal(await page.locator('.brand-name').innerText(), 'Brightwave Community');
      for (const sel of ['#site-search-q', 'a.start-topic', 'a.bell', 'details.staff-menu', 'details.avatar-menu', 'a.review-count']) {
        assert.ok(await page.locator(`.site-header ${sel}`).isVisible(), `${width}px: ${sel} is visible`);
      }
      if (width === 1440) {
        const height = await page.locator('.site-header').evaluate((el) => el.getBoundingClientRect().height);
        assert.ok(height < 80, `the desktop header is one row (${height}px high)`);
      }
    } finally {
      await context.close();
    }
  }
});
