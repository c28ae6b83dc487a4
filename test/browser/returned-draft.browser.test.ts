// A returned draft in real Chromium (QA, #16.5): its author follows "Edit and resubmit" from their
// drafts, sees the team's note and the findings, edits and posts it (JavaScript on: the composer's
// live check running), or sends it to the team again (JavaScript off). Same forms either way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { testServer } from '../helpers/server.ts';
import { launchBrowser, signInThroughForm } from '../helpers/browser.ts';
import { createBoard } from '../../src/community/create-board.ts';
import { askTeam } from '../../src/moderation/ask-team.ts';
import { reviewHeld } from '../../src/moderation/review-held.ts';

let browser: Browser | null;
let database: TestDatabase;
let app: FastifyInstance;
let base: string;
let author: Awaited<ReturnType<typeof makeUser>>;
let team: Awaited<ReturnType<typeof makeUser>>;

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  database = await testDatabaseKinds()[0]!.open();
  await createBoard(database.db, null, { name: 'Billing', slug: 'billing' });
  author = await makeUser(database.db, ['employee'], 'rd_browser_emp');
  team = await makeUser(database.db, ['moderator'], 'rd_browser_mod');
  app = await testServer(database);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await browser?.close();
  await app?.close();
  await database?.drop();
});

const returnedDraft = async (title: string) => {
  const { id } = await askTeam(database.db, author, { kind: 'topic', boardSlug: 'billing', topicKind: 'discussion', title, body: 'Call me on 06 12345678 about it.', note: '' });
  await reviewHeld(database.db, team, { id, decision: 'return', comment: 'No phone numbers, please.' });
  return id;
};

for (const javaScriptEnabled of [true, false]) {
  test(`JavaScript ${javaScriptEnabled ? 'on: edit and post' : 'off: edit and send to the team again'}`, async (t) => {
    if (!browser) return t.skip('Chromium is not installed');
    const title = javaScriptEnabled ? 'Billing question, edited' : 'Billing question, sent again';
    const id = await returnedDraft(title);
    const context = await browser.newContext({ javaScriptEnabled });
    try {
      const page = await context.newPage();
      await signInThroughForm(page, base, 'rd_browser_emp');
      await page.goto(`${base}/my/drafts`);
      await page.locator(`a[href="/b/billing/new?draft=${id}"]`).click();
      await page.waitForURL(`${base}/b/billing/new?draft=${id}`);
      assert.match(await page.locator('p.note').innerText(), /No phone numbers, please\./);
      assert.equal(await page.locator('.guard-panel mark').first().innerText(), '06 12345678');
      if (javaScriptEnabled) {
        // One findings panel: the live list waits while the text is the one the server listed...
        await page.locator('#preview-body').waitFor({ state: 'visible', timeout: 5000 });
        assert.equal(await page.locator('.findings.live').first().isVisible(), false, 'no second panel for the same text');
        // ...and lists a number written twice once, as the server's panel does.
        await page.locator('textarea[name="body"]').fill('Call 06 12345678, or else 06 12345678.');
        const live = page.locator('.findings.live').first();
        await live.waitFor({ state: 'visible', timeout: 5000 });
        assert.equal(await live.locator('li').count(), 1);
        assert.equal(await live.locator('mark').count(), 2, 'both places marked in the text');
      }
      await page.locator('textarea[name="body"]').fill('Please use the contact page about it.');
      if (javaScriptEnabled) {
        await page.getByRole('button', { name: 'Post topic' }).click();
        await page.waitForURL(/\/t\/billing-question-edited\/\d+/);
        assert.match(await page.locator('h1').innerText(), /Billing question, edited/);
      } else {
        await page.locator('input#note').fill('Better now?');
        await page.getByRole('button', { name: 'Send to the community team' }).click();
        await page.waitForLoadState();
        assert.match(await page.content(), /Your draft is with the community team/);
      }
      // Posted: the draft is done and points at the post; sent again: the draft holds the new text.
      const d = await database.db.selectFrom('held_drafts').leftJoin('posts', 'posts.id', 'held_drafts.published_post_id').select(['held_drafts.status', 'held_drafts.body_markdown', 'posts.body_markdown as posted']).where('held_drafts.id', '=', id).executeTakeFirstOrThrow();
      assert.equal(d.status, javaScriptEnabled ? 'published' : 'pending');
      assert.equal(javaScriptEnabled ? d.posted : d.body_markdown, 'Please use the contact page about it.');
      assert.equal((await database.db.selectFrom('held_drafts').select('id').where('title', '=', title).execute()).length, 1, 'one draft');
    } finally {
      await context.close();
    }
  });
}
