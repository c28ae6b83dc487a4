// Signing in with the form in real Chromium (no JavaScript), and the badges a person sees.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { seedDemo, type DemoLogin } from '../../src/seed/seed-demo.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { assertNoAxeViolations as axe, launchBrowser, signInThroughForm } from '../helpers/browser.ts';
import { makeUser } from '../helpers/fixtures.ts';

let browser: Browser | null;
let database: TestDatabase;
let app: FastifyInstance;
let base: string;
let logins: DemoLogin[];

before(async () => {
  browser = await launchBrowser();
  database = await testDatabaseKinds()[0]!.open();
  logins = await seedDemo(database.db);
  app = await testServer(database);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await browser?.close();
  await app?.close();
  await database?.drop();
});

test('an employee signs in with the form, sees their name, and their profile shows the Employee badge', async (t) => {
  if (!browser) return t.skip('Chromium is not installed');
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    const employee = logins.find((l) => l.roles.includes('employee'))!;
    await page.goto(`${base}/signin`);
    await page.getByLabel('Username or e-mail address').fill(employee.username);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.match(await page.locator('.form-error').innerText(), /Wrong username, e-mail address or password/);
    assert.equal(await page.getByLabel('Username or e-mail address').inputValue(), employee.username, 'what was typed is kept');

    await page.getByLabel('Password').fill(employee.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/`);
    const who = page.locator('.site-header .who');
    assert.equal(await who.innerText(), 'Tom Becker');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'parley_session')!;
    assert.ok(session.httpOnly);
    assert.equal(session.sameSite, 'Lax');

    // The avatar menu (a <details>, so it opens without JavaScript) leads to the profile.
    await who.click();
    await page.locator('.avatar-menu').getByRole('link', { name: 'Your profile' }).click();
    const badge = page.locator('.profile h1 .badge-employee');
    assert.ok(await badge.isVisible());
    assert.match(await badge.innerText(), /Employee$/);
    assert.equal(await badge.evaluate((el) => el.textContent), 'Role: Employee', 'screen readers hear the role');

    await page.locator('.avatar-menu summary').click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/`);
    assert.equal(await page.locator('.site-header .who').count(), 0);
  } finally {
    await context.close();
  }
});

test('the avatar form, as Chromium sends it, carries its CSRF token in the body, not the URL', async (t) => {
  if (!browser) return t.skip('Chromium is not installed');
  const { default: sharp } = await import('sharp');
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    const member = logins.find((l) => l.roles.length === 1 && l.roles[0] === 'member')!;
    await page.goto(`${base}/signin`);
    await page.getByLabel('Username or e-mail address').fill(member.username);
    await page.getByLabel('Password').fill(member.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/`);
    await page.goto(`${base}/settings`);
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(r.url());
    });
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#c92553' } }).png().toBuffer();
    await page.getByLabel(/Upload an image/).setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
    await page.locator('form[action="/settings/avatar"] button[type=submit]').click();
    // Post/Redirect/Get: the browser lands on the settings page, which says so in a status message.
    await page.waitForURL(`${base}/settings?saved=avatar`);
    assert.match(await page.getByRole('status').first().innerText(), /Your picture is updated/);
    assert.equal(posts.length, 1);
    assert.equal(posts[0], `${base}/settings/avatar`, 'no token in the URL');
    await page.reload();
    assert.equal(posts.length, 1, 'a reload does not send the form again');
    // The server takes a token only from the body or a header (a form without JavaScript sends
    // no header), so the upload's success shows the token travelled in the multipart body.
    const row = await database.db.selectFrom('users').select('avatar').where('username', '=', member.username).executeTakeFirstOrThrow();
    assert.match(row.avatar ?? '', /\.webp$/);
  } finally {
    await context.close();
  }
});

test('a visitor asked to sign in on a members-only page comes back to it after signing in; selects follow the dark theme', async (t) => {
  if (!browser) return t.skip('Chromium is not installed');
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    const employee = logins.find((l) => l.roles.includes('employee'))!;
    const member = logins.find((l) => l.roles.length === 1 && l.roles[0] === 'member')!;
    const wanted = `/messages/new?to=${encodeURIComponent(employee.username)}`;
    const res = await page.goto(`${base}${wanted}`);
    assert.equal(res?.status(), 401);
    await page.locator('main').getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Username or e-mail address').fill(member.username);
    await page.getByLabel('Password').fill(member.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}${wanted}`);
    assert.equal(await page.getByLabel(/^To/).inputValue(), employee.username, 'the recipient is still there');

    // The dark theme: the topic page's "Notifications for this topic" select is dark too.
    await context.addCookies([{ name: 'theme', value: 'dark', url: base }]);
    await page.goto(`${base}/`);
    await page.locator('main a[href^="/t/"]').first().click();
    const select = page.locator('.watch-form select');
    const [bg, fg] = await select.evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]);
    assert.equal(bg, 'rgb(27, 31, 39)', 'the dark panel colour');
    assert.equal(fg, 'rgb(231, 234, 240)');
  } finally {
    await context.close();
  }
});

