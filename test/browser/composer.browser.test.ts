// Issue 4, point 8: the composer in real Chromium. Without JavaScript a member opens a topic,
// replies, and gets a bad title back with the message and the typed body kept. With JavaScript
// the composer shows a live preview of the Markdown as it is typed, and the guard's findings in
// attached text files before the form is sent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { testServer } from '../helpers/server.ts';
import { launchBrowser } from '../helpers/browser.ts';

let browser: Browser | null;
let database: TestDatabase;
let app: FastifyInstance;
let base: string;
let member: { username: string };

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  database = await testDatabaseKinds()[0]!.open();
  await createBoard(database.db, null, { name: 'Help Desk', slug: 'help-desk', description: 'Ask anything' });
  member = await makeUser(database.db, [], 'composer_member');
  app = await testServer(database);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await browser?.close();
  await app?.close();
  await database?.drop();
});

async function signedIn(javaScriptEnabled: boolean): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser!.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await page.goto(`${base}/signin`);
  await page.getByLabel('Username or e-mail address').fill(member.username);
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
  return { context, page };
}

/** Signed in with JavaScript on; any alert() (a script injected through the page) is recorded. */
async function signedInWithScript(): Promise<{ context: BrowserContext; page: Page; dialogs: string[] }> {
  const { context, page } = await signedIn(true);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss().catch(() => {});
  });
  return { context, page, dialogs };
}

test('without JavaScript: new topic from the board, a reply, and a bad title kept for correction', async (t) => {
  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  const { context, page } = await signedIn(false);
  try {
    await page.goto(`${base}/b/help-desk`);
    await page.getByRole('link', { name: 'New topic' }).click();
    await page.waitForURL(`${base}/b/help-desk/new`);
    assert.equal(await page.locator('h1').innerText(), 'New topic in Help Desk');
    assert.equal(await page.locator('#preview-body').isVisible(), false, 'no preview without JavaScript');

    await page.getByLabel(/A question/).check();
    await page.getByLabel('Title').fill('Router keeps dropping the connection');
    await page.locator('textarea#body').fill('It drops **every evening** at 8pm.\n\nSee [the status page](https://status.example.com).');
    await page.getByLabel(/^Tags/).fill('wifi, router');
    await page.getByRole('button', { name: 'Post topic' }).click();
    await page.waitForURL(/\/t\/router-keeps-dropping-the-connection\/\d+$/);

    assert.match(await page.locator('h1.topic-heading').innerText(), /Question\s+Router keeps dropping the connection/);
    const first = page.locator('article#post-1 .post-body');
    assert.equal(await first.locator('strong').innerText(), 'every evening');
    const link = first.locator('a', { hasText: 'the status page' });
    assert.equal(await link.getAttribute('href'), 'https://status.example.com');
    assert.equal(await link.getAttribute('rel'), 'nofollow ugc noopener');
    const tags = (await page.locator('.tags a.tag').allInnerTexts()).sort();
    assert.deepEqual(tags, ['router', 'wifi']);

    // The reply form at the foot of the topic.
    await page.locator('.reply-box textarea#body').fill('Same here, _since Tuesday_.');
    await page.getByRole('button', { name: 'Post reply' }).click();
    await page.waitForURL(/\/t\/router-keeps-dropping-the-connection\/\d+#post-2$/);
    assert.equal(await page.locator('article#post-2 .post-body em').innerText(), 'since Tuesday');
    assert.match(await page.locator('p.meta').first().innerText(), /1 reply/);

    // A title that passes the browser's checks (5 characters) but not the server's (trimmed).
    await page.goto(`${base}/b/help-desk/new`);
    await page.getByLabel('Title').fill('  Hi  ');
    await page.locator('textarea#body').fill('My **typed body** must survive.');
    await page.getByLabel(/^Tags/).fill('billing');
    await page.getByRole('button', { name: 'Post topic' }).click();
    await page.waitForURL(`${base}/b/help-desk/topics`);
    assert.equal(await page.locator('.form-error').innerText(), 'Title must be at least 5 characters');
    assert.equal(await page.locator('#title').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('textarea#body').inputValue(), 'My **typed body** must survive.');
    assert.equal(await page.getByLabel(/^Tags/).inputValue(), 'billing');
    // Fixing the title posts the topic.
    await page.getByLabel('Title').fill('Billing question about my invoice');
    await page.getByRole('button', { name: 'Post topic' }).click();
    await page.waitForURL(/\/t\/billing-question-about-my-invoice\/\d+$/);
    assert.equal(await page.locator('article#post-1 .post-body strong').innerText(), 'typed body');
  } finally {
    await context.close();
  }
});

test('with JavaScript: the composer shows a live preview, and <script> in it is text', async (t) => {
  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  const { context, page, dialogs } = await signedInWithScript();
  try {
    await page.goto(`${base}/b/help-desk/new`);
    const area = page.locator('textarea#body');
    const preview = page.locator('#preview-body');
    assert.equal(await preview.isVisible(), false, 'hidden while the message is empty');

    await area.click();
    await area.pressSequentially('Hello **bold** world', { delay: 5 });
    // No wall-clock assertion here (it failed CI on a loaded machine at 1 s): the preview appears at all,
    // within the wait below, after the typing stops.
    await preview.locator('strong').waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await preview.locator('strong').innerText(), 'bold');
    assert.equal(await preview.innerText(), 'Hello bold world');

    await area.fill('<script>alert("preview")</script> and **more**');
    await preview.locator('strong', { hasText: 'more' }).waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await preview.innerText(), '<script>alert("preview")</script> and more');
    assert.equal(await preview.locator('script').count(), 0);
    assert.deepEqual(dialogs, []);

    // Clearing the message hides the preview again; the form still posts normally.
    await area.fill('');
    await preview.waitFor({ state: 'hidden', timeout: 10_000 });
    await page.getByLabel('Title').fill('Posted with JavaScript on');
    await area.fill('Works **with** scripts too.');
    await page.getByRole('button', { name: 'Post topic' }).click();
    await page.waitForURL(/\/t\/posted-with-javascript-on\/\d+$/);
    assert.equal(await page.locator('article#post-1 .post-body strong').innerText(), 'with');
  } finally {
    await context.close();
  }
});

