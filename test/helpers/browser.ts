import { existsSync } from 'node:fs';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { seedDemo, type DemoLogin } from '../../src/seed/seed-demo.ts';
import { testDatabaseKinds, type TestDatabase } from './databases.ts';
import { testServer } from './server.ts';

export const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launches Debian's Chromium headless. Outside CI a machine without Chromium skips browser
 * tests (returns null); in CI (CI=true) a missing Chromium fails them.
 */
export async function launchBrowser(): Promise<Browser | null> {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium)`);
    return null;
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * Signs a page in through the sign-in form (the demo password of makeUser) and waits for the
 * home page.
 */
export async function signInThroughForm(page: import('playwright-core').Page, base: string, username: string, password = 'correct horse battery staple'): Promise<void> {
  await page.goto(`${base}/signin`);
  await page.getByLabel('Username or e-mail address').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
}

/** Chromium (or null where it is missing outside CI), a test database with the seeded demo
 * community, and a Parley server on a free port: what the page-wide browser tests share. */
export interface DemoSite {
  browser: Browser | null;
  database: TestDatabase;
  app: FastifyInstance;
  base: string;
  logins: DemoLogin[];
}

export async function openDemoSite(settings: Record<string, string> = {}): Promise<DemoSite> {
  const browser = await launchBrowser();
  const database = await testDatabaseKinds()[0]!.open();
  const logins = await seedDemo(database.db);
  const app = await testServer(database, settings);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return { browser, database, app, base, logins };
}

/** Closes what openDemoSite opened (each part only if it was opened). */
export async function closeDemoSite(site: Partial<DemoSite>): Promise<void> {
  await site.browser?.close();
  await site.app?.close();
  await site.database?.drop();
}

/** axe-core's WCAG 2.1 A and AA rules on the page as it is now: none may be violated. */
export async function assertNoAxeViolations(page: Page): Promise<void> {
  const { AxeBuilder } = await import('@axe-core/playwright');
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`), [], page.url());
}

/**
 * For a browser test file: Chromium, a fresh SQLite test database that `setup` fills, and a
 * Parley server on a free port, opened before the file's tests and closed after them. Read the
 * fields inside the tests; `browser` is null where Chromium is missing outside CI (skip then).
 */
export function browserSitePerFile(setup: (db: TestDatabase['db']) => Promise<void>): { browser: Browser | null; database: TestDatabase; app: FastifyInstance; base: string } {
  const site = { browser: null } as { browser: Browser | null; database: TestDatabase; app: FastifyInstance; base: string };
  before(async () => {
    site.browser = await launchBrowser();
    if (!site.browser) return;
    site.database = await testDatabaseKinds()[0]!.open();
    await setup(site.database.db);
    site.app = await testServer(site.database);
    site.base = await site.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    await site.browser?.close();
    await site.app?.close();
    await site.database?.drop();
  });
  return site;
}
