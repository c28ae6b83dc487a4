// Every text Parley shows exists in every language it speaks (issue 18): a key the code or a
// template names that a catalogue lacks, a key one language has and another not, or a text whose
// {{values}} differ between languages fails here, before a reader meets a raw key or an English
// sentence on a Dutch page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { flatten, LOCALES, readCatalogues, translator } from '../../src/i18n/index.ts';

const catalogues = readCatalogues();
const namespaces = Object.keys(catalogues.en!);
const PLURAL = /_(zero|one|two|few|many|other)$/;

function keysOf(lang: string): Map<string, string> {
  const all = new Map<string, string>();
  for (const ns of Object.keys(catalogues[lang] ?? {})) {
    for (const [k, v] of flatten(catalogues[lang]![ns]!)) all.set(`${ns}:${k}`, v);
  }
  return all;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.(ts|eta|js)$/.test(name) && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

test('each language has the same namespaces, keys and plural forms as English', () => {
  const english = keysOf('en');
  assert.ok(english.size > 50, 'the English catalogue is loaded');
  for (const lang of LOCALES) {
    assert.deepEqual(Object.keys(catalogues[lang] ?? {}).sort(), [...namespaces].sort(), `${lang}: namespaces`);
    const theirs = keysOf(lang);
    const missing = [...english.keys()].filter((k) => !theirs.has(k));
    const extra = [...theirs.keys()].filter((k) => !english.has(k));
    assert.deepEqual(missing, [], `${lang} lacks these keys`);
    assert.deepEqual(extra, [], `${lang} has keys English does not`);
    const empty = [...theirs].filter(([, v]) => v.trim() === '').map(([k]) => k);
    assert.deepEqual(empty, [], `${lang}: empty texts`);
  }
});

test('a text takes the same {{values}} in every language', () => {
  const names = (s: string) => [...s.matchAll(/\{\{\s*([\w.]+)/g)].map((m) => m[1]).sort();
  const english = keysOf('en');
  for (const lang of LOCALES) {
    const wrong: string[] = [];
    for (const [k, v] of keysOf(lang)) {
      const en = english.get(k);
      if (en === undefined) continue;
      // A plural form may leave out {{count}} ("one reply" / "één reactie").
      const a = names(v).filter((n) => !(PLURAL.test(k) && n === 'count'));
      const b = names(en).filter((n) => !(PLURAL.test(k) && n === 'count'));
      if (JSON.stringify([...new Set(a)]) !== JSON.stringify([...new Set(b)])) wrong.push(`${k}: ${JSON.stringify(v)} vs ${JSON.stringify(en)}`);
    }
    assert.deepEqual(wrong, [], `${lang}: values differ from English`);
  }
});

test('every key named in the code and templates exists', () => {
  const english = keysOf('en');
  const has = (key: string) => english.has(key) || [...english.keys()].some((k) => PLURAL.test(k) && k.replace(PLURAL, '') === key);
  // Literal keys: 'ns:a.b' or "ns:a.b" or `ns:a.b` for a namespace that exists.
  const literal = new RegExp(`['"\`]((?:${namespaces.join('|')}):[A-Za-z0-9_.-]+)['"\`]`, 'g');
  const missing: string[] = [];
  let found = 0;
  for (const file of sourceFiles(join(import.meta.dirname, '../../src'))) {
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(literal)) {
      const key = m[1]!;
      // A key built at run time ('community:kind.' + kind) is checked where its parts are listed.
      if (key.endsWith('.')) continue;
      found++;
      if (!has(key)) missing.push(`${file.replace(/.*\/src\//, 'src/')}: ${key}`);
    }
  }
  assert.ok(found > 30, `keys found in the sources (${found})`);
  assert.deepEqual(missing, [], 'keys without a text');
});

test('texts with values read the same through the compiled fast path as through i18next', () => {
  let compared = 0;
  for (const lang of LOCALES) {
    const { t, slow } = translator(lang);
    for (const [key, text] of keysOf('en')) {
      const base = key.replace(PLURAL, '');
      const names = [...new Set([...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]!))];
      if (!names.length && !PLURAL.test(key)) continue;
      for (const count of [0, 1, 2, 7, 1234, 1_000_000]) {
        const params: Record<string, unknown> = { count };
        // A value formatted as a number is a number; others are words.
        for (const n of names) if (n !== 'count') params[n] = new RegExp(`\\{\\{\\s*${n}\\s*,\\s*number`).test(text) ? 4321 : `‹${n}›`;
        assert.equal(t(base, params), slow!(base, params), `${lang} ${base} ${JSON.stringify(params)}`);
        compared++;
      }
    }
  }
  assert.ok(compared > 500, `compared ${compared}`);
});
