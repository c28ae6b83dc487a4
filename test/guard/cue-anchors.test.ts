// The person detector's one-pass cue anchors must find exactly what the whole-text patterns find.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cueAnchors, verbAnchors, TITLE_ANCHOR, ROLE_ANCHOR, MET_ANCHOR, VERB_ANCHOR } from '../../src/guard/detectors/person.ts';
import { anchorsOf, wordTokens, type ScanState } from '../../src/guard/spans.ts';
import { allCueMatches, registeredCuePatterns } from '../../src/guard/cue-words.ts';
import { fold } from '../../src/guard/context.ts';

const dir = join(import.meta.dirname, '../fixtures/guard');
const texts = ['corpus.jsonl', 'heldout.jsonl', 'documents.jsonl']
  .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
  .filter((l) => l.trim());
texts.push('spoke to: Jan', 'personson son sonja', '_son x', 'e-mr z', "Jan's car", 'X’s\u00a0y', 'a\u2003called b', 'x e-mailed y', 'jan is verhuisd', 'Mr.Jansen', 'de heer X', 'x\tcalled\n rang  \u00a0told', "x''s 's \u2019s called", 'd\u00e9 heer, \u00f8de heer, x-de heer, x_de heer', 'y called', '\u00f8de heer x, \u00f8mr y, \u00dfbank z, x_mr y, \u0436met q');

test('title, role and "met" anchors from word starts equal the whole-text patterns', () => {
  for (const t of texts) {
    const lower = fold(t);
    assert.deepEqual(cueAnchors(lower), [anchorsOf(TITLE_ANCHOR, lower), anchorsOf(ROLE_ANCHOR, lower), anchorsOf(MET_ANCHOR, lower)], t.slice(0, 80));
  }
});

test('every registered cue pattern (titles, roles, "met", bank and customer-number cues) from word starts equals its whole-text pattern', async () => {
  // The detectors register their patterns when loaded; each is compared with its own global search.
  await import('../../src/guard/scan.ts');
  const patterns = registeredCuePatterns();
  assert.ok(patterns.length >= 5);
  for (const t of [...texts, 'sort code 12-34-56', 'Bankrekening, klantnummer 1234', 'aba_bank', 'x-customer']) {
    const lower = fold(t);
    assert.deepEqual(allCueMatches(lower), patterns.map((re) => anchorsOf(new RegExp(re.source, 'g'), lower)), t.slice(0, 80));
  }
});

test('verb anchors equal the whole-text pattern', () => {
  for (const t of texts) assert.deepEqual(verbAnchors(t, wordTokens({ text: t } as ScanState)), anchorsOf(VERB_ANCHOR, t), t.slice(0, 80));
});
