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
