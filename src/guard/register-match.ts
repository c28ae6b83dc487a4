/**
 * Turning register hits into findings.
 *  - Customer register: candidate values in the post (e-mails, phones as E.164, numbers,
 *    IBANs, addresses, capitalised name sequences) are normalised, hashed and looked up.
 *    One field of a record → a customer_record finding of moderate confidence (strong
 *    identifiers higher than names); two or more fields of the same record → high confidence.
 *  - Document register: regions copied from confidential documents.
 */
import type { Finding } from './types.ts';
import { digitRuns, windows, windowsWhere, execIn, eachWindow, isUpperCaseCode, type ScanState } from './spans.ts';
import type { CustomerRegister, CustomerField } from './customer-register.ts';
import { normaliseName, normaliseEmail, normaliseCustomerNumber, normaliseIban, normaliseAddress } from './customer-register.ts';
import type { DocumentRegister } from './fingerprint.ts';
import { capWords, scanWords } from './words.ts';
import type { PhoneMatch } from './detectors/phone.ts';

const SINGLE_CONFIDENCE: Record<CustomerField, number> = { phone: 0.8, email: 0.85, iban: 0.9, customer_number: 0.85, address: 0.75, name: 0.6 };

const NUMBER_TOKEN = /(?<![\p{L}\p{N}])[A-Za-z]{0,4}[-\s]?\d[\dA-Za-z./-]{3,20}(?![\p{L}\p{N}])/gu;

const isTokenUnit = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 47 || c === 45;
/**
 * The windows NUMBER_TOKEN searches: around the digit runs that start a digit and three more token units
 * ("480 Mbit", "5 GHz", "channel 36" do not). A match's first digit always starts a digit run (only
 * letters and a separator may come before it, after no letter or digit).
 */
const numberTokenWindows = (text: string, runs: readonly number[]) =>
  windowsWhere(text, runs, 6, 22, (d) => isTokenUnit(text.charCodeAt(d + 1)) && isTokenUnit(text.charCodeAt(d + 2)) && isTokenUnit(text.charCodeAt(d + 3)) && isTokenUnit(text.charCodeAt(d)));
export const __numberTokens = { NUMBER_TOKEN, numberTokenWindows };
export const __nameRuns = () => ({ NAME_RUN, NAME_RUN_AT, execAtCapitals });

interface Hit {
  start: number;
  end: number;
  field: CustomerField;
  records: number[];
}

