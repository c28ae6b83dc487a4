/** Payment card numbers: 12–19 digits, consistent separators, Luhn; context adjusts; several per line. */
import type { Finding } from '../types.ts';
import { digitRuns, normDigits, windows, execInAt, wordStart, type ScanState } from '../spans.ts';
import { luhnValid } from '../checksums.ts';
import { enhance, CONTEXT, foldedWordsBefore, sentenceTail } from '../context.ts';

// A run of digit groups (a card, or several cards on one line); split into cards below.
const CARD_CAND = /(?<![\p{L}\p{N},\-/+])(?<!\d[.,])\d{1,19}(?:[ \-.]\d{1,19}){0,15}(?![\p{L}\p{N}]|[.,\-/]\d)/uy;
// Matches start at a digit not after a letter or digit (execInAt tries only there).
const DIGIT_START = wordStart({ digit: true });
/** Shorter candidates hold no card (12–19 digits). */
const MIN_CANDIDATE = 12;
/**
 * Where a candidate of MIN_CANDIDATE units or more may start: a digit followed by that many digits and
 * separators. A match is made of those units only, so every match that starts in a shorter stretch is
 * shorter and ignored below, and skipping the stretch leaves the longer ones as they were (a dense post's
 * times, dates and house numbers no longer run the pattern).
 */
function CARD_START(c: number, s: string, p: number): boolean {
  if (!DIGIT_START(c)) return false;
  if (p + MIN_CANDIDATE > s.length) return false;
  for (let k = 1; k < MIN_CANDIDATE; k++) {
    const d = s.charCodeAt(p + k);
    if (!((d >= 48 && d <= 57) || d === 32 || d === 45 || d === 46)) return false;
  }
  return true;
}
export const __test = { CARD_CAND, DIGIT_START, CARD_START, MIN_CANDIDATE };
const GROUP = /\d+|[ \-.]/g;

/**
 * Cards inside a run of digit groups: from each group, the longest stretch of whole groups with one
 * kind of separator, 12–19 digits and a valid Luhn check; then go on after it. Several cards on one
 * line ("4012-8888-8888-1881 4012 8888 8888 1881") come out one by one.
 */
function cardsIn(raw: string): Array<[number, number]> {
  const groups: Array<[number, number]> = [];
  const seps: string[] = [];
  GROUP.lastIndex = 0;
  for (let m = GROUP.exec(raw); m; m = GROUP.exec(raw)) {
    if (/\d/.test(m[0])) groups.push([m.index, m.index + m[0].length]);
    else seps.push(m[0]);
  }
  const out: Array<[number, number]> = [];
  let i = 0;
  while (i < groups.length) {
    let found = -1;
    let digits = 0;
    const lens: number[] = [];
    for (let j = i; j < groups.length; j++) {
      if (j > i && seps[j - 1] !== seps[i]) break;
      digits += groups[j]![1] - groups[j]![0];
      lens.push(digits);
      if (digits > 19) break;
    }
    for (let j = i + lens.length - 1; j >= i; j--) {
      const n = lens[j - i]!;
      if (n < 12 || n > 19) continue;
      const d = raw.slice(groups[i]![0], groups[j]![1]).replace(/\D/g, '');
      if (luhnValid(d)) {
        found = j;
        break;
      }
    }
    if (found >= 0) {
      out.push([groups[i]![0], groups[found]![1]]);
      i = found + 1;
    } else i++;
  }
  return out;
}

export function detectCards(st: ScanState): Finding[] {
  const out: Finding[] = [];
  const text = normDigits(st);
  const runs = digitRuns(st);
  let long = false;
  for (let i = 0; i < runs.length; i += 2) if (runs[i + 1]! - runs[i]! >= 2) long = true;
  if (!long) return out;
  for (const m of execInAt(CARD_CAND, text, windows(text, runs, 1, 8), CARD_START)) {
    if (m[0].length < MIN_CANDIDATE) continue;
    for (const [a, b] of cardsIn(m[0])) {
    const raw = m[0].slice(a, b);
    const start = m.index + a;
    const digits = raw.replace(/[ .-]/g, '');
    const end = start + raw.length;
    if (st.claims.overlaps(start, end)) continue;
    // Dots only in the 4.4.4.4 layout (anything else is a version or amount).
    if (raw.includes('.') && !/^\d{4}(?:\.\d{4}){3}(?:\.\d{1,3})?$/.test(raw)) continue;
    if (/^(\d)\1+$/.test(digits)) continue;
    const first = digits.charCodeAt(0) - 48;
    // Issuer industry identifiers 1–6 cover all payment networks; 0, 7, 8, 9 are not payment cards.
    let base = first >= 1 && first <= 6 ? 0.7 : 0.3;
    // 12 digits (Maestro) pass Luhn by chance one time in ten: weaker without separators or context.
    if (digits.length === 12) base -= raw.length === 12 ? 0.25 : 0.1;
    // Common layouts (4-4-4-4, 4-6-5, 4-4-4-4-3) are more telling than unseparated digits.
    if (/^\d{4}([ .-])\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?$|^\d{4}([ -])\d{6}\2\d{4,5}$/.test(raw)) base += 0.1;
    const r = enhance(text, start, end, base, { positive: CONTEXT.card, boost: 0.25 }, st.lower);
    // An identifier label right before the digits ("IMEI", "serienummer", "order") says what they are.
    const label = CONTEXT.cardNegative.exec(sentenceTail(foldedWordsBefore(text, st.lower, start, 6, 60)));
    if (label) {
      r.score -= 0.6;
      r.negative = label[0];
    }
    out.push({
      type: 'card',
      start,
      end,
      confidence: Math.min(0.98, r.score),
      reason: `payment card number (${digits.length} digits, passes Luhn${r.positive ? `, near "${r.positive}"` : ''}${r.negative ? `, but near "${r.negative}"` : ''})`,
      source: 'pattern',
    });
    // Claimed also when a label says it is an IMEI or serial number: then it is no phone number either.
    if (r.score >= st.options.minConfidence || label) st.claims.add(start, end);
    }
  }
  return out;
}
