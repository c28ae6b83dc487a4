/**
 * Distinctive facts of a document: prices, percentages, dates, codes and product names. A close
 * paraphrase of a confidential memo changes its words, so word k-gram fingerprints miss it, but it
 * keeps its facts ("from 1 September the Fiber 500 plan goes up by €4; churn +1.8 %"). Two or more
 * facts of one confidential document in a text, not found in any public document, are a leak
 * (the rule); one alone is not (a price or a date is common talk).
 *
 * Each fact is normalised so that the ways people write it meet: "four euros", "€ 4,00", "4 EUR"
 * → price 4.00; "1.8 percent", "1,8%" → percentage 1.8; "11 March", "March 11th", "11-03" → date
 * 03-11; "reason code 71"/"code 71" → code 71; "FX-2291", "fx2291" → code fx2291. Product names
 * are capitalised words of the document that are neither frequent words nor first names.
 */
import { fold } from './context.ts';
import { gazetteer } from './gazetteer.ts';
import { foldedWords, NAME_SEED_B, type FoldedWords } from './words.ts';

export interface Fact {
  /** Normalised form, e.g. "price:4.00", "pct:1.8", "date:03-11", "code:fx2291", "name:nebula". */
  key: string;
  start: number;
  end: number;
}

const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20,
  thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90, hundred: 100,
  een: 1, twee: 2, drie: 3, vier: 4, vijf: 5, zes: 6, zeven: 7, acht: 8, negen: 9, tien: 10, twaalf: 12, vijftien: 15, twintig: 20, dertig: 30, veertig: 40, vijftig: 50, honderd: 100,
};
const NUM_WORD = Object.keys(NUMBER_WORDS).join('|');
/** A number as written: digits with thousands separators and a decimal part, or a number word. */
const NUM = `(?:\\d{1,3}(?:[.,\\u00a0 ]\\d{3})+(?:[.,]\\d{1,2})?|\\d+(?:[.,]\\d{1,2})?|(?:${NUM_WORD})(?:[- ](?:${NUM_WORD}))?)`;
const CUR_BEFORE = '(?:€|\\$|£|eur\\b|euro\\b|usd\\b|gbp\\b)';
const CUR_AFTER = '(?:€|euros?\\b|eur\\b|usd\\b|dollars?\\b|pounds?\\b|gbp\\b|cents?\\b|eurocent\\b)';
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTHS_NL = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];
const MONTH_ALT = [...new Set([...MONTHS, ...MONTHS_NL, ...MONTHS.map((m) => m.slice(0, 3)), 'sept'])].join('|');
const ORD = '(?:st|nd|rd|th|e|ste|de)?';
const ORDINAL_WORDS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10, fifteenth: 15, twentieth: 20, thirtieth: 30, eerste: 1 };
const DAY = `(?:\\d{1,2}${ORD}|${Object.keys(ORDINAL_WORDS).join('|')})`;

const FACT = new RegExp(
  [
    `(?<pb>${CUR_BEFORE})\\s?(?<pbn>${NUM})(?:,-)?`,
    `(?<pan>${NUM})\\s?(?<pa>${CUR_AFTER})`,
    `(?<pcn>${NUM})\\s?(?:%|percent\\b|per cent\\b|procent\\b|pct\\b)`,
    `(?<dd>${DAY})(?:\\s+of)?\\s+(?<dm>${MONTH_ALT})\\b`,
    `(?<md>${MONTH_ALT})\\s+(?:the\\s+)?(?<mdd>${DAY})\\b`,
    `(?<qn>\\d+(?:[.,]\\d+)?)\\s?(?<qu>gigabit|gbit|gbps|gb/s|megabit|mbit|mbps|mb/s|terabyte|tb|gigabyte|gb|megabyte|mb)\\b`,
    `(?<big>\\d{1,3}(?:[.,]\\d{3})+)(?![.,]?\\d)`,
    `(?<nd>\\d{1,2})[-/.](?<nm>\\d{1,2})[-/.](?:\\d{2}|\\d{4})\\b`,
    `\\b(?:code|reason code|promo code|actiecode|kortingscode)\\s*:?\\s*(?<cw>[a-z0-9][a-z0-9-]{1,15})\\b`,
    `\\b(?<code>(?=[a-z0-9-]*\\d)(?=[a-z0-9-]*[a-z])[a-z0-9]+(?:-[a-z0-9]+)*)\\b`,
  ].join('|'),
  'y',
);

