// Issue 20 in real Chromium: an employee continues a public question in private (the composer
// shows the private guard's findings live), the customer answers without JavaScript, the employee
// posts a public summary back, and the asker marks it as the answer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { guardSecret } from '../../src/confidentiality/registers.ts';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { importCustomers, parseColumns } from '../../src/confidentiality/import-customers.ts';
import { setGuardReloadInterval } from '../../src/confidentiality/registers.ts';
import { linkCustomerRecord } from '../../src/confidentiality/customer-links.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { testServer } from '../helpers/server.ts';
import { launchBrowser, signInThroughForm } from '../helpers/browser.ts';

let browser: Browser | null;
let database: TestDatabase;
let app: FastifyInstance;
let base: string;
let topicPath = '';

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  setGuardReloadInterval(0);
  database = await testDatabaseKinds()[0]!.open();
  const secret = await guardSecret(database.db);
  await importCustomers(database.db, Readable.from(['name,customer_number\nAnnelies Brouwer,KL-5521870\nHendrik Wolters,KL-7391046']), { columns: parseColumns('name,customer_number'), secret, defaultRegion: 'NL' });
  await createBoard(database.db, null, { name: 'Billing', slug: 'billing' });
  const hendrik = await makeUser(database.db, [], 'hendrik');
  await makeUser(database.db, ['employee'], 'mei');
  // The community team linked Hendrik's account to his customer record: his own number may go to the company in private.
  await linkCustomerRecord(database.db, await makeUser(database.db, ['community_manager'], 'cora'), { username: 'hendrik', field: 'customer_number', value: 'KL-7391046' });
  const t = await createTopic(database.db, hendrik, { boardSlug: 'billing', kind: 'question', title: 'Charged twice for March', body: 'My bill shows two charges.' });
  topicPath = `/t/${t.slug}/${t.id}`;
  app = await testServer(database);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  setGuardReloadInterval(5000);
  await browser?.close();
  await app?.close();
  await database?.drop();
});

test('continue in private, live guard findings, reply without JavaScript, public summary back, marked solved', async (t) => {
  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  const meiContext = await browser.newContext();
  const hendrikContext = await browser.newContext({ javaScriptEnabled: false });
  try {
    const mei = await meiContext.newPage();
    await signInThroughForm(mei, base, 'mei');
    await mei.goto(base + topicPath);
    await mei.getByRole('link', { name: 'Continue in private' }).click();
    await mei.waitForURL(/\/private$/);
    assert.match(await mei.locator('h1').innerText(), /Continue in private with hendrik/);
    // Another registered customer's number: the composer says so before sending.
    const body = mei.locator('textarea#body');
    await body.fill('Is your account KL-5521870?');
    const live = mei.locator('.findings.live').first();
    await live.locator('.findings-head').waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await live.locator('.findings-head').innerText(), 'This cannot be posted as it is:');
    assert.match(await live.locator('li').first().innerText(), /customer record: customer number of a registered customer, who is not in this conversation/);
    await body.fill('Could you send me your customer number, please?');
    await live.waitFor({ state: 'hidden', timeout: 10_000 });
    await mei.getByRole('button', { name: 'Send' }).click();
    await mei.waitForURL(/\/messages\/\d+$/);
    const conversationUrl = mei.url();
    assert.match(await mei.locator('.conversation-origin').innerText(), /Continued from the public topic Charged twice for March/);

    // The public thread: a notice, no detail.
    const visitor = await browser.newContext();
    const pub = await visitor.newPage();
    await pub.goto(base + topicPath);
    assert.equal(await pub.locator('.handover-notice').innerText(), 'mei continued this in a private conversation.');
    assert.equal(await pub.getByText('customer number').count(), 0);
    await visitor.close();

    // The customer, without JavaScript, finds it in the inbox and answers with his own number.
    const hendrik = await hendrikContext.newPage();
    await signInThroughForm(hendrik, base, 'hendrik');
    // Messages is in the avatar menu (a <details>: it opens without JavaScript), with the unread count.
    await hendrik.locator('.avatar-menu summary').click();
    await hendrik.locator('.avatar-menu').getByRole('link', { name: /^Messages/ }).click();
    await hendrik.getByRole('link', { name: /About “Charged twice for March”/ }).click();
    await hendrik.locator('textarea#body').fill('Sure, it is KL-7391046.');
    await hendrik.getByRole('button', { name: 'Send' }).click();
    await hendrik.waitForURL(/\/messages\/\d+#m-\d+$/);
    assert.match(await hendrik.locator('.messages').innerText(), /Sure, it is KL-7391046\./);

    // Mei posts the summary back; the public guard applies as usual.
    await mei.goto(conversationUrl);
    assert.match(await mei.locator('.messages').innerText(), /KL-7391046/);
    await mei.getByRole('textbox', { name: 'Summary' }).fill('We found a duplicate charge and refunded it; it shows on your next bill.');
    await mei.getByRole('button', { name: 'Post the summary publicly' }).click();
    await mei.waitForURL(/\?done=sent$/);

    await hendrik.goto(conversationUrl);
    await hendrik.getByRole('button', { name: 'Mark the public summary as the answer' }).click();
    await hendrik.waitForURL(/\?done=solved$/);
    await hendrik.goto(base + topicPath);
    assert.equal(await hendrik.locator('.topic-heading .solved').innerText(), 'Solved');
    assert.match(await hendrik.locator('.answer-block').innerText(), /refunded it; it shows on your next bill/);
  } finally {
    await meiContext.close();
    await hendrikContext.close();
  }
});
