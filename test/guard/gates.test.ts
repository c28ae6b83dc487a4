// Gates and look-ups added for speed (session 17) must never change what the patterns they stand in front of find:
// each is checked against the pattern it replaces or guards, over the corpora and edge cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { __test as world } from '../../src/guard/detectors/address-world.ts';
import { __nameRuns } from '../../src/guard/register-match.ts';
import { execIn, windows, digitRuns, type ScanState } from '../../src/guard/spans.ts';
import { LowHashSet } from '../../src/guard/facts.ts';

const dir = join(import.meta.dirname, '../fixtures/guard');
const texts = ['corpus.jsonl', 'heldout.jsonl', 'documents.jsonl', ...readdirSync(join(dir, 'independent')).map((f) => `independent/${f}`)]
  .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
  .filter((l) => l.trim())
  .map((l) => (JSON.parse(l) as { text: string }).text);
texts.push('12 a Rue de Rivoli', '12 a, Rue Neuve', 'nº 5 Rue', 'Nr. 12/3b Avenue', '12 - 4 Calle', '45 up over a cable, so the line', '1, Paris', '１2, Paris', '2１, Paris', '12a, Paris', '7𝐀, Zürich', '3é,Lyon', '12,\tBern', '4 B. de la Rue', '17 St. Jan de Wit straat');

const runsOf = (text: string) => digitRuns({ text } as ScanState);

test('world addresses: no match of A, A2 or COMPOUND_NUM without a digit in the last tokens the gate reads', () => {
  const cases: Array<[string, RegExp, number]> = [['A', world.A_BEFORE, 2], ['A2', world.A2_BEFORE, 5], ['COMPOUND_NUM', world.COMPOUND_NUM_BEFORE, 4]];
  let matched = 0;
  let skipped = 0;
  for (const t of texts) {
    // Every stretch that ends in spaces or a tab, as shapesAround cuts it before a street word (90 units).
    for (let e = 1; e <= t.length; e++) {
      const c = t.charCodeAt(e - 1);
      if (c !== 32 && c !== 9) continue;
      const before = t.slice(Math.max(0, e - 90), e);
      for (const [name, re, tokens] of cases) {
        const gate = world.digitInLastTokens(before, tokens);
        if (re.exec(before)) {
          matched++;
          assert.ok(gate, `${name} matches but the gate skips: ${JSON.stringify(before)}`);
        } else if (!gate) skipped++;
      }
    }
  }
  assert.ok(matched > 100 && skipped > 1000, `${matched} matches, ${skipped} skipped`);
});

test('world addresses: H anchors from the digit runs equal the global search', () => {
  let found = 0;
  for (const t of texts) {
    const want: number[] = [];
    const re = new RegExp(world.H_ANCHOR.source, 'gu');
    for (let m = re.exec(t); m; m = re.exec(t)) want.push(m.index, m.index + m[0].length);
    found += want.length;
    assert.deepEqual(world.anchorsOfH(t, runsOf(t)), want, t.slice(0, 80));
  }
  assert.ok(found > 50, `${found}`);
});

test('register name runs tried at capitals only equal the global search', () => {
  const { NAME_RUN, NAME_RUN_AT, execAtCapitals } = __nameRuns();
  const plain = (ms: RegExpExecArray[]) => ms.map((m) => [m.index, m[0]]);
  let found = 0;
  for (const t of [...texts, 'iPhone Pro Max', '𝐀nna de Vries', 'ÉMILE Zola en Ürsula Kraft', "Piet van 't Hof"]) {
    for (const w of [[0, t.length], windows(t, [Math.floor(t.length / 3), Math.floor(t.length / 3) + 1], 30, 40)]) {
      const want = plain(execIn(NAME_RUN, t, w));
      found += want.length;
      assert.deepEqual(plain(execAtCapitals(NAME_RUN_AT, t, w)), want, t.slice(0, 80));
    }
  }
  assert.ok(found > 100, `${found}`);
});

test('LowHashSet answers as a Set of the same hashes', () => {
  const set = new Set<number>();
  const fast = new LowHashSet();
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) & 0x3fffffff);
  for (let i = 0; i < 5000; i++) {
    const h = next();
    set.add(h);
    fast.add(h);
  }
  const members = [...set];
  for (const h of set) assert.ok(fast.has(h));
  for (let i = 0; i < 200000; i++) {
    // Near misses too: same low 18 bits as a member, other high bits.
    const h = i % 2 ? next() : (members[i % 5000]! ^ (1 << (18 + (i % 12)))) & 0x3fffffff;
    assert.equal(fast.has(h), set.has(h));
  }
});

test('price plans: first-word anchors from one search equal an indexOf loop per word', async () => {
  const { __pricePlans } = await import('../../src/guard/detectors/price-plan.ts');
  const { fold } = await import('../../src/guard/context.ts');
  const options = JSON.parse(readFileSync(join(dir, 'options.json'), 'utf8')) as { pricePlans: string[] };
  const catalogues = [options.pricePlans, ['Sim Only', 'Simply Fast', 'Sim', 'C++ Plan', 'x.y Deal', 'Fiber 500', 'ber Max', 'Premium TV'], ['Éen Plan', 'Ünlimited 5']];
  let found = 0;
  for (const names of catalogues) {
    const firsts = [...new Set(names.map((n) => n.trim()).filter((t) => t.length >= 2).map((t) => fold(t.split(/[\s\u00a0-]+/)[0]!)))];
    const re = __pricePlans.firstWords(names).firsts;
    for (const t of [...texts, 'simply sim simsim c++ plan x.y deal fiberfiber', 'Éen plan of ünlimited']) {
      const lower = fold(t);
      const starts: number[] = [];
      for (const w of firsts) for (let at = lower.indexOf(w); at >= 0; at = lower.indexOf(w, at + 1)) starts.push(at);
      const want = [...new Set(starts)].sort((a, b) => a - b).flatMap((a) => [a, a]);
      found += want.length;
      assert.deepEqual(__pricePlans.firstWordAnchors(lower, re), want, t.slice(0, 80));
    }
  }
  assert.ok(found > 100, `${found}`);
});