/** Words that can start a fact (besides digits and currency signs): number, ordinal and month words, currency and code words. */
const TRIGGERS = new Set([
  ...Object.keys(NUMBER_WORDS),
  ...Object.keys(ORDINAL_WORDS),
  ...MONTH_ALT.split('|'),
  'eur', 'euro', 'usd', 'gbp', 'code', 'reason', 'promo', 'actiecode', 'kortingscode',
]);

function numberValue(s: string): number | undefined {
  const t = s.trim();
  if (/^[a-z]/.test(t)) {
    let v = 0;
    for (const w of t.split(/[- ]/)) {
      const n = NUMBER_WORDS[w];
      if (n === undefined) return undefined;
      v = n === 100 ? (v || 1) * 100 : v + n;
    }
    return v;
  }
  // "1.234,56" / "1,234.56" / "1 234" / "4,00" / "1.8": the last separator followed by 1–2 digits is decimal.
  const m = /^(.*?)(?:[.,](\d{1,2}))?$/.exec(t)!;
  const whole = m[1]!.replace(/[.,\u00a0 ]/g, '');
  if (!/^\d+$/.test(whole)) return undefined;
  return Number(whole) + (m[2] ? Number(m[2]) / 10 ** m[2].length : 0);
}

function dayValue(s: string): number | undefined {
  const n = ORDINAL_WORDS[s] ?? parseInt(s, 10);
  return n >= 1 && n <= 31 ? n : undefined;
}

