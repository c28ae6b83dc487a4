/** IBANs (validated with ibantools: country length, BBAN format, mod-97) and other bank account numbers. */
import { validateIBAN, ValidationErrorsIBAN, countrySpecs } from 'ibantools';
import type { Finding } from '../types.ts';
import { digitRuns, windows, execInAt, type ScanState } from '../spans.ts';
import { cueMatches, registerCuePattern } from '../cue-words.ts';
import { abaValid, mod11Valid } from '../checksums.ts';
import { enhance, CONTEXT, foldedWordsBefore } from '../context.ts';

// Candidate: country code, check digits, then groups of alphanumerics optionally separated by one space or dash.
const IBAN_CAND = /(?<![\p{L}\p{N}])[A-Za-z]{2}\d{2}(?:[ \-]?[A-Za-z0-9]){10,32}/gu;

export function detectIbans(st: ScanState): Finding[] {
  const out: Finding[] = [];
  const text = st.text;
  // Country code + check digits: a candidate starts two letters before a digit run.
  const wins = windows(text, digitRuns(st), 2, 46);
  for (let w = 0; w < wins.length; w += 2) {
  const off = wins[w]!;
  const sub = text.slice(off, wins[w + 1]!);
  IBAN_CAND.lastIndex = 0;
  for (let m = IBAN_CAND.exec(sub); m; m = IBAN_CAND.exec(sub)) {
    const raw = m[0];
    const at = m.index + off;
    const cc = raw.slice(0, 2).toUpperCase();
    const len = countrySpecs[cc]?.chars;
    if (!len) {
      IBAN_CAND.lastIndex = m.index + 2;
      continue;
    }
    // Walk the raw candidate until `len` alphanumerics are consumed.
    let n = 0;
    let i = 0;
    for (; i < raw.length && n < len; i++) {
      const c = raw.charCodeAt(i);
      if (c !== 32 && c !== 45) n++;
    }
    if (n < len) {
      IBAN_CAND.lastIndex = m.index + 2;
      continue;
    }
    const endPos = at + i;
    // Must end at a token boundary.
    const next = text.charCodeAt(endPos);
    if (endPos < text.length && /[\p{L}\p{N}]/u.test(String.fromCharCode(next))) {
      IBAN_CAND.lastIndex = m.index + 2;
      continue;
    }
    const compact = raw.slice(0, i).replace(/[ -]/g, '').toUpperCase();
    const v = validateIBAN(compact);
    // The mod-97 check digits are what makes an IBAN; a failed national bank/branch check (a few
    // countries have one) is still someone's account number as written, perhaps with a typo.
    const nationalOnly = !v.valid && v.errorCodes.every((e) => e === ValidationErrorsIBAN.WrongAccountBankBranchChecksum);
    if (!v.valid && !nationalOnly) {
      // Right country and length but wrong check digits: not an IBAN, and its tail is not a phone number either.
      if (v.errorCodes.includes(ValidationErrorsIBAN.WrongIBANChecksum) && !v.errorCodes.includes(ValidationErrorsIBAN.WrongBBANLength)) st.claims.add(at, endPos);
      IBAN_CAND.lastIndex = m.index + 2;
      continue;
    }
    out.push({ type: 'iban', start: at, end: endPos, confidence: nationalOnly ? 0.9 : 0.97, reason: nationalOnly ? `IBAN (${cc}, valid check digits, national check fails)` : `IBAN (${cc}, valid check digits)`, source: 'pattern' });
    st.claims.add(at, endPos);
    IBAN_CAND.lastIndex = endPos - off;
  }
  }
  return out;
}

