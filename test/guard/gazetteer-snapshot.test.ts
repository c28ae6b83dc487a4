import { test } from 'node:test';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { getHeapSnapshot, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gazetteer, installGazetteer, serializeGazetteer, SortedWords } from '../../src/guard/gazetteer.ts';

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

test('a server\'s gazetteer installed from the snapshot does not keep the snapshot text alive', async () => {
  let text: string | undefined = serializeGazetteer(gazetteer());
  const length = text.length;
  const head = Array.from(text.slice(0, 200)).join(''); // a copy: a slice would keep the text alive itself
  assert.ok(length > 1_000_000);
  assert.equal(installGazetteer(text, { eager: true }), true);
  text = undefined;
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  // The heap's strings as V8 records them (a string node's name is its text, cut): is the snapshot text among them?
  const chunks: Buffer[] = [];
  for await (const chunk of getHeapSnapshot()) chunks.push(chunk as Buffer);
  const snapshot = JSON.parse(Buffer.concat(chunks).toString('utf8')) as HeapSnapshot;
  const { node_fields: fields, node_types: [types] } = snapshot.snapshot.meta;
  const [type, name, size] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const kept: number[] = [];
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    if (!/string/.test(types[snapshot.nodes[i + type]!]!) || snapshot.nodes[i + size]! < length) continue;
    if (snapshot.strings[snapshot.nodes[i + name]!]!.startsWith(head)) kept.push(snapshot.nodes[i + size]!);
  }
  assert.deepEqual(kept, [], 'the snapshot text is still in the heap');
  assert.equal(gazetteer().names.has('desrosiers'), true);
});

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}