function monthValue(s: string): number {
  const i = MONTHS.findIndex((m) => s.startsWith(m.slice(0, 3)) && m.startsWith(s.slice(0, 3)));
  if (i >= 0) return i + 1;
  const nl = MONTHS_NL.findIndex((m) => m === s);
  return nl + 1;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The facts of a text, in order. `productNames` decides which capitalised words count as product
 * names: for a document, every word that is not a frequent word or a first name; for a post, the
 * words the predicate accepts (the register's name facts, looked up by hash).
 */
export function extractFacts(text: string, productNames: 'document' | 'public' | NameLookup, folded?: string, shared?: FoldedWords): Fact[] {
  // A public document states its names anywhere (a title, a sentence start): all of them pass.
  const isPublic = productNames === 'public';
  const lookup = typeof productNames === 'object' ? productNames : undefined;
  const lower = folded ?? fold(text);
  const n = lower.length;
  const out: Fact[] = [];
  // Word tokens of the folded text (letters and digits) with their hashes, shared with the fingerprints.
  const words = shared ?? foldedWords(lower);
  const toks = words.offsets.subarray(0, 2 * words.count);
  const hashes = words.nameLow;
  // Number-bearing facts: the pattern runs only where one can start (a digit, a currency sign, a
  // trigger word), as a sticky match, instead of at every position of the text.
  let after = 0;
  const tryAt = (pos: number) => {
    if (pos < after) return;
    FACT.lastIndex = pos;
    const m = FACT.exec(lower);
    if (!m) return;
    const key = factKey(m.groups!);
    if (key) {
      out.push({ key, start: pos, end: pos + m[0].length });
      after = pos + m[0].length;
    }
  };
  for (let t = 0, sign = 0; t < toks.length; t += 2) {
    const a = toks[t]!;
    const b = toks[t + 1]!;
    // A currency sign just before this token (between the previous token and this one).
    for (; sign < a; sign++) {
      const c = lower.charCodeAt(sign);
      if (c === 0x20ac || c === 36 || c === 0xa3) tryAt(sign);
    }
    sign = b;
    // Whether the word holds a digit, and its hash (as firstWordKey), which both the trigger words
    // and the register's product names are looked up by, come from the shared tokenisation.
    const digit = words.digit[t >> 1] === 1;
    const low = hashes[t >> 1]!;
    // A code's letters may come in a word of their own before a hyphen ("fx-2291").
    if (digit && t > 0 && toks[t - 1] === a - 1 && lower.charCodeAt(a - 1) === 45) tryAt(toks[t - 2]!);
    if (digit || (TRIGGER_LOW.has(low) && TRIGGERS.has(lower.slice(a, b)))) tryAt(a);
  }
  // Product names: a capitalised word that is not a frequent word or a first name ("Nebula",
  // "SkyMax"), a capitalised word with a number ("Fiber 500") or two capitalised words ("Family
  // Bundle"), never at a sentence start, in a document; in a post any case counts ("fiber 500").
  const adjacent = (t: number) => t + 2 < toks.length && toks[t + 2]! - toks[t + 1]! === 1 && /[ \u00a0-]/.test(text[toks[t + 1]!]!);
  if (lookup) {
    for (let t = 0; t < toks.length; t += 2) {
      const a = toks[t]!;
      const b = toks[t + 1]!;
      if (b - a < 2 || !lookup.first.has(hashes[t >> 1]!)) continue;
      const w = lower.slice(a, b);
      const pair = adjacent(t) ? `${w} ${lower.slice(toks[t + 2]!, toks[t + 3]!)}` : undefined;
      if (pair && lookup.has(pair)) out.push({ key: `name:${pair}`, start: a, end: toks[t + 3]! });
      else if (b - a >= 3 && lookup.has(w)) out.push({ key: `name:${w}`, start: a, end: b });
    }
  } else {
    const g = gazetteer();
    const ordinary = (w: string) => g.common.has(w) || g.commonEn.has(w) || g.first.has(w) || g.hard.has(w) || MONTHS.includes(w) || MONTHS_NL.includes(w);
    const ordinaryDate = (w: string) => MONTHS.includes(w) || MONTHS_NL.includes(w) || /^(?:mon|tues|wednes|thurs|fri|satur|sun)day$/.test(w);
    const isCap = (a: number, b: number) => {
      const word = text.slice(a, b);
      return word[0] !== word[0]!.toLowerCase() && word !== word.toUpperCase();
    };
    const isNum = (a: number) => lower.charCodeAt(a) >= 48 && lower.charCodeAt(a) <= 57;
    for (let t = 0; t < toks.length; t += 2) {
      const a = toks[t]!;
      const b = toks[t + 1]!;
      if (isNum(a) || b - a < 3 || !isCap(a, b)) continue;
      const initial = a === 0 || /[.!?:;]\s*$|\n\s*$/.test(text.slice(Math.max(0, a - 3), a));
      if (initial && !isPublic) continue;
      const w = lower.slice(a, b);
      const na = toks[t + 2];
      const nb = toks[t + 3];
      const nw = na !== undefined ? lower.slice(na, nb) : '';
      if (adjacent(t) && (isNum(na!) || (isCap(na!, nb!) && !g.hard.has(nw))) && !g.first.has(w) && !ordinaryDate(w)) out.push({ key: `name:${w} ${nw}`, start: a, end: nb! });
      else if (!ordinary(w)) out.push({ key: `name:${w}`, start: a, end: b });
    }
  }
  out.sort((a, b) => a.start - b.start);
  return out;
}

/** What a register knows of its product names: hashes of their first words (lowHash), and whether a name is one. */
export interface NameLookup {
  first: { has(hash: number): boolean };
  has(name: string): boolean;
}

/**
 * A set of lowHash values with a bitmap of their low 18 bits in front: extractFacts asks it for every
 * word of a post, and almost every word is rejected by one bit (a Set of thousands of numbers missed
 * the CPU caches on each word). Same answers as the Set alone.
 */
export class LowHashSet {
  private readonly set = new Set<number>();
  private readonly bits = new Int32Array(1 << 13);
  add(h: number): void {
    this.set.add(h);
    this.bits[(h >>> 5) & 0x1fff]! |= 1 << (h & 31);
  }
  has(h: number): boolean {
    return (this.bits[(h >>> 5) & 0x1fff]! & (1 << (h & 31))) !== 0 && this.set.has(h);
  }
}

/** Key of a first word of a product name (stored so that a post's words are checked by hash, without building strings). */
export const firstWordKey = (w: string) => `nf:${w}`;

function factKey(g: Record<string, string | undefined>): string | undefined {
  if (g.pbn !== undefined || g.pan !== undefined) {
    const v = numberValue((g.pbn ?? g.pan)!);
    const cents = /^cent|^eurocent/.test(g.pa ?? '');
    return v === undefined ? undefined : `price:${(cents ? v / 100 : v).toFixed(2)}`;
  }
  if (g.pcn !== undefined) {
    const v = numberValue(g.pcn);
    return v === undefined ? undefined : `pct:${v}`;
  }
  if (g.qn !== undefined) {
    const unit = ({ gigabit: 'gbit', gbps: 'gbit', 'gb/s': 'gbit', megabit: 'mbit', mbps: 'mbit', 'mb/s': 'mbit', terabyte: 'tb', gigabyte: 'gb', megabyte: 'mb' } as Record<string, string>)[g.qu!] ?? g.qu!;
    return `qty:${numberValue(g.qn)}${unit}`;
  }
  if (g.big !== undefined) return `count:${g.big.replace(/[.,]/g, '')}`;
  if (g.dd !== undefined || g.md !== undefined) {
    const day = (g.dd ?? g.mdd)!;
    const d = dayValue(day in ORDINAL_WORDS ? day : day.replace(/(st|nd|rd|th|ste|de|e)$/, ''));
    return d === undefined ? undefined : `date:${pad(monthValue((g.dm ?? g.md)!))}-${pad(d)}`;
  }
  if (g.nd !== undefined) {
    const d = Number(g.nd);
    const mo = Number(g.nm);
    return d >= 1 && d <= 31 && mo >= 1 && mo <= 12 ? `date:${pad(mo)}-${pad(d)}` : undefined;
  }
  if (g.cw !== undefined) return `code:${g.cw.replace(/-/g, '')}`;
  if (g.code !== undefined) {
    // A code mixes letters and digits ("fx-2291", "q3x"), not an ordinal or a unit ("3rd", "500mb").
    const c = g.code.replace(/-/g, '');
    if (c.length >= 4 && !/^\d+(?:st|nd|rd|th|e|de|ste|x|k|m|mb|gb|kb|tb|mbit|gbit|ms|am|pm|h|km|cm|mm|kg|eur|usd)$/.test(c)) return `code:${c}`;
  }
  return undefined;
}

/** A fact's key as a 53-bit hash (stored instead of the fact itself, as fingerprints are). */
export function factHash(key: string): number {
  return streamHash(0x811c9dc5, 0x9747b28c, key, 0, key.length);
}

let seedA = 0;
let seedB = 0;
function streamHash(a: number, b: number, s: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  seedA = a;
  seedB = b;
  return ((a >>> 0) >>> 11) * 4294967296 + (b >>> 0);
}
// The hash state after "nf:" (words.ts hashes a post's words as firstWordKey(word) from this state).
streamHash(0x811c9dc5, 0x9747b28c, 'nf:', 0, 3);
if (seedB !== NAME_SEED_B) throw new Error('words.ts NAME_SEED_B does not match factHash');
void seedA;

/** Low 30 bits of factHash(key) (a small integer: cheap in a Set): what a post's words are first checked by. */
export const lowHash = (hash: number) => (hash % 4294967296) & 0x3fffffff;
const TRIGGER_LOW = new LowHashSet();
for (const w of TRIGGERS) TRIGGER_LOW.add(lowHash(factHash(firstWordKey(w))));
