// `parley` runs the JavaScript compiled at install (dist/, `prepare`) instead of compiling the
// TypeScript sources at every call, and falls back to the sources when they are newer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gazetteer, serializeGazetteer } from '../../src/guard/gazetteer.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/parley.js');

function newest(dir: string): number {
  let t = statSync(dir).mtimeMs;
  for (const e of readdirSync(dir, { withFileTypes: true })) t = Math.max(t, e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs);
  return t;
}

function parley(args: string[], env: Record<string, string>, input = '') {
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, PARLEY_SHOW_RUNTIME: '1', ...env }, input, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('the CLI runs the compiled tree when it is current, the sources otherwise', { timeout: 120_000 }, () => {
  // `npm ci` built it already (prepare); a working copy with edited sources builds it here.
  let current = false;
  try {
    current = statSync(join(root, 'dist/.build-stamp')).mtimeMs >= newest(join(root, 'src'));
  } catch {
    // not built yet
  }
  if (!current) {
    const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { encoding: 'utf8', timeout: 110_000 });
    assert.equal(built.status, 0, built.stderr);
  }

  const help = parley(['--help'], {});
  assert.equal(help.code, 0, help.err);
  assert.match(help.err, /running compiled dist\/ \(short-command bundle\)/);
  assert.match(help.out, /\n {2}guard\b/);
  // Other commands run the compiled modules themselves.
  const guardHelp = parley(['guard', '--help'], {});
  assert.equal(guardHelp.code, 0, guardHelp.err);
  assert.match(guardHelp.err, /running compiled dist\/\n/);

  const env = { DATABASE_URL: `file:${join(mkdtempSync(join(tmpdir(), 'parley-dist-')), 'p.db')}` };
  const scan = parley(['guard', 'scan', '--json'], env, 'please call me on +31 6 12345678 tomorrow\n');
  assert.equal(scan.code, 0, scan.err);
  assert.match(scan.err, /running compiled dist\/ \(short-command bundle\)/);
  const findings = scan.out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; start: number; end: number });
  assert.ok(findings.some((f) => f.type === 'phone' && f.start === 18), scan.out);

  const sources = parley(['--help'], { PARLEY_RUN_SOURCES: '1' });
  assert.equal(sources.code, 0, sources.err);
  assert.match(sources.err, /running sources through tsx/);
});

test('the gazetteer snapshot made at build holds exactly the lists the sources build', () => {
  const snapshot = join(root, 'dist/guard/gazetteer.snapshot');
  assert.equal(readFileSync(snapshot, 'utf8'), serializeGazetteer(gazetteer()));
});
