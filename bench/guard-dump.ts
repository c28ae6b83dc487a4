/**
 * Every finding (all fields, low-confidence ones included) of the guard on its corpora, hashed:
 * a speed change must leave the hash unchanged.  node --import tsx bench/guard-dump.ts [--out FILE]
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { scanText, CustomerRegister, DocumentRegister, parseJsonl } from '../src/guard/index.ts';

const fx = 'test/fixtures/guard';
const lines = (p: string) => readFileSync(p, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const options = JSON.parse(readFileSync(join(fx, 'options.json'), 'utf8'));
const customers = new CustomerRegister('dump-secret-not-for-production', { defaultRegion: options.defaultRegion });
for (const r of lines(join(fx, 'customers.jsonl'))) customers.addRecord(r);
const documents = new DocumentRegister();
const docs = lines(join(fx, 'documents.jsonl')) as Array<{ id: string; text: string; label: 'confidential' | 'public' }>;
for (const d of docs) documents.addDocument(d.id, d.text, d.label);

const texts: string[] = [];
for (const f of ['corpus.jsonl', 'heldout.jsonl']) for (const e of parseJsonl(readFileSync(join(fx, f), 'utf8'))) texts.push(e.text);
for (const f of readdirSync(join(fx, 'independent')).sort()) for (const e of parseJsonl(readFileSync(join(fx, 'independent', f), 'utf8'))) texts.push(e.text);
// Cut-and-joined variants, document passages, and astral characters / odd spacing.
const base = texts.length;
for (let i = 0; i + 2 < base; i += 3) texts.push(`${texts[i]} ${texts[i + 1]}\n\n${texts[i + 2]}`);
for (let i = 0; i < base; i += 7) texts.push(texts[i]!.slice(Math.floor(texts[i]!.length / 3)) + ' 😀𝐀bc ' + texts[(i * 13) % base]!.slice(0, 40));
for (const d of docs) {
  const w = d.text.split(/\s+/);
  for (let s = 0; s < w.length; s += 37) texts.push(`As discussed: ${w.slice(s, s + 25).join(' ')} — thanks, 😀 Jan`);
  texts.push(d.text.toUpperCase().slice(0, 600));
}
const h = createHash('sha256');
const out: string[] = [];
for (const t of texts) {
  for (const regs of [{ customers, documents }, {}]) {
    const line = JSON.stringify(scanText(t, { registers: regs, options, includeLowConfidence: true }));
    h.update(line + '\n');
    out.push(line);
  }
}
const i = process.argv.indexOf('--out');
if (i > 0) writeFileSync(process.argv[i + 1]!, out.join('\n'));
console.log(`${texts.length} texts, ${out.length} scans, sha256 ${h.digest('hex')}`);
