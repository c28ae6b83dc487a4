/**
 * A check of the address detector on dev material only (the held-out split is never looked at):
 * every country template of OpenCage's conf/countries/worldwide.yaml rendered with the components
 * of test cases that build.ts puts in the dev split, in sentence frames that the corpus does not use.
 * Prints the misses and the recall. (Dev recall on the corpus itself is 1.000: this shows where the
 * world's formats are still missed.)
 *
 *   node --import tsx bench/guard-corpora/address-templates.ts [--address-formatting DIR]
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { scanText } from '../../src/guard/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const argAf = process.argv.indexOf('--address-formatting');
const af = argAf > 0 ? process.argv[argAf + 1]! : join(root, '../shared/corpora/address-formatting');
const unit = (s: string) => createHash('sha256').update(s).digest().readUInt32BE(0) / 2 ** 32;
// As build.ts's splitOf and decodeEscapes (not imported: importing build.ts writes the corpora).
const splitOf = (k: string) => (unit('split:' + k) < 0.4 ? 'heldout' : 'dev');
function decodeEscapes<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/g, (_, u4: string | undefined, u8: string | undefined) => String.fromCodePoint(parseInt((u4 ?? u8)!, 16))) as T;
  if (Array.isArray(value)) return value.map(decodeEscapes) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeEscapes(v)])) as T;
  return value;
}
const pool: Record<string, string>[] = [];
for (const f of readdirSync(af + '/testcases/countries').sort()) {
  for (const d of parseAllDocuments(readFileSync(af + '/testcases/countries/' + f, 'utf8')) as any[]) {
    const o = decodeEscapes(d.toJS());
    if (!o?.components || typeof o.expected !== 'string') continue;
    const c = o.components;
    if (c.house_number === undefined || (c.road === undefined && c.postcode === undefined)) continue;
    let lines = o.expected.trim().split('\n').map((l: string) => l.trim()).filter(Boolean);
    const country = String(c.country ?? '');
    if (lines.length > 1 && lines[lines.length - 1].toLowerCase() === country.toLowerCase()) lines = lines.slice(0, -1);
    for (const k of ['attention', 'house', 'archipelago']) if (typeof c[k] === 'string') lines = lines.filter((l: string) => l !== c[k]);
    if (!lines.length) continue;
    if (splitOf('addresses:' + lines.join('|')) !== 'dev') continue; // never held-out material
    if (c.road && c.house_number && (c.city || c.town || c.village) && c.postcode) pool.push(Object.fromEntries(Object.entries(c).map(([k, v]) => [k, String(v)])));
  }
}
const ww = parse(readFileSync(af + '/conf/countries/worldwide.yaml', 'utf8'), { maxAliasCount: -1 }) as Record<string, any>;
function render(tpl: string, c: Record<string, string>): string {
  let s = tpl.replace(/\{\{\{(\w+)\}\}\}/g, (_, k) => c[k] ?? '');
  s = s.replace(/\{\{#first\}\}([\s\S]*?)\{\{\/first\}\}/g, (_, body: string) => body.split('||').map((x) => x.trim()).find((x) => x) ?? '');
  return s.split('\n').map((l) => l.replace(/\s+/g, ' ').replace(/^[\s,-]+|[\s,-]+$/g, '').replace(/(,\s*)+,/g, ',')).filter(Boolean).join('\n');
}
const FRAMES = ['we moved to {0} last year', 'Can you send a technician to {0} tomorrow morning?', 'Address: {0}', 'the customer at {0} has no signal', '{0} is the address on the contract.', 'Postal address:\n{0}\nThanks'];
let n = 0, miss = 0;
const misses: string[] = [];
for (const [cc, v] of Object.entries(ww)) {
  if (!/^[A-Z]{2}$/.test(cc) || typeof v?.address_template !== 'string') continue;
  const picks = pool.filter((_, i) => unit(cc + i) < 6 / pool.length);
  for (const c of picks) {
    const lines = render(v.address_template, { ...c, country: '', attention: '', house: '' }).split('\n');
    for (const f of [FRAMES[Math.floor(unit(cc + c.road) * 5)]!, FRAMES[5]!]) {
      const a = f.includes('\n') ? lines.join('\n') : lines.join(', ');
      const text = f.replace('{0}', a);
      const s = text.indexOf(a), e = s + a.length;
      n++;
      if (!scanText(text, {}).some((p) => p.type === 'address' && p.start < e && s < p.end)) { miss++; misses.push(cc + ' ' + JSON.stringify(text)); }
    }
  }
}
console.log(misses.join('\n'));
console.log(`pool ${pool.length} items ${n} recall ${((n - miss) / n).toFixed(3)}`);
