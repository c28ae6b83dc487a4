// The scan's shared pass over its words (words.ts scanWords) must give the capitalised words that the
// separate loop gives (spans.ts capWordsOf), and folding must keep what it relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { capWordsOf, isLetterOrDigitCode, Claims, type ScanState } from '../../src/guard/spans.ts';
import { capWords } from '../../src/guard/words.ts';
import { fold } from '../../src/guard/context.ts';
import { resolveOptions } from '../../src/guard/types.ts';

test('folding keeps every BMP unit a letter or digit, or not one (as the folded tokens read them)', () => {
  const tokenUnit = (v: number) => (v < 128 ? (v >= 97 && v <= 122) || (v >= 48 && v <= 57) : isLetterOrDigitCode(v));
  for (let u = 0; u < 65536; u++) {
    if (u >= 0xd800 && u <= 0xdfff) continue;
    // After "é" the per-unit table folds it, as in any non-ASCII text; alone, ASCII results come from toLowerCase.
    for (const f of [fold('\u00e9' + String.fromCharCode(u)).slice(1), fold(String.fromCharCode(u))]) {
      if (f.length !== 1) continue;
      assert.equal(tokenUnit(f.charCodeAt(0)), isLetterOrDigitCode(u), `U+${u.toString(16)}`);
    }
  }
});

test('capitalised words from the shared pass equal the separate loop', () => {
  const dir = join(import.meta.dirname, '../fixtures/guard');
  const texts = ['corpus.jsonl', 'heldout.jsonl', 'documents.jsonl']
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
    .filter((l) => l.trim());
  texts.push('iPhone Jan', '_Jan x', '\u00f8Jan \u00c9mile \u00e9Mile', 'Jan1 2Jan', 'K\u212aelvin \u0130stanbul', '\u{1d400}bc Jan \u{1d400}', 'Zo\u00eb-Ann O\u2019Brien', '\u0391\u03b8\u03ae\u03bd\u03b1 \u0416\u0443\u043a');
  for (const t of texts) {
    const st: ScanState = { text: t, lower: fold(t), options: resolveOptions({}), claims: new Claims(), findings: [] };
    assert.deepEqual(capWords(st), capWordsOf(t), t.slice(0, 80));
  }
});