test('with JavaScript: an attached text file is checked before submitting, findings listed per file with line and policy', async (t) => {
  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  const { context, page, dialogs } = await signedInWithScript();
  const checks: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/check')) checks.push(r.postData() ?? '');
  });
  try {
    await page.goto(`${base}/b/help-desk/new`);
    const box = page.locator('.attachments-field .attachment-findings');
    await page.getByLabel('Title').fill('Notes from the call with support');
    await page.locator('textarea#body').fill('My notes from the call are attached.');
    const notes = 'Call notes\nMail me at jan.devries@example.org about the refund.\n<script>alert("file")</script>\n';
    await page.getByLabel('Attach text files').setInputFiles([
      { name: 'router.log', mimeType: 'text/plain', buffer: Buffer.from('boot ok\nsync 100 Mbit/s\n') },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(notes) },
    ]);
    await box.waitFor({ state: 'visible', timeout: 5000 });
    const heads = await box.locator('.findings-head').allInnerTexts();
    assert.equal(heads.length, 1, `only the file with a finding is listed: ${heads.join(' | ')}`);
    assert.match(heads[0]!, /^notes\.txt would be masked: the parts listed below would be hidden when posted:$/);
    const items = await box.locator('li').allInnerTexts();
    assert.equal(items.length, 1);
    assert.match(items[0]!, /^email, line 2: .+ \(hidden when posted\)$/);
    assert.ok(!(await box.innerText()).includes('jan.devries'), 'the value is not repeated');
    // The file's text went to /check with the draft.
    const sent = JSON.parse(checks.at(-1)!);
    assert.deepEqual(sent.attachments.map((a: { name: string }) => a.name), ['router.log', 'notes.txt']);
    assert.equal(sent.attachments[1].content, notes);

    // Other files picked: checked again. A clean file clears the list; a binary one (its name
    // markup) is named as text and not sent.
    await page.getByLabel('Attach text files').setInputFiles({ name: 'clean.txt', mimeType: 'text/plain', buffer: Buffer.from('Nothing personal here.\n') });
    await box.waitFor({ state: 'hidden', timeout: 5000 });
    const binaryName = '<img src=x onerror=alert(1)>.png';
    await page.getByLabel('Attach text files').setInputFiles({ name: binaryName, mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]) });
    await box.waitFor({ state: 'visible', timeout: 5000 });
    assert.equal(await box.locator('.findings-head').innerText(), `${binaryName} will not be accepted when you post: it is not a text file. Attach plain text files only, up to 1 MB each and 5 per post.`);
    assert.equal(await box.locator('img').count(), 0);
    assert.equal(JSON.parse(checks.at(-1)!).attachments, undefined, 'the binary file is not sent');

    // The server agrees on submit: the e-mail address in the file is masked when posted.
    await page.getByLabel('Attach text files').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(notes) });
    await box.locator('li', { hasText: 'line 2' }).waitFor({ state: 'visible', timeout: 5000 });
    await page.getByRole('button', { name: 'Post topic' }).click();
    await page.waitForURL(/\/t\/notes-from-the-call-with-support\/\d+$/);
    const link = page.locator('.attachments a', { hasText: 'notes.txt' });
    const stored = await page.request.get(new URL((await link.getAttribute('href'))!, base).toString());
    const text = await stored.text();
    assert.ok(!text.includes('jan.devries@example.org'), text);
    assert.match(text, /^Call notes\n/);
    assert.deepEqual(dialogs, []);
  } finally {
    await context.close();
  }
});

