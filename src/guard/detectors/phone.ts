/**
 * Phone numbers. A cheap regex pre-filter finds candidates that look like phone numbers
 * (international prefix, trunk 0, or the North-American 3-3-4 layout); only those are
 * given to libphonenumber-js, first with the default region, then the extra regions.
 * Spans already claimed by validated detectors (IBAN, card, dates, addresses, customer
 * numbers) are skipped, so a card number is never also a phone number.
 */
import { parsePhoneNumberFromString, findPhoneNumbersInText, getCountries, type CountryCode, type PhoneNumber } from 'libphonenumber-js';
import metadata from 'libphonenumber-js/metadata.min.json';
import type { Finding } from '../types.ts';
import { digitRuns, normDigits, windowsWhere, execIn, type ScanState } from '../spans.ts';
import { enhance, CONTEXT, foldedWordsBefore, sentenceTail } from '../context.ts';

// Candidate: optional + / 00 / (, digits and separators (space, nbsp, - . / ( )), ending in a digit,
// and an optional extension ("x4587", "ext. 12", "toestel 3"). A letter may come right before it
// ("call033316005"): checked below against the words people glue to numbers.
const CAND = /(?<![\p{N}#/@:_\-.,=])(?:\+\s?|\(\s?)?\d[\d \u00a0\-./()]{3,22}\d(?<ext>\s?(?:x|ext\.?|extension|ext\.?\s?no\.?|toestel|tst\.?|doorkies|poste|durchwahl|#)\s?\d{1,6})?(?![\p{L}\p{N}]|[.,:\-/]\d)/giu;
const GLUED_CUE = /(?:call|calls|tel|phone|ph|mob|mobile|cell|nr|no|bel|whatsapp|sms|text|fax|on|at|number|nummer|telefoon)$/i;
const IP = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const NANP = /^\(?[2-9]\d{2}\)?[-. \u00a0]?[2-9]\d{2}[-. \u00a0]\d{4}$/;
// US social security numbers (3-2-4) and dates (d/m/y, y-m-d) are written like phone numbers but are not.
const SSN = /^\d{3}-\d{2}-\d{4}$/;
const DATE = /^(?:\d{1,2}[-./]\d{1,2}[-./](?:\d{4}|\d{2})|\d{4}[-./]\d{1,2}[-./]\d{1,2})$/;
const ALL_REGIONS = getCountries();
/** A unit CAND's digits-and-separators part allows. */
const isCandUnit = (c: number) => (c >= 48 && c <= 57) || c === 32 || c === 0xa0 || c === 45 || c === 46 || c === 47 || c === 40 || c === 41;
/**
 * CAND's windows: around the digit runs that begin five units of digits and separators, as a candidate's
 * digits do ("480 Mbit", "21:00", "channel 36 in" do not). A candidate's first digit always starts a digit
 * run: before it come only "+", "(" or a space, after no digit.
 */
export const candWindows = (text: string, runs: readonly number[]) =>
  windowsWhere(text, runs, 3, 40, (d) => isCandUnit(text.charCodeAt(d + 1)) && isCandUnit(text.charCodeAt(d + 2)) && isCandUnit(text.charCodeAt(d + 3)) && isCandUnit(text.charCodeAt(d + 4)));
export const __CAND = CAND;

export interface PhoneMatch {
  start: number;
  end: number;
  e164: string;
  country?: string;
  international: boolean;
}

/**
 * Exact necessary condition for a national-format number to be valid in a region, from the same
 * metadata libphonenumber-js uses: with or without a national prefix, the digits must match the
 * region's general national-number pattern and one of its possible lengths. libphonenumber's
 * parse + isValid costs 6–100 µs a call (it builds its RegExps per call); this check skips the
 * regions where the number cannot be valid, so it never changes a result.
 */
interface RegionCheck {
  pattern: RegExp;
  lengths: Set<number>;
  prefixes: string[];
}
const regionChecks = new Map<string, RegionCheck | null>();
function regionCheck(r: CountryCode): RegionCheck | null {
  let c = regionChecks.get(r);
  if (c !== undefined) return c;
  const m = (metadata as unknown as { countries: Record<string, unknown[]> }).countries[r];
  c = null;
  if (m && typeof m[2] === 'string' && Array.isArray(m[3])) {
    const prefixes = ['0', '1'];
    // national_prefix and national_prefix_for_parsing alternatives of plain digits ("0|180020").
    for (const v of m.slice(5, 9)) if (typeof v === 'string') for (const alt of v.split('|')) if (/^\d+$/.test(alt) && !prefixes.includes(alt)) prefixes.push(alt);
    c = { pattern: new RegExp(`^(?:${m[2]})$`), lengths: new Set(m[3] as number[]), prefixes };
  }
  regionChecks.set(r, c);
  return c;
}
function possibleIn(digits: string, r: CountryCode): boolean {
  const c = regionCheck(r);
  if (!c) return true;
  if (c.lengths.has(digits.length) && c.pattern.test(digits)) return true;
  for (const p of c.prefixes) {
    if (!digits.startsWith(p)) continue;
    const nsn = digits.slice(p.length);
    if (c.lengths.has(nsn.length) && c.pattern.test(nsn)) return true;
  }
  return false;
}

function tryParse(s: string, regions: CountryCode[], national = false): PhoneNumber | undefined {
  const digits = national ? s.replace(/\D+/g, '') : '';
  for (const r of regions) {
    if (national && !possibleIn(digits, r)) continue;
    const p = parsePhoneNumberFromString(s, r);
    if (p && p.isValid()) return p;
  }
  return undefined;
}

/** Phone context words near a span (or a cue word glued to it), as the scoring below looks for them. */
function hasPhoneContext(st: ScanState, s: number, e: number): boolean {
  if (s > 0 && /\p{L}/u.test(st.text[s - 1]!)) return true;
  return enhance(st.text, s, e, 0, { positive: CONTEXT.phone, boost: 0.25, wordsBefore: 4, wordsAfter: 3 }, st.lower).positive !== undefined;
}

/** Find valid phone numbers; returns matches (for the register and called-number lists) and findings. */
export function detectPhones(st: ScanState): { findings: Finding[]; matches: PhoneMatch[] } {
  const { options } = st;
  const text = normDigits(st);
  const findings: Finding[] = [];
  const matches: PhoneMatch[] = [];
  const regions = [options.defaultRegion, ...options.extraRegions.filter((r) => r !== options.defaultRegion)];
  // Candidates need digits: the pattern only runs on windows around digit runs.
  for (const m of execIn(CAND, text, candWindows(text, digitRuns(st)))) {
    let raw = m[0];
    let start = m.index;
    const ext = m.groups?.ext ?? '';
    if (ext) raw = raw.slice(0, raw.length - ext.length);
    // Opening bracket or plus kept; other leading separators dropped.
    while (raw.length && /^[\s\-./)]/.test(raw)) {
      raw = raw.slice(1);
      start++;
    }
    if (st.claims.within(start, start + raw.length)) continue;
    // Glued to a word: only after the words people write right before a number ("call0612…", "tel:+31…").
    if (start > 0 && /\p{L}/u.test(text[start - 1]!) && !GLUED_CUE.test(st.lower.slice(Math.max(0, start - 10), start))) continue;
    // Trim unbalanced trailing/leading brackets and separators.
    while (raw.length && /[\s\-./(]$/.test(raw)) raw = raw.slice(0, -1);
    const digitCount = raw.replace(/\D/g, '').length;
    const c0 = raw[0]!;
    const intl = c0 === '+' || raw.startsWith('00') || raw.startsWith('(00') || raw.startsWith('(+');
    if (digitCount < (intl ? 5 : 7) || digitCount > 30) continue;
    if (IP.test(raw) || SSN.test(raw) || DATE.test(raw)) continue;
    const trunk = !intl && /^\(?0/.test(raw);
    const nanp = !intl && !trunk && /^\(?[2-9]/.test(raw);
    const found: Array<{ s: number; e: number; p: PhoneNumber; anyRegion?: boolean }> = [];
    const end0 = start + raw.length;
    if (!st.claims.overlaps(start, end0) && digitCount <= 15) {
      let p = nanp && NANP.test(raw) ? tryParse(raw, ['US', ...regions], true) : intl ? tryParse(raw, [options.defaultRegion]) : tryParse(raw, regions, true);
      let anyRegion = false;
      if (!p && !intl && hasPhoneContext(st, start, end0)) {
        // Valid somewhere in the world, written without country code: only with phone context
        // (checked first: trying every region is the expensive part).
        p = tryParse(raw, ALL_REGIONS, true);
        anyRegion = p !== undefined;
      }
      if (p) found.push({ s: start, e: end0 + (ext && m.index + m[0].length - ext.length === end0 ? ext.length : 0), p, anyRegion });
    }
    if (found.length === 0 && (digitCount > 15 || (digitCount > 9 && st.claims.overlaps(start, end0)))) {
      // Several numbers run together ("020 555 0123 / 06 12345678") or a number next to a claimed span:
      // let libphonenumber's matcher split the candidate, per region.
      for (const r of nanp ? (['US'] as CountryCode[]) : regions) {
        for (const f of findPhoneNumbersInText(raw, r)) {
          const s = start + f.startsAt;
          const e = start + f.endsAt;
          if (st.claims.overlaps(s, e)) continue;
          if (found.some((x) => x.s < e && s < x.e)) continue;
          found.push({ s, e, p: f.number });
        }
        if (found.length) break;
      }
    }
    for (const { s, e, p, anyRegion } of found) {
      const sub = text.slice(s, e);
      const isIntl = /^\(?(?:\+|00)/.test(sub);
      const separated = /[\s\-.()]/.test(sub);
      // A national-format number that is only valid outside the default region is less telling;
      // one valid only in a region the community did not configure needs phone context.
      const foreignNational = !isIntl && p.country !== undefined && p.country !== options.defaultRegion;
      const base = isIntl ? 0.75 : anyRegion ? 0.15 : foreignNational ? 0.5 : separated ? 0.65 : 0.6;
      const r = enhance(text, s, e, base, { positive: CONTEXT.phone, boost: 0.25, wordsBefore: 4, wordsAfter: 3 }, st.lower);
      // A word glued to the number is its cue ("call0612345678").
      if (s > 0 && /\p{L}/u.test(text[s - 1]!) && !r.positive) {
        r.score = Math.max(r.score + 0.25, 0.4);
        r.positive = 'glued cue';
      }
      // An identifier label right before the number ("KvK", "order", "ticket", "IMEI") says what it is.
      const label = CONTEXT.phoneNegative.exec(sentenceTail(foldedWordsBefore(text, st.lower, s, 2, 30)));
      if (label) {
        r.score -= 0.6;
        r.negative = label[0];
      }
      findings.push({
        type: 'phone',
        start: s,
        end: e,
        confidence: Math.min(0.97, r.score),
        reason: `phone number (valid for ${p.country ?? 'country code +' + p.countryCallingCode}${r.positive ? `, near "${r.positive}"` : ''}${r.negative ? `, but near "${r.negative}"` : ''})`,
        source: 'pattern',
      });
      matches.push({ start: s, end: e, e164: p.number, country: p.country, international: isIntl });
      if (r.score >= options.minConfidence) st.claims.add(s, e);
    }
  }
  return { findings, matches };
}
