/**
 * Customer, account and contract numbers: the company's own formats (configurable regex +
 * optional check digit) and, for any format, a number right after a cue word such as
 * "klantnummer", "customer number", "contract number".
 */
import type { Finding, CustomerNumberPattern } from '../types.ts';
import type { ScanState } from '../spans.ts';
import { checkDigitValid } from '../checksums.ts';
import { enhance, CONTEXT } from '../context.ts';
import { cueMatches, registerCuePattern } from '../cue-words.ts';

const compiled = new WeakMap<CustomerNumberPattern, RegExp>();

/**
 * The format's pattern without its leading lookbehind for no letter, digit, "_" or "-" before it: that
 * lookbehind made the engine try the pattern at every position of the text, while the bare pattern is
 * searched for by its first characters. The lookbehind is checked by hand at each match (beforeOk),
 * and a match that fails it is searched again one code point on: the same matches as with it.
 */
function compile(p: CustomerNumberPattern): RegExp {
  let re = compiled.get(p);
  if (!re) {
    re = new RegExp(`(?:${p.source})(?![\\p{L}\\p{N}_]|-\\w)`, p.ignoreCase === false ? 'gu' : 'giu');
    compiled.set(p, re);
  }
  return re;
}
const LETTER_DIGIT_BEFORE = /[\p{L}\p{N}_-]$/u;
/** (?<![\p{L}\p{N}_-]) at `p`: the code point before p (a surrogate pair read whole) is none of those. */
function beforeOk(text: string, p: number): boolean {
  return p === 0 || !LETTER_DIGIT_BEFORE.test(text.slice(Math.max(0, p - 2), p));
}
/** The next position a Unicode-mode search tries after `p`: one code point on. */
function nextCodePoint(text: string, p: number): number {
  const c = text.charCodeAt(p);
  if (c >= 0xd800 && c <= 0xdbff && p + 1 < text.length) {
    const d = text.charCodeAt(p + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return p + 2;
  }
  return p + 1;
}

// Cue phrase, optional "is"/":"/"#"/"nr", then the number token (must contain at least 4 digits).
const CUE =
  /(?<![\p{L}\p{N}])(?:customer|cust\.?|client|account|acct\.?|contract|subscription|membership|member|klant|abonnements?|lid|relatie|polis|policy)[\s-]?(?:number|no\.?|nr\.?|nummer|id|#|reference)(?:\s+(?:is|was|=|ends\s+in|eindigt\s+op|luidt|:))?\s*[:#]?\s*(?:(?:van|of)\s+(?:de\s+|the\s+)?(?:klant|customer)\s+)?/giu;
const CUE_STICKY = new RegExp(CUE.source, 'iuy');
const CUE_ANCHOR = /\b(?:customer|cust|client|account|acct|contract|subscription|membership|member|klant|abonnement|lid|relatie|polis|policy)/g;
const CUE_ANCHOR_KEY = registerCuePattern(CUE_ANCHOR);
const TOKEN = /^(?=[A-Za-z0-9/.-]*\d)[A-Za-z0-9]+(?:[-/.][A-Za-z0-9]+)*/;

export function detectCustomerNumbers(st: ScanState): Finding[] {
  const out: Finding[] = [];
  const { text, options } = st;
  for (const p of options.customerNumberPatterns) {
    const re = compile(p);
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (!beforeOk(text, m.index)) {
        re.lastIndex = nextCodePoint(text, m.index);
        continue;
      }
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const end = m.index + m[0].length;
      if (st.claims.overlaps(m.index, end)) continue;
      if (!checkDigitValid(p.checkDigit, m[0])) continue;
      const hasCheck = p.checkDigit !== undefined && p.checkDigit !== 'none';
      const r = enhance(text, m.index, end, hasCheck ? 0.85 : 0.65, { positive: CONTEXT.customerNumber, boost: 0.15 }, st.lower);
      out.push({
        type: 'customer_number',
        start: m.index,
        end,
        confidence: Math.min(0.97, r.score),
        reason: `${p.name} format${hasCheck ? ` with valid ${p.checkDigit} check digit` : ''}${r.positive ? `, near "${r.positive}"` : ''}`,
        source: 'pattern',
      });
      st.claims.add(m.index, end);
    }
  }
  // Cue-based: any number format right after a customer/contract-number cue.
  // The cue pattern is tried only where a cue word starts (cheap literal pre-filter).
  const lower = st.lower;
  let from0 = 0;
  const anchors = cueMatches(st, CUE_ANCHOR_KEY);
  for (let i = 0; i < anchors.length; i += 2) {
    if (anchors[i]! < from0) continue;
    CUE_STICKY.lastIndex = anchors[i]!;
    const m = CUE_STICKY.exec(lower);
    if (!m) continue;
    from0 = m.index + m[0].length;
    const from = m.index + m[0].length;
    const t = TOKEN.exec(text.slice(from, from + 40));
    if (!t) continue;
    const tok = t[0].replace(/[.\-/]+$/, '');
    const digits = tok.replace(/\D/g, '').length;
    if (digits < 4) continue;
    const end = from + tok.length;
    if (st.claims.overlaps(from, end)) continue;
    out.push({ type: 'customer_number', start: from, end, confidence: 0.85, reason: `number after "${m[0].trim().replace(/\s+/g, ' ')}"`, source: 'pattern' });
    st.claims.add(from, end);
  }
  return out;
}
