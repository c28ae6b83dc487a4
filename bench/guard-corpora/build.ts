/**
 * Builds the guard's independent evaluation corpora (test/fixtures/guard/independent/*.jsonl) from
 * material Parley did not write:
 *  - addresses: OpenCage address-formatting test cases (../shared/corpora/address-formatting, MIT):
 *    each case's expected formatted address (the country's own format) put into a sentence;
 *  - names: @faker-js/faker's per-locale first and last name lists (70 locales, many scripts);
 *  - phones: libphonenumber-js's example mobile number of every region, varied and written the
 *    ways people write numbers (international, national, E.164, extensions, full-width, glued);
 *  - cards, IBANs, e-mails: faker's generators (issuers, countries, locales), internationalised domains;
 *  - negatives: companies named after people (faker), street names without house numbers (OpenCage),
 *    social security numbers, dates, years: nothing in them is customer data.
 * Every item gets a split by a hash of its text: "heldout" (about 40 %) is never looked at while
 * tuning. The sentence frames are split too: a held-out item only uses frames that dev items never use.
 *
 *   node --import tsx bench/guard-corpora/build.ts [--address-formatting DIR]
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, domainToASCII } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { allFakers, type Faker } from '@faker-js/faker';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import examples from 'libphonenumber-js/examples.mobile.json';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const out = join(root, 'test/fixtures/guard/independent');
const argAf = process.argv.indexOf('--address-formatting');
const afDir = argAf > 0 ? process.argv[argAf + 1]! : join(root, '../shared/corpora/address-formatting');

interface Entity {
  type: string;
  start: number;
  end: number;
}
interface Item {
  id: string;
  split: 'dev' | 'heldout';
  text: string;
  entities: Entity[];
}

/** 0..1 from a hash of a string: the split of an item and the choices made for it are fixed by its content. */
function unit(s: string): number {
  return createHash('sha256').update(s).digest().readUInt32BE(0) / 2 ** 32;
}
export function splitOf(key: string): 'dev' | 'heldout' {
  return unit('split:' + key) < 0.4 ? 'heldout' : 'dev';
}

/** A frame: text with {0}, {1}, ... slots; each slot's value is labelled with the type given. */
type Frame = string;
/** Frames whose index % 3 === 2 are held out: only held-out items use them. */
function pickFrame(frames: Frame[], split: 'dev' | 'heldout', key: string): Frame {
  const pool = frames.filter((_, i) => (i % 3 === 2) === (split === 'heldout'));
  return pool[Math.floor(unit('frame:' + key) * pool.length)]!;
}
function fill(frame: Frame, values: string[], type: string | string[]): { text: string; entities: Entity[] } {
  let text = '';
  const entities: Entity[] = [];
  let last = 0;
  const re = /\{(\d)\}/g;
  for (let m = re.exec(frame); m; m = re.exec(frame)) {
    text += frame.slice(last, m.index);
    const i = Number(m[1]);
    const v = values[i]!;
    const t = Array.isArray(type) ? type[i]! : type;
    if (t !== '-') entities.push({ type: t, start: text.length, end: text.length + v.length });
    text += v;
    last = m.index + m[0].length;
  }
  text += frame.slice(last);
  return { text, entities };
}

const items = new Map<string, Item[]>();
function add(source: string, key: string, make: (split: 'dev' | 'heldout') => { text: string; entities: Entity[] } | null): void {
  const split = splitOf(source + ':' + key);
  const r = make(split);
  if (!r) return;
  let list = items.get(source);
  if (!list) items.set(source, (list = []));
  list.push({ id: `${source}-${list.length + 1}`, split, ...r });
}

