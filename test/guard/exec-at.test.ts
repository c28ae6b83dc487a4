// execInAt (a sticky pattern tried only where a match may start) must find what execIn's global search finds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAP_SEQ, capSeqCanStart, TITLE_RE, TITLE_STARTS, ROLE_RE, ROLE_STARTS, MET_NAME, MET_STARTS } from '../../src/guard/detectors/person.ts';
import { execIn, execInAt, windows } from '../../src/guard/spans.ts';

const dir = join(import.meta.dirname, '../fixtures/guard');
const texts = ['corpus.jsonl', 'heldout.jsonl', 'documents.jsonl']
  .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
  .filter((l) => l.trim())
  .map((l) => (JSON.parse(l) as { text: string }).text);
texts.push('Spoke to: Jan Smit', 'From: Anna de Vries', 'klant (Piet Jansen)', 'Mevrouw Bakker', 'de heer Jansen', 'met Jan Smit gesproken', 'xMr Smit', "Piet van 't Hof", "in 't Veld belde", 'ÉMILE de la Croix', '𝐀Jan Smit', 'xJan Smit', "O'Brien and McDonald", 'J. P. de Vries', 'Op de Beeck');

test('name sequences from their possible starts equal the global search, in whole texts and windows', () => {
  const global = new RegExp(CAP_SEQ.source, 'gu');
  const plain = (ms: RegExpExecArray[]) => ms.map((m) => [m.index, m[0]]);
  for (const t of texts) {
    const wins = [[0, t.length], windows(t, [Math.floor(t.length / 3), Math.floor(t.length / 3) + 1], 30, 40)];
    for (const w of wins) assert.deepEqual(plain(execInAt(CAP_SEQ, t, w, capSeqCanStart)), plain(execIn(global, t, w)), t.slice(0, 80));
  }
});

test('title, role and "met" patterns from their possible starts equal the global search', () => {
  for (const [re, starts] of [[TITLE_RE, TITLE_STARTS], [ROLE_RE, ROLE_STARTS], [MET_NAME, MET_STARTS]] as const) {
    const global = new RegExp(re.source, 'gu');
    const plain = (ms: RegExpExecArray[]) => ms.map((m) => [m.index, m[0], m.groups?.name]);
    let found = 0;
    for (const t of texts) {
      const want = plain(execIn(global, t, [0, t.length]));
      found += want.length;
      assert.deepEqual(plain(execInAt(re, t, [0, t.length], starts)), want, t.slice(0, 80));
    }
    assert.ok(found > 0, re.source.slice(0, 40));
  }
});

test('address patterns from their possible starts equal the global search', async () => {
  const { __patterns, STARTS } = await import('../../src/guard/detectors/address.ts');
  const { __test } = await import('../../src/guard/detectors/address-world.ts');
  const cases: Array<[string, RegExp, (c: number) => boolean]> = [
    ...Object.entries(__patterns).map(([k, re]) => [k, re, STARTS[k as keyof typeof STARTS]] as [string, RegExp, (c: number) => boolean]),
    ...Object.entries(__test.AT).map(([k, [re, starts]]) => [k, re, starts] as [string, RegExp, (c: number) => boolean]),
  ];
  const extra = ['Keizersgracht 123, 1015 CJ Amsterdam', 'kerkstraat 12 is het', '221B Baker Street, London NW1 6XE', 'Flat 3, 12 High Street', 'P.O. Box 1234, Nairobi', 'Postbus 123, 1000 AA Amsterdam', 'Witthau 3, 89129 Langenau', '391 English Village, Arbil, 44001', '15 Nguyễn Huệ, Quận 1', 'Rue Neuve 123, 1000 Bruxelles', "Laan van 't Hof 4"];
  for (const [name, re, starts] of cases) {
    const global = new RegExp(re.source, 'gu');
    const plain = (ms: RegExpExecArray[]) => ms.map((m) => [m.index, m[0]]);
    let found = 0;
    for (const t of [...texts, ...extra]) {
      const want = plain(execIn(global, t, [0, t.length]));
      found += want.length;
      assert.deepEqual(plain(execInAt(re, t, [0, t.length], starts)), want, `${name}: ${t.slice(0, 80)}`);
    }
    assert.ok(found > 0, name);
  }
});
