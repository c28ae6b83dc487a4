import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
