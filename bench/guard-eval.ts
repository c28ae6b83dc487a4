/**
 * Precision / recall of the guard per finding type on a labelled JSONL corpus (overlap matching).
 *
 *   node --import tsx bench/guard-eval.ts [FILE.jsonl] [--map PHONE_NUMBER=phone,EMAIL_ADDRESS=email,...]
 *        [--options options.json] [--customers customers.jsonl] [--documents documents.jsonl] [--errors N]
 *
 * Without FILE it scores every source, both splits: the independent corpora in
 * test/fixtures/guard/independent/ (built by bench/guard-corpora/build.ts from material Parley did not
 * write: OpenCage address formats, faker's name lists, libphonenumber-js examples, ...; each item is
 * "dev" or "heldout" by a hash, and the held-out split is never tuned on) and the project's own corpus
 * (corpus.jsonl = dev, heldout.jsonl = held out) with its options, customer register and documents.
 * --source NAME limits it to one source, --split dev|heldout to one split.
 * Each line of FILE: {"text", "entities":[{"type","start","end"}]}.
 * Gold types not mapped to a guard type are ignored and listed.
 */
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanText, CustomerRegister, DocumentRegister, FINDING_TYPES, evaluate, parseJsonl, parseTypeMap, formatReport, type GuardOptions, type SplitExample } from '../src/guard/index.ts';

/** Bad input (a missing file, a malformed line): one message naming the file and line, exit 2, no report. */
function fail(message: string): never {
  process.stderr.write(`guard-eval: ${message}\n`);
  process.exit(2);
}
function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    fail(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}
function corpus(path: string): SplitExample[] {
  try {
    return parseJsonl(readText(path));
  } catch (err) {
    fail(`${path} ${(err as Error).message}: nothing was scored`);
  }
}
/** The JSON objects of a JSONL file (registers, documents). */
function jsonLines<T>(path: string): T[] {
  const out: T[] = [];
  readText(path).split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      fail(`${path} line ${i + 1}: not valid JSON: nothing was scored`);
    }
  });
  return out;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'test/fixtures/guard');
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const BOOLEAN_FLAGS = new Set(['--heldout']);
const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1]!.startsWith('--') && !BOOLEAN_FLAGS.has(args[i - 1]!)));
const heldout = args.includes('--heldout');
const file = positional[0] ?? join(fixtures, heldout ? 'heldout.jsonl' : 'corpus.jsonl');
const isProjectCorpus = !positional[0];
const optionsFile = flag('--options') ?? (isProjectCorpus ? join(fixtures, 'options.json') : undefined);
const customersFile = flag('--customers') ?? (isProjectCorpus ? join(fixtures, 'customers.jsonl') : undefined);
const documentsFile = flag('--documents') ?? (isProjectCorpus ? join(fixtures, 'documents.jsonl') : undefined);
const showErrors = Number(flag('--errors') ?? 0);

