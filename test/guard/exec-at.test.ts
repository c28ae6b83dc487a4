// execInAt (a sticky pattern tried only where a match may start) must find what execIn's global search finds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAP_SEQ, capSeqCanStart, TITLE_RE, TITLE_STARTS, ROLE_RE, ROLE_STARTS, MET_NAME, MET_STARTS } from '../../src/guard/detectors/person.ts';
import { __patterns, STARTS } from '../../src/guard/detectors/address.ts';
import { __test as world } from '../../src/guard/detectors/address-world.ts';
import { __test as card } from '../../src/guard/detectors/card.ts';
import { __bankPatterns as bank } from '../../src/guard/detectors/iban.ts';
import { execIn, execInAt, windows } from '../../src/guard/spans.ts';
import { __numberTokens as tokens } from '../../src/guard/register-match.ts';
import { __CAND, candWindows } from '../../src/guard/detectors/phone.ts';

const dir = join(import.meta.dirname, '../fixtures/guard');
const texts = ['corpus.jsonl', 'heldout.jsonl', 'documents.jsonl']
  .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
  .filter((l) => l.trim())
  .map((l) => (JSON.parse(l) as { text: string }).text);
texts.push('Spoke to: Jan Smit', 'From: Anna de Vries', 'klant (Piet Jansen)', 'Mevrouw Bakker', 'de heer Jansen', 'met Jan Smit gesproken', 'xMr Smit', "Piet van 't Hof", "in 't Veld belde", 'ÉMILE de la Croix', '𝐀Jan Smit', 'xJan Smit', "O'Brien and McDonald", 'J. P. de Vries', 'Op de Beeck');
texts.push('Keizersgracht 123, 1015 CJ Amsterdam', 'kerkstraat 12 is het', '221B Baker Street, London NW1 6XE', 'Flat 3, 12 High Street', 'P.O. Box 1234, Nairobi', 'Postbus 123, 1000 AA Amsterdam', 'Witthau 3, 89129 Langenau', '391 English Village, Arbil, 44001', '15 Nguyễn Huệ, Quận 1', 'Rue Neuve 123, 1000 Bruxelles', "Laan van 't Hof 4");
texts.push('card 4111 1111 1111 1111, exp 12/27', 'a4111111111111111', '1.234 and 5,678', 'sort code 12-34-56 account 12345678', 'x-123456789', '12-34-56-78');

/** Each pattern, in whole texts and in a window, from its possible starts and by the global search; it must match somewhere. */
function assertSameMatches(cases: Array<[string, RegExp, (c: number, sub: string, p: number) => boolean]>): void {
  const plain = (ms: RegExpExecArray[]) => ms.map((m) => [m.index, m[0], m.groups?.name]);
  for (const [name, re, starts] of cases) {
    const global = new RegExp(re.source, 'gu');
    let found = 0;
    for (const t of texts) {
      for (const w of [[0, t.length], windows(t, [Math.floor(t.length / 3), Math.floor(t.length / 3) + 1], 30, 40)]) {
        const want = plain(execIn(global, t, w));
        found += want.length;
        assert.deepEqual(plain(execInAt(re, t, w, starts)), want, `${name}: ${t.slice(0, 80)}`);
      }
    }
    assert.ok(found > 0, name);
  }
}

test('name sequences, titles, roles and "met" from their possible starts equal the global search', () => {
  assertSameMatches([
    ['CAP_SEQ', CAP_SEQ, capSeqCanStart],
    ['TITLE_RE', TITLE_RE, TITLE_STARTS],
    ['ROLE_RE', ROLE_RE, ROLE_STARTS],
    ['MET_NAME', MET_NAME, MET_STARTS],
  ]);
});

test('address patterns from their possible starts equal the global search', () => {
  assertSameMatches([
    ...Object.entries(__patterns).map(([k, re]) => [k, re, STARTS[k as keyof typeof STARTS]] as [string, RegExp, (c: number) => boolean]),
    ...Object.entries(world.AT).map(([k, [re, starts]]) => [k, re, starts] as [string, RegExp, (c: number) => boolean]),
  ]);
});

test('card and bank-account candidates from digits not after a letter or digit equal the global search', () => {
  assertSameMatches([
    ['CARD_CAND', card.CARD_CAND, card.DIGIT_START],
    ['SORT_CODE', bank.SORT_CODE, bank.SORT_START],
    ['BANK_NUM', bank.BANK_NUM, bank.BANK_START],
  ]);
});

test('card candidates long enough to hold a card are the same from the starts of long digit stretches', () => {
  const long = (ms: RegExpExecArray[]) => ms.filter((m) => m[0].length >= card.MIN_CANDIDATE).map((m) => [m.index, m[0]]);
  const global = new RegExp(card.CARD_CAND.source, 'gu');
  let found = 0;
  for (const t of [...texts, '12 34 4111 1111 1111 1111 and 1.2.3 4012-8888-8888-1881 4012 8888 8888 1881', '06-12 345678 901 2345', '1234567890 12']) {
    for (const w of [[0, t.length], windows(t, [Math.floor(t.length / 3), Math.floor(t.length / 3) + 1], 30, 40)]) {
      const want = long(execIn(global, t, w));
      found += want.length;
      assert.deepEqual(long(execInAt(card.CARD_CAND, t, w, card.CARD_START)), want, t.slice(0, 80));
    }
  }
  assert.ok(found > 0);
});

test('register number tokens and phone candidates: the windows left out hold none', () => {
  const plain = (ms: RegExpExecArray[]) => ms.map((m) => [m.index, m[0]]);
  const runs = (t: string) => [...t.matchAll(/\d+/g)].flatMap((m) => [m.index, m.index + m[0].length]);
  const cases: Array<[RegExp, number, number, (t: string, r: number[]) => number[]]> = [
    [tokens.NUMBER_TOKEN, 6, 22, tokens.numberTokenWindows],
    [__CAND, 3, 40, candWindows],
  ];
  for (const [re, before, after, wins] of cases) {
    let found = 0;
    for (const t of [...texts, 'KL1234567 and 480 Mbit, 5 GHz, channel 36 at 21:00', 'ab-12x9 / 1.2 / 12a / +31 6 1234 5678 / (020) 555-0123', '２０２４ KL１２３４５']) {
      const want = plain(execIn(re, t, windows(t, runs(t), before, after)));
      found += want.length;
      assert.deepEqual(plain(execIn(re, t, wins(t, runs(t)))), want, t.slice(0, 80));
    }
    assert.ok(found > 0);
  }
});
