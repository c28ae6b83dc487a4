// Issue 18: no hard-coded text. Every GET page of the seeded demo (the server's route table, so a
// new page is checked without editing this file), for a visitor, member, employee, moderator and
// admin, in Chromium with scripts on, in the pseudo-language 'qps' (PARLEY_PSEUDO_LOCALE=1):
// i18next-pseudo accents every letter of every catalogue text and wraps it in [ ]. A text node or
// a label attribute (aria-label, placeholder, title, a button's value) that still holds plain
// ASCII words, and is not something people wrote (found in the database: titles, posts, names,
// board names...), is a text that does not come from the catalogues.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { seedDemo, type DemoLogin } from '../../src/seed/seed-demo.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { launchBrowser, signInThroughForm } from '../helpers/browser.ts';
import { pagesToVisit } from '../helpers/demo-pages.ts';

let browser: Browser | null;
let database: TestDatabase;
let app: FastifyInstance;
let base: string;
let logins: DemoLogin[];
let written: string;

before(async () => {
  process.env.PARLEY_PSEUDO_LOCALE = '1';
  browser = await launchBrowser();
  database = await testDatabaseKinds()[0]!.open();
  logins = await seedDemo(database.db);
  app = await testServer(database);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  written = await whatPeopleWrote(database);
});
after(async () => {
  delete process.env.PARLEY_PSEUDO_LOCALE;
  await browser?.close();
  await app?.close();
  await database?.drop();
});

/** Every text stored in the database (what members, staff and the demo wrote), one string. */
async function whatPeopleWrote(database: TestDatabase): Promise<string> {
  const parts: string[] = [];
  for (const table of await database.db.introspection.getTables()) {
    if (table.name.startsWith('kysely_') || table.name.includes('_fts')) continue;
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)} limit 5000`.execute(database.db);
    for (const row of rows.rows) for (const v of Object.values(row)) if (typeof v === 'string') parts.push(v);
  }
  return normalise(parts.join('\n'));
}
const normalise = (s: string) => s.replace(/\s+/g, ' ');

const ROLES = [
  ['visitor', null],
  ['member', 'demo-member'],
  ['employee', 'demo-employee'],
  ['moderator', 'demo-moderator'],
  ['admin', 'demo-admin'],
] as const;

test('the pseudo-language shows no text that bypasses the catalogues, on any page, for any role', async (t) => {
  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  const urls = await pagesToVisit(app, database.db);
  const found: string[] = [];
  let checked = 0;
  for (const [role, username] of ROLES) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      if (username) await signInThroughForm(page, base, username, logins.find((l) => l.username === username)!.password);
      await context.setExtraHTTPHeaders({ 'accept-language': 'qps' });
      for (const url of urls) {
        const res = await page.goto(base + url, { waitUntil: 'load' });
        if (!res || !(res.headers()['content-type'] ?? '').startsWith('text/html')) continue;
        checked++;
        assert.equal(await page.evaluate(() => document.documentElement.lang), 'qps', `${url} is in the pseudo-language`);
        const texts = await page.evaluate(plainTexts);
        for (const text of texts) {
          // "Board name · 12 topics": each part on its own; separators and edge punctuation (a search snippet's "…" too) aside.
          for (const part of text.split(/\s*[·|•]\s*/)) {
            const bare = normalise(part).replace(/^[\s:;,.()\[\]–—…-]+|[\s:;,.()\[\]–—…-]+$/g, '');
            if (!/[A-Za-z]{2,}/.test(bare) || written.includes(bare)) continue;
            found.push(`${role} ${url}: ${JSON.stringify(part.slice(0, 80))}`);
          }
        }
      }
    } finally {
      await context.close();
    }
  }
  assert.ok(checked >= 40 * ROLES.length, `pages checked: ${checked}`);
  assert.deepEqual([...new Set(found)], [], 'texts that do not come from the catalogues');
});

/** In the page: text nodes and label attributes with two or more plain ASCII letters in a row,
 * outside what is never translated (scripts, code, times, form values people typed, avatars'
 * initials). */
function plainTexts(): string[] {
  const SKIP = 'script, style, code, pre, time, textarea, noscript, .avatar, [translate="no"]';
  const out: string[] = [];
  const plain = /[A-Za-z]{2,}/;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent ?? '';
    if (!plain.test(text)) continue;
    if (node.parentElement?.closest(SKIP)) continue;
    out.push(text.trim());
  }
  for (const el of document.body.querySelectorAll('[aria-label], [placeholder], [title], input[type=submit][value], input[type=button][value]')) {
    if (el.closest(SKIP)) continue;
    for (const name of ['aria-label', 'placeholder', 'title', 'value']) {
      if (name === 'value' && !(el instanceof HTMLInputElement && (el.type === 'submit' || el.type === 'button'))) continue;
      const v = el.getAttribute(name);
      if (v && plain.test(v)) out.push(v);
    }
  }
  const title = document.title;
  if (plain.test(title)) out.push(...title.split(' · ').filter((p) => plain.test(p)));
  return out;
}