let options: Partial<GuardOptions> = {};
if (optionsFile && existsSync(optionsFile)) {
  try {
    options = JSON.parse(readText(optionsFile)) as Partial<GuardOptions>;
  } catch {
    fail(`${optionsFile} is not valid JSON: nothing was scored`);
  }
}
const registers: { customers?: CustomerRegister; documents?: DocumentRegister } = {};
if (customersFile && existsSync(customersFile)) {
  const reg = new CustomerRegister('evaluation-secret-not-for-production', { defaultRegion: options.defaultRegion });
  for (const record of jsonLines<Parameters<CustomerRegister['addRecord']>[0]>(customersFile)) reg.addRecord(record);
  registers.customers = reg;
}
if (documentsFile && existsSync(documentsFile)) {
  const reg = new DocumentRegister();
  jsonLines<{ id?: unknown; text?: unknown; label?: unknown }>(documentsFile).forEach((d, i) => {
    if (typeof d.id !== 'string' || typeof d.text !== 'string' || (d.label !== 'confidential' && d.label !== 'public')) fail(`${documentsFile} document ${i + 1} needs "id", "text" and "label" (confidential or public): nothing was scored`);
    reg.addDocument(d.id, d.text, d.label);
  });
  registers.documents = reg;
}
const scan = (t: string) => scanText(t, { registers, options });
let examples = positional[0] || heldout ? corpus(file) : [];
if (positional[0] || heldout) {
  const report = evaluate(examples, scan, { map: parseTypeMap(flag('--map')), knownTypes: FINDING_TYPES });
  console.log(`corpus: ${file}`);
  console.log(formatReport(report));
} else {
  // Every source, both splits.
  const onlySource = flag('--source');
  const onlySplit = flag('--split');
  const indepDir = join(fixtures, 'independent');
  const sources = new Map<string, SplitExample[]>();
  sources.set('own', [...corpus(join(fixtures, 'corpus.jsonl')).map((e) => ({ ...e, split: 'dev' })), ...corpus(join(fixtures, 'heldout.jsonl')).map((e) => ({ ...e, split: 'heldout' }))]);
  if (existsSync(indepDir)) for (const f of readdirSync(indepDir).filter((x) => x.endsWith('.jsonl')).sort()) sources.set(f.replace(/\.jsonl$/, ''), corpus(join(indepDir, f)));
  // Predictions of these types are scored everywhere (the negatives source labels nothing).
  const scored = ['person', 'address', 'phone', 'email', 'iban', 'card'];
  const rows: string[] = [];
  const f3 = (x: number) => x.toFixed(3);
  const header = `${'source'.padEnd(12)} ${'split'.padEnd(8)} ${'type'.padEnd(22)} ${'gold'.padStart(5)} ${'pred'.padStart(5)} ${'precision'.padStart(9)} ${'recall'.padStart(7)}`;
  for (const split of ['dev', 'heldout']) {
    if (onlySplit && split !== onlySplit) continue;
    const all: SplitExample[] = [];
    for (const [name, exs] of sources) {
      if (onlySource && name !== onlySource) continue;
      const part = exs.filter((e) => e.split === split);
      if (name !== 'own') all.push(...part);
      const r = evaluate(part, scan, { knownTypes: FINDING_TYPES, scoredTypes: name === 'negatives' ? scored : [] });
      for (const t of r.perType) if (t.gold || t.predicted) rows.push(`${name.padEnd(12)} ${split.padEnd(8)} ${t.type.padEnd(22)} ${String(t.gold).padStart(5)} ${String(t.predicted).padStart(5)} ${f3(t.precision).padStart(9)} ${f3(t.recall).padStart(7)}`);
    }
    if (all.length) {
      // All independent sources together: a type's precision also counts its false positives in the other sources.
      const r = evaluate(all, scan, { knownTypes: FINDING_TYPES, scoredTypes: scored });
      for (const t of r.perType) rows.push(`${'INDEPENDENT'.padEnd(12)} ${split.padEnd(8)} ${t.type.padEnd(22)} ${String(t.gold).padStart(5)} ${String(t.predicted).padStart(5)} ${f3(t.precision).padStart(9)} ${f3(t.recall).padStart(7)}`);
    }
    // --errors shows the selected source's items, or all independent ones.
    examples = examples.concat(onlySource ? (sources.get(onlySource) ?? []).filter((e) => e.split === split) : all);
  }
  console.log(header);
  console.log(rows.join('\n'));
}

if (showErrors > 0) {
  let shown = 0;
  for (const ex of examples) {
    const pred = scan(ex.text);
    const fn = ex.entities.filter((g) => !pred.some((p) => p.type === g.type && p.start < g.end && g.start < p.end));
    const fp = pred.filter((p) => !ex.entities.some((g) => g.type === p.type && p.start < g.end && g.start < p.end));
    if (!fn.length && !fp.length) continue;
    console.log('\n' + JSON.stringify(ex.text));
    for (const g of fn) console.log(`  MISSED ${g.type}: ${JSON.stringify(ex.text.slice(g.start, g.end))}`);
    for (const p of fp) console.log(`  FALSE  ${p.type} ${p.confidence}: ${JSON.stringify(ex.text.slice(p.start, p.end))} (${p.reason})`);
    if (++shown >= showErrors) break;
  }
}
