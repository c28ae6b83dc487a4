// Issue 18, item 5: "the article editor shows a preview and the guard's findings live, like the
// composer". A community manager in real Chromium types an article: the Markdown preview appears,
// an e-mail address in it is marked by the guard before saving (checked as an article at
// /kb/check), and the draft still saves through the form. A member may not use the check. The team
// publishes an article and takes it down again (unpublish).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { testServer } from '../helpers/server.ts';
import { launchBrowser, signInThroughForm } from '../helpers/browser.ts';
import { AxeBuilder } from '@axe-core/playwright';

let browser: Browser | null;
let database: TestDatabase;
let app: FastifyInstance;
let base: string;

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  database = await testDatabaseKinds()[0]!.open();
  await makeUser(database.db, ['community_manager'], 'kb_editor_manager');
  await makeUser(database.db, [], 'kb_editor_member');
  app = await testServer(database);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await browser?.close();
  await app?.close();
  await database?.drop();
});

test('with JavaScript: the article editor previews the Markdown and shows the guard\'s findings as it is typed', async (t) => {
  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  const context = await browser.newContext();
  const checks: string[] = [];
  try {
    const page = await context.newPage();
    page.on('request', (r) => {
      if (r.url().endsWith('/kb/check')) checks.push(r.postData() ?? '');
    });
    await signInThroughForm(page, base, 'kb_editor_manager');
    await page.goto(`${base}/kb/new`);
    const preview = page.locator('#preview-body');
    assert.equal(await preview.isVisible(), false, 'no preview while the article is empty');
    await page.getByLabel('Title').fill('Setting up voicemail');
    await page.locator('textarea#body').fill('Dial **1233** and follow the steps.\n\nQuestions? Mail jan.devries@example.org.');
    await preview.locator('strong').waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await preview.locator('strong').innerText(), '1233');
    const findings = page.locator('.findings.live').first();
    await findings.waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await findings.locator('mark').first().innerText(), 'jan.devries@example.org');
    assert.ok(checks.length > 0, 'checked at /kb/check');
    assert.match(checks.at(-1)!, /"title":"Setting up voicemail"/, 'the title is checked with the body');
    // The form still saves as it does without JavaScript: a draft (the guard only warns on drafts),
    // and the page it lands on says what the guard found.
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/kb\/setting-up-voicemail\?warned=article\.email$/);
    assert.match(await page.locator('h1').innerText(), /Setting up voicemail/);
    assert.match(await page.locator('.guard-warned').innerText(), /Your draft was saved, but it contains an e-mail address/);
  } finally {
    await context.close();
  }
});

test('the live check is the community team\'s: a member is refused, nothing is checked', async (t) => {
  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await signInThroughForm(page, base, 'kb_editor_member');
    const csrf = await page.evaluate(async () => {
      const html = await (await fetch('/messages/new')).text();
      return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    });
    const res = await page.evaluate(async (token) => {
      const r = await fetch('/kb/check', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': token }, body: JSON.stringify({ body: 'Mail jan.devries@example.org' }) });
      return { status: r.status, body: await r.json() };
    }, csrf);
    assert.equal(res.status, 403);
    assert.equal(res.body.message, 'You are not allowed to do that', 'refused by the policy (not by the CSRF check)');
  } finally {
    await context.close();
  }
});

test('the team publishes an article, then takes it down with a reason; visitors lose it at once', async (t) => {
  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  const team = await browser.newContext();
  const visitor = await browser.newContext();
  try {
    const page = await team.newPage();
    await signInThroughForm(page, base, 'kb_editor_manager');
    await page.goto(`${base}/kb/new`);
    await page.getByLabel('Title').fill('Resetting the voicemail PIN');
    await page.locator('textarea#body').fill('Dial **1233**, then choose 4.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/\/kb\/resetting-the-voicemail-pin$/);
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/\/kb\/resetting-the-voicemail-pin$/);
    const reader = await visitor.newPage();
    const shown = await reader.goto(`${base}/kb/resetting-the-voicemail-pin`);
    assert.equal(shown?.status(), 200);
    assert.equal(await reader.getByRole('button', { name: 'Unpublish' }).count(), 0, 'visitors get no such button');

    // The team's article page with its unpublish form: no accessibility violation (as the main pages).
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`), []);
    await page.getByLabel('Reason (for the staff log; optional)').fill('Wrong menu number');
    await page.getByRole('button', { name: 'Unpublish' }).click();
    await page.waitForURL(/\/kb\/resetting-the-voicemail-pin$/);
    assert.equal(await page.locator('h1 .tag').innerText(), 'Draft');
    assert.equal(await page.getByRole('button', { name: 'Publish' }).count(), 1, 'ready to publish again');
    const gone = await reader.goto(`${base}/kb/resetting-the-voicemail-pin`);
    assert.equal(gone?.status(), 404);
    await page.goto(`${base}/moderation/log?action=article.unpublish`);
    const line = page.locator('tbody tr').first();
    assert.match(await line.innerText(), /Unpublished a knowledge-base article[\s\S]*Resetting the voicemail PIN[\s\S]*Wrong menu number/);
  } finally {
    await team.close();
    await visitor.close();
  }
});