test('unsent text is kept: put back after a reload (title too), a warning before leaving, discarded on request, gone once sent', async (t) => {
  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  const { context, page } = await signedIn(true);
  const asked: string[] = [];
  page.on('dialog', (d) => {
    asked.push(d.type());
    void d.accept().catch(() => {}); // leave the page
  });
  try {
    await page.goto(`${base}/b/help-desk/new`);
    await page.getByLabel('Title').fill('Router drops the line at night');
    const area = page.locator('textarea#body');
    await area.click();
    await area.pressSequentially('It happens every night at 3.', { delay: 5 });
    await page.waitForTimeout(700); // saved half a second after the last key
    await page.reload();
    assert.deepEqual(asked.splice(0), ['beforeunload'], 'a reload with unsent text asks too (accepted here)');
    assert.equal(await area.inputValue(), 'It happens every night at 3.');
    assert.equal(await page.getByLabel('Title').inputValue(), 'Router drops the line at night');
    const note = page.locator('.draft-restored');
    assert.match(await note.innerText(), /Your unsent text from .+ was put back/);
    // Discarded: the form as the server sent it, and a reload brings nothing back.
    await note.getByRole('button', { name: 'Discard it' }).click();
    assert.equal(await area.inputValue(), '');
    assert.equal(await page.getByLabel('Title').inputValue(), '');
    await page.reload();
    assert.equal(await area.inputValue(), '');
    assert.equal(await page.locator('.draft-restored').count(), 0);
    assert.deepEqual(asked, [], 'nothing unsent: no question');

    // Leaving with unsent text: the browser asks first.
    await area.click();
    await area.pressSequentially('Half a thought', { delay: 5 });
    await page.goto(`${base}/`);
    assert.deepEqual(asked, ['beforeunload']);
    // Back on the form, the text is there; sent, it is not put back into the next empty form.
    await page.goto(`${base}/b/help-desk/new`);
    assert.equal(await area.inputValue(), 'Half a thought');
    await page.getByLabel('Title').fill('Sent drafts are not kept');
    await page.getByRole('button', { name: 'Post topic' }).click();
    await page.waitForURL(/\/t\/sent-drafts-are-not-kept\/\d+$/);
    assert.deepEqual(asked, ['beforeunload'], 'no question when the form is sent');
    await page.goto(`${base}/b/help-desk/new`);
    assert.equal(await area.inputValue(), '');
  } finally {
    await context.close();
  }
});
