// Words as the search index holds them: lower case and without accents on both databases, so
// that "Café", "CAFÉ" and "cafe" are one term, whichever way the text was written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeWord, stemmedCopies } from '../../src/search/text.ts';

test('a word is lower-cased and loses its accents; plain ASCII words only lose their capitals', () => {
  assert.equal(normalizeWord('Router'), 'router');
  assert.equal(normalizeWord('x200'), 'x200');
  assert.equal(normalizeWord('Café'), 'cafe');
  assert.equal(normalizeWord('CAFÉ'), 'cafe');
  assert.equal(normalizeWord('Ove\u0301rzicht'), 'overzicht', 'a combining accent after the letter');
  assert.equal(normalizeWord('naïeve'), 'naieve');
  assert.equal(normalizeWord('ÜBERWEISUNG'), 'uberweisung');
  // Characters whose lower case or compatibility form is plain ASCII.
  assert.equal(normalizeWord('\u212Aelvin'), 'kelvin', 'the Kelvin sign');
  assert.equal(normalizeWord('\uFB01le'), 'file', 'the "fi" ligature');
  assert.equal(normalizeWord('ＲＯＵＴＥＲ'), 'router', 'full-width letters');
  // Letters without an ASCII form stay letters.
  assert.equal(normalizeWord('Straße'), 'straße');
  assert.equal(normalizeWord('Ελλάδα'), 'ελλαδα');
});

test('accented and plain spellings index as the same stems', () => {
  assert.deepEqual(stemmedCopies('Het café, CAFÉS'), stemmedCopies('het cafe, cafes'));
  assert.notDeepEqual(stemmedCopies('cafe'), stemmedCopies('cage'));
});