// ---------------------------------------------------------------- addresses (OpenCage test cases)
const ADDRESS_FRAMES: Frame[] = [
  'Please send the replacement router to {0}.',
  'Customer lives at {0}, can someone check the coverage there?',
  'Ship it to {0} please, the old address is no longer valid.',
  'New delivery address:\n{0}',
  'The engineer could not find {0} yesterday.',
  'Moved last month to {0} and the bill still goes to the old place.',
  'Her billing address is {0}; please update it.',
  '{0}\nThat is where the parcel should go.',
  'Technician visit planned at {0} on Friday.',
];
/**
 * Some test cases write non-ASCII letters as `\u0161` in plain (unquoted) YAML scalars, where YAML
 * keeps the backslash literally: the text must carry the letter ("Adutiškio g."), not the escape.
 */
export function decodeEscapes<T>(value: T): T {
  if (typeof value === 'string')
    return value.replace(/\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/g, (_, u4: string | undefined, u8: string | undefined) => String.fromCodePoint(parseInt((u4 ?? u8)!, 16))) as T;
  if (Array.isArray(value)) return value.map(decodeEscapes) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeEscapes(v)])) as T;
  return value;
}

const roads: Array<{ road: string; cc: string }> = [];
if (existsSync(join(afDir, 'testcases/countries'))) {
  for (const f of readdirSync(join(afDir, 'testcases/countries')).sort()) {
    const cc = f.replace(/\.yaml$/, '');
    const docs = parseAllDocuments(readFileSync(join(afDir, 'testcases/countries', f), 'utf8'));
    for (const d of Array.isArray(docs) ? docs : []) {
      const o = decodeEscapes(d.toJS()) as { components?: Record<string, unknown>; expected?: string } | null;
      if (!o?.components || typeof o.expected !== 'string') continue;
      const c = o.components;
      if (typeof c.road === 'string') roads.push({ road: c.road, cc });
      // A personal address needs a house number and a street (or a PO box style first line).
      if (c.house_number === undefined || (c.road === undefined && c.postcode === undefined)) continue;
      let lines = o.expected.trim().split('\n').map((l) => l.trim()).filter(Boolean);
      // Drop the country line and lines that only name a place of business (an attention line).
      const country = String(c.country ?? '');
      if (lines.length > 1 && (lines[lines.length - 1] === country || /^[\p{Lu}\s]+$/u.test(lines[lines.length - 1]!) && lines[lines.length - 1]!.toLowerCase() === country.toLowerCase())) lines = lines.slice(0, -1);
      for (const k of ['attention', 'house', 'archipelago']) {
        const v = c[k];
        if (typeof v === 'string') lines = lines.filter((l) => l !== v);
      }
      if (!lines.length) continue;
      const key = lines.join('|');
      // Two sentences per address (the split follows the address, so both land on the same side).
      for (const variant of ['a', 'b']) {
        add('addresses', key, (split) => {
          const frame = pickFrame(ADDRESS_FRAMES, split, key + variant);
          const joined = frame.includes('\n') ? lines.join('\n') : lines.join(', ');
          return fill(frame, [joined], 'address');
        });
      }
    }
  }
}

