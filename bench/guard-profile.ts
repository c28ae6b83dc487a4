/**
 * Quick, register-free timing of scanText on typical 2 KB posts (the same mix as bench/guard.ts's
 * "typical" set, without the 1 M-customer register), for profiling the detectors:
 *   node --import tsx [--cpu-prof] bench/guard-profile.ts [--posts 500] [--rounds 5] [--documents]
 * --documents registers the corpus's eight documents (fingerprints and facts) and also reports the
 * cost of the reworded-leak (facts) lookup alone.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DocumentRegister, scanText, type ScanContext } from '../src/guard/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const num = (n: string, d: number) => (args.includes(n) ? Number(args[args.indexOf(n) + 1]) : d);
const POSTS = num('--posts', 500);
const ROUNDS = num('--rounds', 5);
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]!;
const corpus = readFileSync(join(root, 'test/fixtures/guard/corpus.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text);
// The filler sentences of bench/guard.ts (ordinary EN/NL community text).
const benchSrc = readFileSync(join(root, 'bench/guard.ts'), 'utf8');
const fillers = (name: string) => [...benchSrc.slice(benchSrc.indexOf(`const ${name}`)).split('];')[0]!.matchAll(/^\s+'(.*)',$/gm)].map((m) => m[1]!.replace(/\\'/g, "'"));
const EN = fillers('FILLER_EN');
const NL = fillers('FILLER_NL');
const posts = Array.from({ length: POSTS }, () => {
  const src = rnd() < 0.5 ? NL : EN;
  const inserts = rnd() < 0.4 ? 0 : rnd() < 0.7 ? 1 : 2;
  const at = new Set(Array.from({ length: inserts }, () => Math.floor(rnd() * 14)));
  let t = '';
  for (let i = 0; t.length < 2048; i++) t += (t ? (i % 4 === 0 ? '\n\n' : ' ') : '') + (at.has(i) ? pick(corpus) : pick(src));
  return t.slice(0, 2048);
});
const ctx: ScanContext = {};
const docs = new DocumentRegister();
if (args.includes('--documents')) {
  for (const l of readFileSync(join(root, 'test/fixtures/guard/documents.jsonl'), 'utf8').split('\n').filter(Boolean)) {
    const d = JSON.parse(l) as { id: string; text: string; label: 'confidential' | 'public' };
    docs.addDocument(d.id, d.text, d.label);
  }
  ctx.registers = { documents: docs };
}
const scan = (t: string) => scanText(t, ctx);
for (let i = 0; i < 200; i++) scan(posts[i % POSTS]!);
const best = new Array<number>(POSTS).fill(Infinity);
const t0 = performance.now();
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < POSTS; i++) {
    const a = performance.now();
    scan(posts[i]!);
    const d = performance.now() - a;
    if (d < best[i]!) best[i] = d;
  }
}
const wall = performance.now() - t0;
const sorted = [...best].sort((a, b) => a - b);
const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
const bytes = posts.reduce((n, p) => n + Buffer.byteLength(p), 0) * ROUNDS;
console.log(JSON.stringify({ posts: POSTS, rounds: ROUNDS, p50_ms: +q(0.5).toFixed(3), p99_ms: +q(0.99).toFixed(3), mb_per_s_best: +(posts.reduce((n, p) => n + Buffer.byteLength(p), 0) / 1e6 / (best.reduce((a, b) => a + b, 0) / 1000)).toFixed(1), mb_per_s_wall: +(bytes / 1e6 / (wall / 1000)).toFixed(1) }));
if (args.includes('--documents')) {
  // Min of rounds per post, as for the whole scan above: the facts lookup and the copy lookup alone.
  const bestOf = (fn: (p: string) => unknown) => {
    const b = new Array<number>(POSTS).fill(Infinity);
    for (let r = 0; r < ROUNDS; r++) for (let i = 0; i < POSTS; i++) {
      const a = performance.now();
      fn(posts[i]!);
      b[i] = Math.min(b[i]!, performance.now() - a);
    }
    return +((b.reduce((x, y) => x + y, 0) * 1000) / POSTS).toFixed(1);
  };
  const scanUs = +((best.reduce((x, y) => x + y, 0) * 1000) / POSTS).toFixed(1);
  console.log(JSON.stringify({ scan_us_per_post: scanUs, facts_us_per_post: bestOf((p) => docs.matchFacts(p)), copies_us_per_post: bestOf((p) => docs.match(p)) }));
}