// Bank account numbers that are not IBANs: UK sort code + account, US routing (ABA) + account,
// old Dutch account numbers (9/10 digits, mod 11) after a bank-account cue.
const SORT_CODE = /(?<![\p{L}\p{N}-])\d{2}[- ]\d{2}[- ]\d{2}(?![\p{L}\p{N}]|-\d)/uy;
const BANK_NUM = /(?<![\p{L}\p{N}-])\d{6,12}(?![\p{L}\p{N}]|[-.,]\d)/uy;
// Both start at a digit not after a letter or digit (execInAt tries only there), and only where what they
// begin with is written: two digits and a separator, six digits. In a dense post most digit runs are short
// (times, dates, house numbers), and running a pattern costs more than reading a few units.
const isDigitAt = (s: string, p: number) => {
  const c = s.charCodeAt(p);
  return c >= 48 && c <= 57;
};
const SORT_START = (c: number, s: string, p: number) => c >= 48 && c <= 57 && isDigitAt(s, p + 1) && (s[p + 2] === '-' || s[p + 2] === ' ');
const BANK_START = (c: number, s: string, p: number) => {
  for (let k = 0; k < 6; k++) if (!isDigitAt(s, p + k)) return false;
  return true;
};
export const __bankPatterns = { SORT_CODE, BANK_NUM, SORT_START, BANK_START };
const SORT_CUE = /\bsort[\s-]?code\b/;
const ACCOUNT_CUE = /\b(?:account(?:\s+(?:number|no\.?|nr\.?|#))?|acct\.?|a\/c|(?:bank)?rekening(?:nummer)?|(?:bank\s+)?account)\s*(?:number|no\.?)?[:#]?\s*$/;
const BANK_CONTEXT = /\b(?:sort\s?code|bank|routing|aba|rekening|rekeningnummer|bankrekening|refund|terugbetaling|girorekening|postbank)\b/;
const BANK_CONTEXT_KEY = registerCuePattern(BANK_CONTEXT);
const ROUTING_CUE = /\b(?:routing(?:\s+(?:number|no\.?|#))?|aba(?:\s+(?:number|no\.?))?|transit)\s*[:#]?\s*$/;

export function detectBankAccounts(st: ScanState): Finding[] {
  const out: Finding[] = [];
  const text = st.text;
  const runs = digitRuns(st);
  if (runs.length === 0 || cueMatches(st, BANK_CONTEXT_KEY).length === 0) return out;
  for (const m of execInAt(SORT_CODE, text, windows(text, runs, 1, 10), SORT_START)) {
    const end = m.index + m[0].length;
    if (st.claims.overlaps(m.index, end)) continue;
    const before = foldedWordsBefore(text, st.lower, m.index, 4);
    if (!SORT_CUE.test(before)) continue;
    out.push({ type: 'bank_account', start: m.index, end, confidence: 0.9, reason: 'UK sort code after "sort code"', source: 'pattern' });
    st.claims.add(m.index, end);
  }
  for (const m of execInAt(BANK_NUM, text, windows(text, runs, 1, 2), BANK_START)) {
    const end = m.index + m[0].length;
    if (st.claims.overlaps(m.index, end)) continue;
    const d = m[0];
    const before = foldedWordsBefore(text, st.lower, m.index, 4, 50);
    if (ROUTING_CUE.test(before) && abaValid(d)) {
      out.push({ type: 'bank_account', start: m.index, end, confidence: 0.9, reason: 'US routing number (valid ABA checksum)', source: 'pattern' });
      st.claims.add(m.index, end);
      continue;
    }
    if (!ACCOUNT_CUE.test(before)) continue;
    const near = foldedWordsBefore(text, st.lower, m.index, 12, 140) + ' ' + st.lower.slice(end, end + 40);
    if (!BANK_CONTEXT.test(near)) continue;
    let conf = 0.8;
    let why = 'bank account number after an account cue with bank context';
    if ((d.length === 9 || d.length === 10) && mod11Valid(d.padStart(10, '0'))) {
      conf = 0.9;
      why = 'Dutch bank account number (passes mod 11)';
    }
    const r = enhance(text, m.index, end, conf, { positive: CONTEXT.iban }, st.lower);
    out.push({ type: 'bank_account', start: m.index, end, confidence: Math.min(0.95, r.score), reason: why, source: 'pattern' });
    st.claims.add(m.index, end);
  }
  return out;
}
