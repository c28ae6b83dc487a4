// Pages are sent with characters above U+00FF written as numeric references, so that V8 keeps the
// rendered page one byte a character (src/web/one-byte-html.ts). What a reader sees must not
// change: Chromium shows the same characters as were written.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import type { TestDatabase } from '../helpers/databases.ts';
import { closeDemoSite, openDemoSite } from '../helpers/browser.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { createTopic } from '../../src/community/create-topic.ts';

let browser: Browser | null;
let database: TestDatabase;
let app: FastifyInstance;
let base: string;

before(async () => {
  ({ browser, database, app, base } = await openDemoSite());
});
after(() => closeDemoSite({ browser, app, database }));

const TITLE = 'Router “Pro” — it’s fine 😀';
const LINE = 'Naïve → done, 5 € a month 👍🏽';
const CHINESE = '我们的路由器无法连接到互联网，请帮忙。'.repeat(6);

test('a topic page with curly quotes, dashes, emoji and Chinese: one-byte HTML, the same text in Chromium', async (t) => {
  const author = await makeUser(database.db, [], 'zoe_l');
  await database.db.updateTable('users').set({ display_name: 'Zoë Łukasiewicz' }).where('id', '=', author.id).execute();
  const topic = await createTopic(database.db, author, { boardSlug: 'home-internet', kind: 'discussion', title: TITLE, body: `${LINE}\n\nThe light on the front stays orange after the restart.` });
  await createReply(database.db, author, { topicId: topic.id, body: CHINESE });
  const url = `/t/${topic.slug}/${topic.id}`;

  const html = (await app.inject({ url })).body;
  assert.ok(html.includes(CHINESE), 'text mostly in such characters is left as written');
  const above = html.replace(CHINESE, '').match(/[^\x00-\xff]/gu);
  assert.equal(above, null, `characters above U+00FF left in the page: ${above?.join(' ')}`);
  assert.ok(html.includes('&#8220;Pro&#8221; &#8212; it&#8217;s fine &#128512;'));

  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    assert.equal((await page.goto(`${base}${url}`))?.status(), 200);
    const heading = await page.locator('h1').innerText();
    assert.ok(heading.endsWith(` ${TITLE}`), heading);
    assert.ok((await page.title()).startsWith(TITLE), await page.title());
    const bodies = await page.locator('article.post .post-body').allInnerTexts();
    assert.ok(bodies[0]!.includes(LINE), bodies[0]);
    assert.equal(bodies[1], CHINESE);
    assert.ok((await page.locator('article.post .byline').first().innerText()).includes('Zoë Łukasiewicz'));
    assert.equal(await page.locator('.crumbs').evaluate((el) => el.textContent?.includes(' › ')), true, 'the breadcrumbs’ separator');
  } finally {
    await context.close();
  }
});
