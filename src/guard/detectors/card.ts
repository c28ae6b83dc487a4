/** Payment card numbers: 13–19 digits, consistent separators, Luhn; context adjusts. */
import type { Finding } from '../types.ts';
import { digitRuns, windows, execIn, type ScanState } from '../spans.ts';
import { luhnValid } from '../checksums.ts';
import { enhance, CONTEXT, foldedWordsBefore, sentenceTail } from '../context.ts';

const CARD_CAND = /(?<![\p{L}\p{N},\-/])(?<!\d[.,])\d{3,6}(?:[ \-.]?\d{2,6}){1,5}(?![\p{L}\p{N}]|[.,\-/]\d)/gu;

export function detectCards(st: ScanState): Finding[] {
  const out: Finding[] = [];
  const text = st.text;
  const runs = digitRuns(st);
  let long = false;
  for (let i = 0; i < runs.length; i += 2) if (runs[i + 1]! - runs[i]! >= 2) long = true;
  if (!long) return out;
  for (const m of execIn(CARD_CAND, text, windows(text, runs, 1, 8))) {
    const raw = m[0];
    const digits = raw.replace(/[ .-]/g, '');
    if (digits.length < 13 || digits.length > 19) continue;
    const end = m.index + raw.length;
    if (st.claims.overlaps(m.index, end)) continue;
    // Separators must be consistent (all spaces or all dashes).
    if ([raw.includes(' '), raw.includes('-'), raw.includes('.')].filter(Boolean).length > 1) continue;
    // Dots only in the 4.4.4.4 layout (anything else is a version or amount).
    if (raw.includes('.') && !/^\d{4}(?:\.\d{4}){3}(?:\.\d{1,3})?$/.test(raw)) continue;
    if (!luhnValid(digits)) continue;
    if (/^(\d)\1+$/.test(digits)) continue;
    const first = digits.charCodeAt(0) - 48;
    // Issuer industry identifiers 1–6 cover all payment networks; 0, 7, 8, 9 are not payment cards.
    let base = first >= 1 && first <= 6 ? 0.7 : 0.3;
    // Common layouts (4-4-4-4, 4-6-5, 4-4-4-4-3) are more telling than unseparated digits.
    if (/^\d{4}([ .-])\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?$|^\d{4}([ -])\d{6}\2\d{4,5}$/.test(raw)) base += 0.1;
    const r = enhance(text, m.index, end, base, { positive: CONTEXT.card, boost: 0.25 }, st.lower);
    // An identifier label right before the digits ("IMEI", "serienummer", "order") says what they are.
    const label = CONTEXT.cardNegative.exec(sentenceTail(foldedWordsBefore(text, st.lower, m.index, 6, 60)));
    if (label) {
      r.score -= 0.6;
      r.negative = label[0];
    }
    out.push({
      type: 'card',
      start: m.index,
      end,
      confidence: Math.min(0.98, r.score),
      reason: `payment card number (${digits.length} digits, passes Luhn${r.positive ? `, near "${r.positive}"` : ''}${r.negative ? `, but near "${r.negative}"` : ''})`,
      source: 'pattern',
    });
    if (r.score >= st.options.minConfidence) st.claims.add(m.index, end);
  }
  return out;
}
