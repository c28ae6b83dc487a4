// The query text each database is given, and the PostgreSQL plan chosen for a search's newest
// matches from the lexeme statistics (src/search/lexeme-frequency.ts): pure functions, no database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery, prefixStarts, toFts5, toTsquery } from '../../src/search/query.ts';
import { candidatePlan, matchShare, type Statistics } from '../../src/search/lexeme-frequency.ts';

test('a prefix looks for each start once: a start that a shorter one covers is left out', () => {
  // "poss" stems to "pos" (English): every word starting with "poss" starts with "pos".
  const poss = parseQuery('poss*').terms[0]!;
  assert.deepEqual(prefixStarts(poss), ['pos']);
  assert.equal(toTsquery(parseQuery('poss*')), "('pos':*)");
  assert.equal(toFts5(parseQuery('poss*')), '({title_en title_nl body_en body_nl} : ("pos" *))');
  // Starts that do not cover each other all stay.
  assert.deepEqual(prefixStarts({ word: 'abc', en: 'abd', nl: 'ab', prefix: true }), ['ab']);
  assert.deepEqual(prefixStarts({ word: 'abc', en: 'abd', nl: 'abe', prefix: true }), ['abc', 'abd', 'abe']);
});

test('a phrase stemmed alike in English and Dutch is looked for once, over all columns', () => {
  assert.equal(toTsquery(parseQuery('"feature request"')), "('featur' <-> 'request')");
  assert.equal(toFts5(parseQuery('"feature request"')), '({title_en title_nl body_en body_nl} : "featur request")');
  assert.equal(toFts5(parseQuery('"feature request"'), 'title'), '({title_en title_nl} : "featur request")');
  // Stemmed differently: both languages, each in its own columns.
  assert.equal(toTsquery(parseQuery('"facturen komen"')), "('facturen' <-> 'komen' | 'factur' <-> 'kom')");
  assert.equal(toFts5(parseQuery('"facturen komen"')), '({title_en body_en} : "facturen komen" OR {title_nl body_nl} : "factur kom")');
});

test('PostgreSQL candidate plans: walk for common words, all matches for rare ones, a window between (from the indexes only for a prefix)', () => {
  const stats: Statistics = {
    readAt: Date.now(),
    share: new Map([['sync', 0.35], ['possibl', 0.0075], ['share', 0.016], ['shar', 0.0005], ['posit', 0.03]]),
    below: 0.0028,
    newestId: 1_000_000,
  };
  const plan = (q: string) => candidatePlan(stats, parseQuery(q), 500);
  assert.deepEqual(plan('sync'), { kind: 'planned' }, 'a word in 35 % of documents: walking backwards meets 500 soon');
  assert.deepEqual(plan('possible'), { kind: 'window', after: 1_000_000 - 100_000 }, '7,500 matches: the newest ids where ~750 are');
  assert.deepEqual(candidatePlan({ ...stats, below: 0.0015 }, parseQuery('shortcut'), 500), { kind: 'bitmap' }, 'not listed: at most 1,500 matches, all of them from the index');
  // "share" and its Dutch stem "shar": 1.65 % of documents, 16,500 matches: the newest ids where ~750 are.
  assert.deepEqual(plan('share'), { kind: 'window', after: 1_000_000 - Math.ceil(750 / 0.0165) });
  assert.deepEqual(plan('sync shortcut'), { kind: 'window', after: 1_000_000 - Math.ceil(750 / 0.0028) }, 'all words must match: the rarest decides');
  assert.deepEqual(plan('"possible sync"'), { kind: 'window', after: 1_000_000 - 100_000 });
  // Prefixes: the listed lexemes they start (a lower estimate); never a window.
  assert.equal(matchShare(stats, parseQuery('poss*')), 0.0075 + 0.03, '"pos" starts "possibl" and "posit"');
  assert.deepEqual(plan('poss*'), { kind: 'window', after: 1_000_000 - Math.ceil(750 / 0.0375), indexesOnly: true }, 'a prefix\'s window is read from the two indexes only');
  assert.deepEqual(candidatePlan({ ...stats, share: new Map([['possibl', 0.0015]]) }, parseQuery('poss*'), 500), { kind: 'bitmap' }, 'a prefix of 1,500 matches');
  assert.deepEqual(plan('sy*'), { kind: 'planned' });
  assert.deepEqual(plan('zzq*'), { kind: 'planned' }, 'a prefix of no listed lexeme: unknown, PostgreSQL decides');
  assert.equal(matchShare(stats, parseQuery('zzq*')), null);
  assert.deepEqual(candidatePlan({ ...stats, share: new Map() }, parseQuery('possible'), 500), { kind: 'planned' }, 'no statistics yet');
});
