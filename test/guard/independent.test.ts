// The failure classes issue #16 lists, each as a class (several members of it), and the guard's
// figures on the independent held-out split (corpora built by bench/guard-corpora/build.ts from
// material Parley did not write) kept above the targets, so a regression shows here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanText, evaluate, parseJsonl, publicNameKey, FINDING_TYPES, type FindingType } from '../../src/guard/index.ts';

const opts = { options: { defaultRegion: 'NL' as const, extraRegions: ['GB', 'BE', 'DE', 'US'] as never } };
const found = (text: string, type: FindingType) => scanText(text, opts).filter((f) => f.type === type).map((f) => text.slice(f.start, f.end));

test('cards: 12-digit Maestro, several on one line, the same card twice', () => {
  assert.deepEqual(found('Maestro 6759 6498 2648', 'card'), ['6759 6498 2648']);
  assert.deepEqual(found('4012-8888-8888-1881 4012 8888 8888 1881', 'card'), ['4012-8888-8888-1881', '4012 8888 8888 1881']);
  assert.deepEqual(found('cards: 4111 1111 1111 1111 / 5500-0000-0000-0004 / 340000000000009', 'card'), ['4111 1111 1111 1111', '5500-0000-0000-0004', '340000000000009']);
  // A card is never also a phone.
  assert.deepEqual(found('4012-8888-8888-1881 4012 8888 8888 1881', 'phone'), []);
});

test('e-mail with an internationalised domain', () => {
  assert.deepEqual(found('mail a@xn--d1acufc.xn--p1ai now', 'email'), ['a@xn--d1acufc.xn--p1ai']);
  assert.deepEqual(found('mail jan@münchen.de now', 'email'), ['jan@münchen.de']);
});

test('phones: extensions, glued to a word, full-width digits, other regions with context', () => {
  assert.deepEqual(found('call 345-899-3560x4587 today', 'phone'), ['345-899-3560x4587']);
  assert.deepEqual(found('office +1-604-696-5272x565', 'phone'), ['+1-604-696-5272x565']);
  assert.deepEqual(found('Hi call033316005 when you can', 'phone'), ['033316005']);
  assert.deepEqual(found('Tel ＋1 (650) 333-6000', 'phone'), ['＋1 (650) 333-6000']);
  assert.deepEqual(found('Desk: 5403926876', 'phone'), ['5403926876']);
  assert.deepEqual(found('call me on 9472 7916', 'phone'), ['9472 7916']);
});

test('not phones: social security numbers, dates, IMEIs, the tail of an invalid IBAN', () => {
  assert.deepEqual(found('SSN 054-28-6917', 'phone'), []);
  assert.deepEqual(found('since 03/27/2011 the line drops', 'phone'), []);
  assert.deepEqual(found('The IMEI of that phone is 354221752267975.', 'phone'), []);
  assert.deepEqual(found('IBAN NL91 ABNA 0417 1643 01 (typo)', 'phone'), []);
});

test('persons: lower case, names from many countries, possessives, self-introductions, lists of first names', () => {
  assert.deepEqual(found('follow up with patricia desrosiers', 'person'), ['patricia desrosiers']);
  assert.deepEqual(found("I'm Naomi Ryan, my modem is broken", 'person'), ['Naomi Ryan']);
  assert.deepEqual(found("Vera Brouwer's customer number is in the ticket", 'person'), ['Vera Brouwer']);
  assert.deepEqual(found('Please ask Mathias Ruud to restart it', 'person'), ['Mathias Ruud']);
  assert.deepEqual(found('Please ask Šárka Ottová to restart it', 'person'), ['Šárka Ottová']);
  assert.deepEqual(found('They had 3: Gaetane, Hannah and Anthony.', 'person'), ['Gaetane', 'Hannah', 'Anthony']);
});

test('not persons: streets and companies named after people, sign-offs, members', () => {
  for (const t of ['The shop on St. John Street is closed.', 'Peter Zuidhove 188 is the new depot.', 'Our contact at Russell Investments never answered.', 'Roadworks on Victoria Parade again.', 'Best wishes, Anna Smit, moderator']) {
    assert.deepEqual(found(t, 'person'), [], t);
  }
  const line = 'Answered by Tom Becker in the community.';
  assert.equal(found(line, 'person').length, 1, 'a name in that line is found when no member has it');
  assert.equal(scanText(line, { ...opts, publicNames: new Set([publicNameKey('Tom Becker')]) }).filter((f) => f.type === 'person').length, 0);
  assert.equal(scanText('*Answered by [Tom Becker](/u/tbecker) in the community.*', opts).filter((f) => f.type === 'person').length, 0);
});

test('addresses in the world’s formats; years are not streets', () => {
  for (const a of ['Rua do Arenque 1634', '33 avenue de Provence', '12 rue de Rivoli, 75001 Paris', 'Pietarinkatu 15, 00140 Helsinki', 'PSC 1234, Box 5678, APO AE 09876', 'Ģertrūdes iela 81, Riga, LV-1009']) {
    const t = `Please send it to ${a}.`;
    assert.equal(found(t, 'address').length, 1, a);
  }
  assert.deepEqual(found('During 1971 the exchange was rebuilt.', 'address'), []);
});

test('independent held-out split: figures at or above the targets', () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/guard/independent');
  const all = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).flatMap((f) => parseJsonl(readFileSync(join(dir, f), 'utf8')));
  const heldout = all.filter((e) => e.split === 'heldout');
  assert.ok(heldout.length > 1000);
  const r = evaluate(heldout, (t) => scanText(t, opts), { knownTypes: FINDING_TYPES, scoredTypes: ['person', 'address', 'phone', 'email', 'iban', 'card'] });
  const by = new Map(r.perType.map((s) => [s.type, s]));
  for (const [type, recall] of [['phone', 0.95], ['email', 0.95], ['iban', 0.95], ['card', 0.95], ['person', 0.85], ['address', 0.8]] as const) {
    const s = by.get(type)!;
    assert.ok(s.recall >= recall, `${type} recall ${s.recall.toFixed(3)}`);
    assert.ok(s.precision >= 0.9, `${type} precision ${s.precision.toFixed(3)}`);
  }
});

test('corpus texts carry letters, not the YAML escapes of their sources (Adutiškio, not Aduti\\u0161kio)', () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/guard/independent');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
    for (const e of parseJsonl(readFileSync(join(dir, f), 'utf8'))) assert.doesNotMatch(e.text, /\\[uU][0-9a-fA-F]{4}/, `${f}: ${e.text}`);
  }
  const lt = readFileSync(join(dir, 'addresses.jsonl'), 'utf8');
  assert.match(lt, /Adutiškio g\. 5/);
});