// ---------------------------------------------------------------- names (faker locales)
const LOCALES = Object.keys(allFakers).filter((l) => l !== 'base' && l !== 'en_BORK' && l !== 'en_AU_ocker');
const NAME_FRAMES: Frame[] = [
  'follow up with {0} about the refund',
  "I'm {0}, my order never arrived.",
  "{0}'s customer number is in the ticket.",
  'Customer {0} called about the invoice twice.',
  'can you call {0} back tomorrow',
  'Hi, this is {0} again, still no internet.',
  'Please ask {0} to restart the modem.',
  'my name is {0} and I need help with my contract',
  'The account belongs to {0}.',
  '{0} wrote to us yesterday about the outage.',
  'Spoke with {0} this morning, she will send the form.',
  'Contact: {0}',
];
const LIST_FRAMES: Frame[] = [
  'They had 3 people on the contract: {0}, {1} and {2}.',
  'The family members {0}, {1}, {2} all use the shared plan.',
  'Invited: {0}, {1}, {2}',
  'Users on this account: {0}, {1} and {2}',
  'the kids ({0}, {1}, {2}) each have a sim card',
  'We added {0}, {1} and {2} to the bundle.',
];
function nameCase(split: string, key: string, s: string, fk: Faker): string {
  const u = unit('case:' + key);
  if (u < 0.25 && s.toLowerCase() !== s) return s.toLowerCase();
  void fk;
  return s;
}
for (const loc of LOCALES) {
  const fk = allFakers[loc as keyof typeof allFakers] as Faker;
  fk.seed(Math.floor(unit('seed:' + loc) * 1e9));
  for (let i = 0; i < 14; i++) {
    let first: string, last: string;
    try {
      first = fk.person.firstName();
      last = fk.person.lastName();
    } catch {
      break;
    }
    // Scripts written without spaces between names (Chinese, Japanese, Korean) keep their own order.
    const cjk = /^(?:zh|ja|ko)/.test(loc);
    const full = cjk ? last + first : i % 4 === 3 ? `${first} ${fk.person.lastName()}-${last}`.replace(/-.*$/, '') + ` ${last}` : `${first} ${last}`;
    const key = `${loc}:${full}`;
    add('names', key, (split) => fill(pickFrame(NAME_FRAMES, split, key), [nameCase(split, key, full, fk)], 'person'));
  }
  for (let i = 0; i < 4; i++) {
    let ns: string[];
    try {
      ns = [fk.person.firstName(), fk.person.firstName(), fk.person.firstName()];
    } catch {
      break;
    }
    const key = `${loc}:list:${ns.join(',')}`;
    add('names', key, (split) => fill(pickFrame(LIST_FRAMES, split, key), ns, 'person'));
  }
}

