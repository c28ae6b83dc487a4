#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (made by `npm ci`/`npm install` through the `prepare`
// script) when it is at least as new as every source file, so that a command starts without
// compiling TypeScript; otherwise (sources edited since, or no build) the sources through tsx.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Newest modification time of the sources, directories included (a deleted file changes its directory). */
function newestSource(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    const time = entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs;
    if (time > newest) newest = time;
  }
  return newest;
}

function compiledIsCurrent() {
  if (process.env.PARLEY_RUN_SOURCES === '1') return false;
  try {
    return statSync(`${root}dist/.build-stamp`).mtimeMs >= newestSource(`${root}src`);
  } catch {
    return false;
  }
}

const compiled = compiledIsCurrent();
// `parley --help` and `parley guard scan` from the bundle scripts/build.mjs makes (fewer modules to load).
const args = process.argv.slice(2);
const short = compiled && (args.length === 0 || ['--help', '-h', 'help'].includes(args[0]) || (args[0] === 'guard' && args[1] === 'scan')) && existsSync(`${root}dist/short/main.js`);
// For tests and for anyone wondering why a command is slow: which tree runs.
if (process.env.PARLEY_SHOW_RUNTIME === '1') process.stderr.write(`parley: running ${short ? 'compiled dist/ (short-command bundle)' : compiled ? 'compiled dist/' : 'sources through tsx'}\n`);
if (short) {
  await import('../dist/short/main.js');
} else if (compiled) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
