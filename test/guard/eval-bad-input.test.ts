// Bad input to the guard's evaluation (#16.7): a malformed corpus line is named with its file and
// line, the run exits non-zero and prints no figures (nothing half-scored).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJsonl } from '../../src/guard/index.ts';

const evalScript = fileURLToPath(new URL('../../bench/guard-eval.ts', import.meta.url));

test('parseJsonl: a line that is not JSON, no text, or an entity outside its text is refused with its line number', () => {
  assert.throws(() => parseJsonl('{"text":"a"}\n{"text": broken'), /line 2: not valid JSON/);
  assert.throws(() => parseJsonl('{"entities":[]}'), /line 1: missing "text"/);
  assert.throws(() => parseJsonl('{"text":"call 0612","entities":[{"type":"phone","start":5,"end":40}]}'), /line 1: entity 1 \(phone\) needs whole-number "start" < "end" within the text \(0–9\)/);
  assert.throws(() => parseJsonl('{"text":"x","entities":[{"start":0,"end":1}]}'), /line 1: entity 1 has no "type"/);
  assert.throws(() => parseJsonl('{"text":"xy","entities":[{"type":"person","start":"0","end":1}]}'), /whole-number/);
  assert.deepEqual(parseJsonl('\n{"text":"Ann","entities":[{"type":"person","start":0,"end":3}]}\n'), [{ text: 'Ann', entities: [{ type: 'person', start: 0, end: 3 }] }]);
});

test('eval:guard on a corpus with a malformed line: a message naming file and line, exit 2, no figures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-eval-'));
  const file = join(dir, 'bad.jsonl');
  writeFileSync(file, '{"text":"call 0612345678","entities":[{"type":"phone","start":5,"end":15}]}\n{"text": "unterminated\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', evalScript, file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`guard-eval: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line 2: not valid JSON: nothing was scored`));
  assert.equal(r.stdout, '');
  const missing = spawnSync(process.execPath, ['--import', 'tsx', evalScript, join(dir, 'none.jsonl')], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read .*none\.jsonl: no such file/);
});