test('settings list where one is signed in; signing out the other browser there signs it out (no JavaScript)', async (t) => {
  if (!browser) return t.skip('Chromium is not installed');
  // Someone no other test signs in as, so that the list is this test's two browsers.
  const member = { username: (await makeUser(database.db, [], 'sessions_member')).username, password: 'correct horse battery staple' };
  // Two browsers of the same person: a desktop one and one that says it is an iPhone.
  const desk = await browser.newContext({ javaScriptEnabled: false });
  const phone = await browser.newContext({ javaScriptEnabled: false, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1' });
  try {
    const signIn = async (context: typeof desk) => {
      const page = await context.newPage();
      await signInThroughForm(page, base, member.username, member.password);
      return page;
    };
    const [here, there] = [await signIn(desk), await signIn(phone)];
    await here.goto(`${base}/settings`);
    const list = here.locator('ul.sessions > li');
    assert.equal(await list.count(), 2);
    assert.match(await list.nth(0).innerText(), /^Chrome \d+ on Linux · signed in .+ · this browser$/);
    assert.match(await list.nth(1).innerText(), /^Safari 17 on iOS \(phone or tablet\) · signed in .+ · last used .+/);
    await here.getByRole('button', { name: 'Sign out Safari 17 on iOS' }).click();
    await here.waitForURL(`${base}/settings?saved=session-ended`);
    assert.equal(await here.getByRole('status').first().innerText(), 'That browser is signed out.');
    assert.equal(await here.locator('ul.sessions > li').count(), 1);
    const after = await there.goto(`${base}/settings`);
    assert.equal(after?.status(), 401, 'the phone is signed out');
  } finally {
    await desk.close();
    await phone.close();
  }
});

test('two-step verification in Chromium: set up with the QR page, the codes shown once, then sign-in asks for a code (axe: 0 violations on each page)', async (t) => {
  if (!browser) return t.skip('Chromium is not installed');
  const { Secret, TOTP } = await import('otpauth');
  const member = { username: (await makeUser(database.db, [], 'two_step_member')).username, password: 'correct horse battery staple' };
  // A phone-sized screen: the QR code and the codes fit without sideways scrolling.
  const first = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const second = await browser.newContext();
  try {
    const page = await first.newPage();
    await signInThroughForm(page, base, member.username, member.password);
    await page.goto(`${base}/settings`);
    await page.locator('#tf-password').fill(member.password);
    await page.getByRole('button', { name: 'Set up two-step verification' }).click();
    await page.waitForURL(`${base}/settings/two-factor/setup`);
    const qr = page.getByRole('img', { name: 'QR code for your authenticator app' });
    assert.ok((await qr.boundingBox())!.width >= 150, 'a QR code big enough to scan');
    await axe(page);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'no sideways scrolling at 390 px');
    const secret = (await page.locator('.totp-secret').innerText()).replace(/\s/g, '');
    const totp = new TOTP({ secret: Secret.fromBase32(secret) });
    await page.getByLabel('2. Type the six-digit code the app shows.').fill(totp.generate({ timestamp: Date.now() - 30_000 }));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('heading', { name: 'Your backup codes' }).waitFor();
    assert.equal(await page.locator('ul.backup-codes li').count(), 10);
    assert.equal(await page.getByRole('status').innerText(), 'Two-step verification is on.');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390));
    await axe(page);

    // Another browser: after the password, the code.
    const other = await second.newPage();
    await other.goto(`${base}/signin`);
    await other.getByLabel('Username or e-mail address').fill(member.username);
    await other.getByLabel('Password').fill(member.password);
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.waitForURL(`${base}/signin/two-factor`);
    assert.ok(!(await second.cookies()).some((c) => c.name === 'parley_session'), 'no session yet');
    await axe(other);
    await other.getByLabel('Code').fill('000000');
    await other.getByRole('button', { name: 'Sign in' }).click();
    assert.match(await other.getByRole('alert').innerText(), /That code is not right/);
    assert.equal(await other.getByLabel('Code').getAttribute('aria-invalid'), 'true');
    await axe(other);
    await other.getByLabel('Code').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await other.getByRole('button', { name: 'Sign in' }).click();
    await other.waitForURL(`${base}/`);
    assert.equal(await other.locator('.site-header .who').innerText(), 'two step member');
  } finally {
    await first.close();
    await second.close();
  }
});

test('the team\'s two-step verification list, from the staff menu (axe: 0 violations)', async (t) => {
  if (!browser) return t.skip('Chromium is not installed');
  const manager = logins.find((l) => l.roles.includes('community_manager'))!;
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await signInThroughForm(page, base, manager.username, manager.password);
    await page.locator('.staff-menu summary').click();
    await page.getByRole('link', { name: 'Team two-step verification' }).click();
    await page.waitForURL(`${base}/admin/two-factor`);
    const rows = page.locator('table tbody tr');
    assert.ok((await rows.count()) >= 3, 'the demo team is listed');
    assert.match(await page.locator('h1 + p').innerText(), /^\d+ of \d+ team members sign in with a second step\. Nobody is required/);
    await axe(page);
  } finally {
    await context.close();
  }
});