const NAME_RUN = /\p{Lu}(?:[\p{Ll}'’]|\p{Lu}(?=\p{Ll}))*\p{Ll}(?:-\p{Lu}?[\p{Ll}'’]+)*(?:\s+(?:(?:van|de|der|den|ten|ter|te|von|'t)\s+)*\p{Lu}(?:[\p{Ll}'’]|\p{Lu}(?=\p{Ll}))*\p{Ll}(?:-\p{Lu}?[\p{Ll}'’]+)*)+/gu;
const NAME_RUN_AT = new RegExp(NAME_RUN.source, 'uy');
/**
 * execIn(NAME_RUN, …) with its sticky copy tried only where a match can begin: NAME_RUN has no lookbehind
 * and begins with \p{Lu}, so at an upper-case unit, or a high surrogate (an astral capital). A global
 * search tries every position; the first match at or after a position is the same either way.
 */
function execAtCapitals(sticky: RegExp, text: string, wins: readonly number[]): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  eachWindow(text, wins, (sub, s) => {
    const n = sub.length;
    for (let p = 0; p < n; ) {
      const c = sub.charCodeAt(p);
      if (!isUpperCaseCode(c) && !(c >= 0xd800 && c <= 0xdbff)) {
        p++;
        continue;
      }
      sticky.lastIndex = p;
      const m = sticky.exec(sub);
      if (!m) {
        p++;
        continue;
      }
      p += m[0].length;
      if (s) m.index += s;
      out.push(m);
    }
  });
  return out;
}
const PARTICLE_GAP = /^\s+(?:(?:van|de|der|den|ten|ter|te|von|'t)\s+)*$/;
const UPPER_START = /^\p{Lu}/u;
const NON_SPACE = /\S+/g;
/** value.replace(/['’]s$/, ''), without a regular expression per name candidate. */
function withoutPossessive(v: string): string {
  const n = v.length;
  if (n >= 2 && v.charCodeAt(n - 1) === 115) {
    const c = v.charCodeAt(n - 2);
    if (c === 39 || c === 0x2019) return v.slice(0, n - 2);
  }
  return v;
}

/**
 * Capitalised word sequences (with Dutch particles inside) and their 2–4-word sub-sequences.
 * The run pattern only runs on windows around two capitalised words in a row (anchor pre-filter).
 */
function nameCandidates(st: ScanState): Array<{ start: number; end: number; value: string }> {
  const text = st.text;
  const out: Array<{ start: number; end: number; value: string }> = [];
  const caps = capWords(st);
  const pairs: number[] = [];
  for (let i = 0; i + 3 < caps.length; i += 2) {
    const e = caps[i + 1]!;
    const s2 = caps[i + 2]!;
    if (s2 - e > 40) continue;
    const gap = s2 - e === 1 ? text[e]! : text.slice(e, s2);
    if (gap === ' ' || PARTICLE_GAP.test(gap)) pairs.push(caps[i]!, caps[i + 3]!);
  }
  if (pairs.length === 0) return out;
  for (const m of execAtCapitals(NAME_RUN_AT, text, windows(text, pairs, 0, 40))) {
    // word boundaries of the run
    const words: Array<[number, number, boolean]> = [];
    NON_SPACE.lastIndex = 0;
    for (let w = NON_SPACE.exec(m[0]); w; w = NON_SPACE.exec(m[0])) words.push([m.index + w.index, m.index + w.index + w[0].length, UPPER_START.test(w[0])]);
    for (let i = 0; i < words.length; i++) {
      if (!words[i]![2]) continue;
      for (let j = i + 1; j < Math.min(words.length, i + 5); j++) {
        if (!words[j]![2]) continue;
        const s = words[i]![0];
        const e = words[j]![1];
        out.push({ start: s, end: e, value: text.slice(s, e) });
      }
    }
  }
  return out;
}

export function matchCustomers(st: ScanState, reg: CustomerRegister, phones: PhoneMatch[]): Finding[] {
  const { text } = st;
  const hits: Hit[] = [];
  const look = (field: CustomerField, start: number, end: number, normalised: string) => {
    const records = reg.lookupNormalised(field, normalised);
    if (records.length) hits.push({ start, end, field, records });
  };
  for (const f of st.findings) {
    const v = text.slice(f.start, f.end);
    if (f.type === 'email') look('email', f.start, f.end, normaliseEmail(v));
    else if (f.type === 'iban') look('iban', f.start, f.end, normaliseIban(v));
    else if (f.type === 'address') for (const k of normaliseAddress(v)) look('address', f.start, f.end, k);
  }
  for (const p of phones) look('phone', p.start, p.end, p.e164);
  // Any number-like token can be a customer number of a real customer.
  const seenNum = new Set<string>();
  const numbers = reg.holds('customer_number') ? execIn(NUMBER_TOKEN, text, numberTokenWindows(text, digitRuns(st))) : [];
  for (const m of numbers) {
    let raw = m[0].replace(/[./-]+$/, '');
    let start = m.index;
    const n = normaliseCustomerNumber(raw);
    if (n.length < 4 || seenNum.has(n)) continue;
    seenNum.add(n);
    look('customer_number', start, start + raw.length, n);
    // also without a leading prefix word split by a space ("KL 4821937" vs "4821937")
    const sp = raw.search(/\s/);
    if (sp > 0) {
      raw = raw.slice(sp + 1);
      start += sp + 1;
      const n2 = normaliseCustomerNumber(raw);
      if (n2.length >= 4 && !seenNum.has(n2)) {
        seenNum.add(n2);
        look('customer_number', start, start + raw.length, n2);
      }
    }
  }
  const seenName = new Set<string>();
  if (reg.holds('name')) {
    // Capitalised runs, and the person model's name-like spans in any case ("vera brouwer").
    const cands = nameCandidates(st);
    const spans = st.nameSpans ?? [];
    for (let i = 0; i < spans.length; i += 2) {
      const s = spans[i]!;
      const e = spans[i + 1]!;
      const words: Array<[number, number]> = [];
      const sub = text.slice(s, e);
      NON_SPACE.lastIndex = 0;
      for (let w = NON_SPACE.exec(sub); w; w = NON_SPACE.exec(sub)) words.push([s + w.index, s + w.index + w[0].length]);
      for (let a = 0; a < words.length; a++) for (let b = a + 1; b < Math.min(words.length, a + 4); b++) cands.push({ start: words[a]![0], end: words[b]![1], value: text.slice(words[a]![0], words[b]![1]) });
    }
    // The same value comes from the capitalised runs and the person model's spans alike: normalised once
    // (a value seen before gave a name already seen, or one without a space: skipped either way).
    const seenValue = new Set<string>();
    for (const c of cands) {
      if (seenValue.has(c.value)) continue;
      seenValue.add(c.value);
      const n = normaliseName(withoutPossessive(c.value));
      if (!n.includes(' ') || seenName.has(n)) continue;
      seenName.add(n);
      // Any order of the words ("Jansen Jan", "de Vries Jan"): every rotation (of at most four) is looked
      // up. Rotation r starts after the r-th space: n.split(' ') rotated and joined, without the arrays.
      for (let r = 0, at = 0; r < 4; r++) {
        const rot = r === 0 ? n : n.slice(at) + ' ' + n.slice(0, at - 1);
        const before = hits.length;
        look('name', c.start, c.end, rot);
        if (hits.length > before) break;
        at = n.indexOf(' ', at) + 1;
        if (at === 0) break;
      }
    }
  }
  if (hits.length === 0) return [];
  // Corroboration: distinct fields per record.
  const fieldsByRecord = new Map<number, Set<CustomerField>>();
  for (const h of hits) for (const r of h.records) {
    let s = fieldsByRecord.get(r);
    if (!s) fieldsByRecord.set(r, (s = new Set()));
    s.add(h.field);
  }
  const out: Finding[] = [];
  for (const h of hits) {
    let best = 0;
    let fields: Set<CustomerField> | undefined;
    for (const r of h.records) {
      const s = fieldsByRecord.get(r)!;
      if (s.size > best) {
        best = s.size;
        fields = s;
      }
    }
    const corroborated = best >= 2;
    const conf = corroborated ? Math.min(0.99, 0.9 + 0.03 * (best - 2)) : SINGLE_CONFIDENCE[h.field];
    const fieldName = h.field.replace('_', ' ');
    out.push({
      type: 'customer_record',
      start: h.start,
      end: h.end,
      confidence: conf,
      reason: corroborated
        ? `${fieldName} of a registered customer; ${best} fields of the same record appear (${[...fields!].join(', ').replace(/_/g, ' ')})`
        : `${fieldName} of a registered customer`,
      source: 'register',
      records: h.records,
    });
    if (h.field === 'name') {
      out.push({ type: 'person', start: h.start, end: h.end, confidence: corroborated ? 0.97 : 0.85, reason: 'name of a registered customer', source: 'register', records: h.records });
    }
  }
  return out;
}

const FACT_KIND: Record<string, string> = { price: 'price', pct: 'percentage', date: 'date', code: 'code', name: 'product name' };

export function matchDocuments(st: ScanState, reg: DocumentRegister): Finding[] {
  const out: Finding[] = [];
  // One tokenisation of the folded text for the fingerprints and the facts: the scan's shared pass (words.ts).
  const words = scanWords(st);
  for (const m of reg.match(st.text, st.lower, words)) {
    const conf = m.fingerprints >= 3 ? 0.95 : m.fingerprints === 2 ? 0.8 : 0.3;
    out.push({
      type: 'confidential_document',
      start: m.start,
      end: m.end,
      confidence: conf,
      reason: `text copied from confidential document "${m.documentId}" (${m.fingerprints} fingerprint${m.fingerprints > 1 ? 's' : ''}, ${Math.round(m.share * 100)}% of the document)`,
      source: 'document',
    });
  }
  // Reworded: two or more of a confidential document's facts; each fact is a finding (what to
  // remove), unless a copied region already covers it.
  for (const m of reg.matchFacts(st.text, st.lower, words)) {
    const kinds = [...new Set(m.facts.map((f) => FACT_KIND[f.key.slice(0, f.key.indexOf(':'))] ?? 'fact'))].join(', ');
    const conf = m.facts.length >= 3 ? 0.9 : 0.8;
    for (const f of m.facts) {
      if (out.some((o) => o.start <= f.start && f.end <= o.end)) continue;
      out.push({
        type: 'confidential_document',
        start: f.start,
        end: f.end,
        confidence: conf,
        reason: `${m.facts.length} facts (${kinds}) of confidential document "${m.documentId}", reworded`,
        source: 'document',
      });
    }
  }
  return out;
}
