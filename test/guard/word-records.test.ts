// wordTokens hashes each word while finding it and looks its shared record up with that hash: the hash must be
// the one SpanCache computes from the word's units (else a word would get a second record, or another word's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { wordTokens, wordRecords, wordRecordAt, type ScanState } from '../../src/guard/spans.ts';

const dir = join(import.meta.dirname, '../fixtures/guard');
const texts = ['corpus.jsonl', 'heldout.jsonl']
  .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
  .filter((l) => l.trim())
  .map((l) => (JSON.parse(l) as { text: string }).text);
// Inner apostrophes and hyphens, possessives, marks, astral letters (two units), uncased scripts.
texts.push("O'Brien's x-ray D’Angelo’s Jan's e-mail", 'Zoë Ångström naïve café', '𝐀bc 𝒜lice x𝐀y', '김민준 محمد 王小明', "rock'n'roll -x- x-- 'a'", 'ä\u0308b');

test('each word token points at the shared record of its own text', () => {
  let n = 0;
  for (const text of texts) {
    const st = { text } as ScanState;
    const ws = wordTokens(st);
    const recs = wordRecords(st);
    assert.equal(recs.length * 2, ws.length);
    for (let k = 0; k < recs.length; k++) {
      const [s, e] = [ws[2 * k]!, ws[2 * k + 1]!];
      assert.equal(recs[k]!.word, text.slice(s, e));
      assert.equal(wordRecordAt(text, s, e), recs[k], text.slice(s, e));
      n++;
    }
  }
  assert.ok(n > 1000);
});