// ---------------------------------------------------------------- phones (libphonenumber-js examples)
const PHONE_FRAMES: Frame[] = [
  'call me on {0}',
  'Desk: {0}',
  'my mobile is {0}, after 6 pm please',
  'You can reach her at {0}.',
  'Hi call{0} when you can',
  'Tel. {0} (mobile)',
  'whatsapp {0}',
  'number: {0} ask for the manager',
  'He left {0} as a callback number.',
];
const FULLWIDTH = (s: string) => s.replace(/[0-9+()]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
for (const [region, example] of Object.entries(examples as Record<string, string>).sort()) {
  const variants: string[] = [example];
  // Vary the last digits; keep the valid ones (same region and type of number).
  for (let k = 0; k < 30 && variants.length < 4; k++) {
    const tail = String(Math.floor(unit(`tail:${region}:${k}`) * 10000)).padStart(4, '0');
    const v = example.slice(0, -4) + tail;
    const p = parsePhoneNumberFromString(v, region as CountryCode);
    if (p?.isValid() && !variants.includes(v)) variants.push(v);
  }
  variants.forEach((nat, i) => {
    const p = parsePhoneNumberFromString(nat, region as CountryCode);
    if (!p?.isValid()) return;
    const styles = [
      p.formatInternational(),
      p.formatNational(),
      p.number,
      p.formatInternational().replace(/ /g, '-') + 'x' + String(10 + Math.floor(unit('ext:' + nat) * 9000)),
      FULLWIDTH(p.formatInternational()),
      p.formatNational().replace(/\D/g, ''),
      p.formatInternational().replace(/ /g, '.'),
      '00' + p.number.slice(1),
    ];
    const style = styles[(i * 3 + Math.floor(unit('style:' + region + i) * styles.length)) % styles.length]!;
    const key = `${region}:${style}`;
    add('phones', key, (split) => fill(pickFrame(PHONE_FRAMES, split, key), [style], 'phone'));
  });
}

// ---------------------------------------------------------------- cards, IBANs, e-mails (faker)
const CARD_FRAMES: Frame[] = [
  'card number {0} was charged twice',
  'I paid with {0}, exp 04/27',
  'Visa {0}',
  'the refund should go back to {0}',
  'Charged on {0} yesterday.',
  'cc: {0}',
];
const MULTI_CARD_FRAMES: Frame[] = ['{0} {1}', 'cards on file: {0}, {1}', 'old card {0} and new card {1}', '{0} / {1} / {2}', 'tried {0} then {1} then {2}', 'both {0} and {1} were declined'];
const ISSUERS = ['visa', 'mastercard', 'amex', 'discover', 'diners_club', 'jcb', 'maestro', 'unionpay', 'laser', 'instapayment'];
const fkEn = allFakers.en;
fkEn.seed(16);
function cardText(issuer: string, k: number): string {
  let n: string;
  try {
    n = fkEn.finance.creditCardNumber(issuer);
  } catch {
    n = fkEn.finance.creditCardNumber();
  }
  const digits = n.replace(/\D/g, '');
  const style = k % 4;
  if (style === 0) return digits;
  if (style === 1) return n;
  if (style === 2) return digits.replace(/(\d{4})(?=\d)/g, '$1 ');
  return digits.replace(/(\d{4})(?=\d)/g, '$1-');
}
for (let i = 0; i < 300; i++) {
  const issuer = ISSUERS[i % ISSUERS.length]!;
  const c = cardText(issuer, i);
  const key = `card:${c}`;
  add('cards', key, (split) => fill(pickFrame(CARD_FRAMES, split, key), [c], 'card'));
}
for (let i = 0; i < 90; i++) {
  const cs = [cardText(ISSUERS[i % ISSUERS.length]!, i), cardText(ISSUERS[(i + 3) % ISSUERS.length]!, i + 1), cardText(ISSUERS[(i + 5) % ISSUERS.length]!, i + 2)];
  const key = `cards:${cs.join(',')}`;
  add('cards', key, (split) => fill(pickFrame(MULTI_CARD_FRAMES, split, key), cs, 'card'));
}
// The same card written twice on a line, once with dashes and once with spaces.
for (let i = 0; i < 30; i++) {
  const d = cardText('visa', 0);
  const a = d.replace(/(\d{4})(?=\d)/g, '$1-');
  const b = d.replace(/(\d{4})(?=\d)/g, '$1 ');
  add('cards', `twice:${d}`, () => fill('{0} {1}', [a, b], 'card'));
}
const IBAN_FRAMES: Frame[] = ['Please refund to {0}', 'IBAN: {0}', 'my account {0} was debited twice', 'refund to {0} asap', 'rekening {0} graag', 'direct debit from {0} failed'];
for (let i = 0; i < 300; i++) {
  const formatted = i % 2 === 0;
  const iban = fkEn.finance.iban({ formatted });
  const v = i % 5 === 4 ? iban.toLowerCase() : iban;
  const key = `iban:${v}`;
  add('ibans', key, (split) => fill(pickFrame(IBAN_FRAMES, split, key), [v], 'iban'));
}
const EMAIL_FRAMES: Frame[] = ['mail me at {0}', 'e-mail: {0}', 'send it to {0} please', '<{0}>', 'contact {0} for the invoice', 'Reply-To: {0}'];
const IDN_DOMAINS = ['пример.рф', 'münchen.de', 'exämple.com', 'δοκιμή.gr', '例え.jp', 'bücher.ch', 'xn--d1acufc.xn--p1ai', 'עברית.il', 'домен.укр', 'ñandú.es'];
for (const loc of LOCALES) {
  const fk = allFakers[loc as keyof typeof allFakers] as Faker;
  for (let i = 0; i < 5; i++) {
    let e: string;
    try {
      e = fk.internet.email();
    } catch {
      break;
    }
    if (i === 3) e = e.replace(/@.*$/, '@' + IDN_DOMAINS[Math.floor(unit('idn:' + e) * IDN_DOMAINS.length)]!);
    if (i === 4) e = e.replace(/@.*$/, '@' + domainToASCII(IDN_DOMAINS[Math.floor(unit('idn:' + e) * IDN_DOMAINS.length)]!));
    const key = `email:${e}`;
    add('emails', key, (split) => fill(pickFrame(EMAIL_FRAMES, split, key), [e], 'email'));
  }
}

// ---------------------------------------------------------------- negatives (nothing to find)
const COMPANY_FRAMES: Frame[] = [
  'We switched our supplier to {0} last year.',
  'The invoice from {0} is attached.',
  'Does {0} offer fiber in this area?',
  '{0} announced a new price list.',
  'Our contact at {0} never answered.',
  'Is anyone else a customer of {0}?',
];
const ROAD_FRAMES: Frame[] = [
  'The shop on {0} is closed for renovation.',
  'Roadworks on {0} cut the cable again.',
  'Is there coverage along {0}?',
  'The mast near {0} was removed.',
  'Traffic on {0} is terrible today.',
  'The new store opens on {0} next month.',
];
const OTHER_NEGATIVES = [
  'My SSN is not something I will post here, the form asked for 054-28-6917 style numbers.',
  'The contract started on 03/27/2011 and the router is from 11/02/2019.',
  'During 1971 the exchange was rebuilt.',
  'Order 2024-118-4471 shipped on 2024-05-17.',
  'Firmware 10.2.1.4471 fixed the bug; build 20240517.3.',
  'Tracking code 1Z999AA10123456784 shows it in transit.',
  'Ticket #4471002 was closed on 12.03.2024.',
  'The speed test gave 943.21 Mbit/s down, 112.4 up, ping 4 ms.',
  'The tax ID 123-45-6789 format is just an example from the documentation.',
  'I paid 1,234.56 EUR on 2023/11/05 for 24 months.',
];
for (const loc of LOCALES) {
  const fk = allFakers[loc as keyof typeof allFakers] as Faker;
  for (let i = 0; i < 3; i++) {
    let c: string;
    try {
      c = fk.company.name();
    } catch {
      break;
    }
    const key = `company:${loc}:${c}`;
    add('negatives', key, (split) => fill(pickFrame(COMPANY_FRAMES, split, key), [c], '-'));
  }
}
for (let i = 0; i < roads.length; i += 3) {
  const r = roads[i]!;
  if (/\d/.test(r.road)) continue;
  const key = `road:${r.cc}:${r.road}`;
  add('negatives', key, (split) => fill(pickFrame(ROAD_FRAMES, split, key), [r.road], '-'));
}
for (const t of OTHER_NEGATIVES) add('negatives', t, () => ({ text: t, entities: [] }));
for (let i = 0; i < 60; i++) {
  const ssn = `${String(100 + Math.floor(unit('ssn-a' + i) * 799)).padStart(3, '0')}-${String(10 + Math.floor(unit('ssn-b' + i) * 89))}-${String(1000 + Math.floor(unit('ssn-c' + i) * 8999))}`;
  const d = `${String(1 + Math.floor(unit('d-m' + i) * 12)).padStart(2, '0')}/${String(1 + Math.floor(unit('d-d' + i) * 28)).padStart(2, '0')}/${1990 + Math.floor(unit('d-y' + i) * 35)}`;
  add('negatives', `ssn:${ssn}`, () => ({ text: i % 2 ? `SSN: ${ssn}` : `social security number ${ssn} was rejected by the form`, entities: [] }));
  add('negatives', `date:${d}`, () => ({ text: i % 2 ? `Since ${d} the line drops every evening.` : `Invoice date ${d}, due in 14 days.`, entities: [] }));
}

mkdirSync(out, { recursive: true });
for (const [source, list] of items) {
  writeFileSync(join(out, `${source}.jsonl`), list.map((x) => JSON.stringify(x)).join('\n') + '\n');
  const h = list.filter((x) => x.split === 'heldout').length;
  console.log(`${source}: ${list.length} items (${h} held out)`);
}
