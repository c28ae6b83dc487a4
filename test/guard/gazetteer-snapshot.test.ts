import { test } from 'node:test';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { gazetteer, serializeGazetteer, SortedWords } from '../../src/guard/gazetteer.ts';

test('a snapshot list searched by bisection answers as the Set it was made from', () => {
  const g = gazetteer();
  const parts = serializeGazetteer(g).split('\f');
  (['first', 'names', 'common', 'commonEn', 'hard', 'structural', 'place'] as const).forEach((k, i) => {
    const words = new SortedWords(parts[i]!);
    const set = g[k];
    let n = 0;
    for (const w of set) if (n++ % 97 === 0) assert.equal(words.has(w), true, `${k}: ${w}`);
    for (const w of ['zzzzq', 'aaaaq', '', 'straat', 'anna', 'ßtraße', '주식회사', 'during']) assert.equal(words.has(w), set.has(w), `${k}: ${w}`);
  });
});

test('a snapshot list asked often becomes a Set and still answers the same', () => {
  const words = new SortedWords(['anna', 'bob', 'zoë'].join('\n'));
  for (let i = 0; i < 20_005; i++) assert.equal(words.has(i % 2 ? 'bob' : 'carl'), i % 2 === 1);
  assert.equal(words.has('zoë'), true);
  assert.deepEqual([...words], ['anna', 'bob', 'zoë']);
});

test('building the gazetteer from the packages leaves none of their lists loaded (~29 MB of heap otherwise)', () => {
  const g = gazetteer();
  const loaded = Object.keys(createRequire(import.meta.url).cache).filter((p) => /[\\/]node_modules[\\/](?:humannames|@zxcvbn-ts)[\\/]/.test(p));
  assert.deepEqual(loaded, []);
  // The Sets keep what the lists gave: a humannames surname, a zxcvbn-ts Dutch first name, a frequent English word.
  assert.equal(g.names.has('desrosiers'), true);
  assert.equal(g.first.has('femke'), true);
  assert.equal(g.commonEn.has('during'), true);
});
