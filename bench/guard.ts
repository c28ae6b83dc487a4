/**
 * Guard benchmark: 2 KB posts scanned with 1 million customer records and 1,000 confidential
 * documents registered. Reports p50/p99 ms per post, MB/s on one core, register memory.
 *
 *   node --expose-gc --import tsx bench/guard.ts [--records 1000000] [--documents 1000] [--posts 2000]
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { scanText, CustomerRegister, DocumentRegister, type GuardOptions } from '../src/guard/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const num = (name: string, d: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const RECORDS = num('--records', 1_000_000);
const DOCS = num('--documents', 1000);
const POSTS = num('--posts', 2000);
const gc = (globalThis as { gc?: () => void }).gc;
const mb = (b: number) => (b / 1048576).toFixed(1);

let s = 42;
const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
const pick = <T,>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('');

const FIRST = ['Jan', 'Sanne', 'Anouk', 'Daan', 'Femke', 'James', 'Sarah', 'Oliver', 'Emily', 'Priya', 'Mohamed', 'Fatima', 'Lars', 'Eva', 'Noah'];
const LAST = ['de Vries', 'Jansen', 'van den Berg', 'Bakker', 'Visser', 'Smith', 'Brown', 'Okafor', 'Patel', 'Nguyen', 'de Boer', 'Mulder'];
const STREETS = ['Kerkstraat', 'Dorpsstraat', 'Keizersgracht', 'Stationsweg', 'Julianalaan', 'Molenweg'];

const options: Partial<GuardOptions> = JSON.parse(readFileSync(join(root, 'test/fixtures/guard/options.json'), 'utf8'));

// ---- customer register ----
gc?.();
const rss0 = process.memoryUsage().rss;
const t0 = performance.now();
const customers = new CustomerRegister('bench-installation-secret-0123456789', { expectedRecords: RECORDS });
for (let i = 0; i < RECORDS; i++) {
  customers.addRecord({
    name: `${pick(FIRST)} ${pick(LAST)} ${i}`,
    phone: `+316${String(10000000 + (i % 89999999))}`,
    email: `customer${i}@example.nl`,
    address: `${pick(STREETS)} ${1 + (i % 300)}, ${1000 + (i % 8999)} AB Amsterdam`,
    customer_number: `KL${String(i).padStart(7, '0')}`,
  });
  if (i % 200000 === 199999) process.stderr.write(`  ${i + 1} records\r`);
}
const tImport = performance.now() - t0;
gc?.();
const rssCustomers = process.memoryUsage().rss - rss0;

// ---- document register ----
const WORDS = 'the a customer contract network fibre router price plan discount agent escalate ticket internal roadmap engineer outage billing invoice credit refund quarter launch supplier modem retention loyalty policy must never share approve manager region upgrade speed installation visit window fee waiver'.split(' ');
const docTexts: string[] = [];
const rss1 = process.memoryUsage().rss;
const documents = new DocumentRegister();
for (let d = 0; d < DOCS; d++) {
  const words = Array.from({ length: 600 }, () => pick(WORDS) + (rnd() < 0.3 ? digits(2) : ''));
  const text = words.join(' ');
  docTexts.push(text);
  documents.addDocument(`doc-${d}`, text, d % 10 === 9 ? 'public' : 'confidential');
}
gc?.();
const rssDocs = process.memoryUsage().rss - rss1;

// ---- posts: 2 KB made of corpus replies, some with copied document passages ----
const corpus = readFileSync(join(root, 'test/fixtures/guard/corpus.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text);
const posts: string[] = [];
for (let p = 0; p < POSTS; p++) {
  let t = '';
  while (t.length < 2048) {
    if (rnd() < 0.05) t += ' ' + pick(docTexts).split(' ').slice(100, 130).join(' ');
    else t += (t ? '\n\n' : '') + pick(corpus);
  }
  posts.push(t.slice(0, 2048));
}
const ctx = { registers: { customers, documents }, options };
for (let i = 0; i < 300; i++) scanText(posts[i % posts.length]!, ctx); // warm-up
const times: number[] = [];
let bytes = 0;
let findings = 0;
const tScan = performance.now();
for (const p of posts) {
  const a = performance.now();
  findings += scanText(p, ctx).length;
  times.push(performance.now() - a);
  bytes += Buffer.byteLength(p);
}
const total = performance.now() - tScan;
times.sort((a, b) => a - b);
const q = (x: number) => times[Math.min(times.length - 1, Math.floor(x * times.length))]!;
const result = {
  records: RECORDS,
  register_entries: customers.entryCount,
  register_table_mb: Number(mb(customers.byteLength)),
  register_rss_mb: Number(mb(rssCustomers)),
  import_s: Number((tImport / 1000).toFixed(1)),
  documents: DOCS,
  documents_rss_mb: Number(mb(rssDocs)),
  posts: POSTS,
  post_bytes: 2048,
  p50_ms: Number(q(0.5).toFixed(3)),
  p99_ms: Number(q(0.99).toFixed(3)),
  max_ms: Number(times[times.length - 1]!.toFixed(3)),
  mb_per_s: Number((bytes / 1048576 / (total / 1000)).toFixed(1)),
  findings_per_post: Number((findings / POSTS).toFixed(1)),
};
console.log(JSON.stringify(result, null, 2));
