/**
 * Precision / recall of the guard per finding type on a labelled JSONL corpus (overlap matching).
 *
 *   node --import tsx bench/guard-eval.ts [FILE.jsonl] [--map PHONE_NUMBER=phone,EMAIL_ADDRESS=email,...]
 *        [--options options.json] [--customers customers.jsonl] [--documents documents.jsonl] [--errors N]
 *
 * Without FILE it scores the project corpus test/fixtures/guard/corpus.jsonl with its options,
 * customer register and documents; with --heldout, the held-out corpus test/fixtures/guard/heldout.jsonl
 * (templates and values never used while tuning) with the same options, register and documents. Each line of FILE: {"text", "entities":[{"type","start","end"}]}.
 * Gold types not mapped to a guard type are ignored and listed.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanText, CustomerRegister, DocumentRegister, FINDING_TYPES, evaluate, parseJsonl, parseTypeMap, formatReport, type GuardOptions } from '../src/guard/index.ts';

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

const options: Partial<GuardOptions> = optionsFile && existsSync(optionsFile) ? JSON.parse(readFileSync(optionsFile, 'utf8')) : {};
const registers: { customers?: CustomerRegister; documents?: DocumentRegister } = {};
if (customersFile && existsSync(customersFile)) {
  const reg = new CustomerRegister('evaluation-secret-not-for-production', { defaultRegion: options.defaultRegion });
  for (const line of readFileSync(customersFile, 'utf8').split('\n')) if (line.trim()) reg.addRecord(JSON.parse(line));
  registers.customers = reg;
}
if (documentsFile && existsSync(documentsFile)) {
  const reg = new DocumentRegister();
  for (const line of readFileSync(documentsFile, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const d = JSON.parse(line) as { id: string; text: string; label: 'confidential' | 'public' };
    reg.addDocument(d.id, d.text, d.label);
  }
  registers.documents = reg;
}
const examples = parseJsonl(readFileSync(file, 'utf8'));
const scan = (t: string) => scanText(t, { registers, options });
const report = evaluate(examples, scan, { map: parseTypeMap(flag('--map')), knownTypes: FINDING_TYPES });
console.log(`corpus: ${file}`);
console.log(formatReport(report));

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
