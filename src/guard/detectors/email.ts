/** E-mail addresses: anchored on each "@", local part scanned leftwards, domain by a sticky regex (linear time). */
import type { Finding } from '../types.ts';
import type { ScanState } from '../spans.ts';

const LOCAL = /[\p{L}\p{N}._%+-]/u;
// The top-level domain is letters, or an internationalised one in its ASCII form ("xn--p1ai").
const DOMAIN = /(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:\p{L}{2,24}|xn--[a-z0-9-]{2,59})(?![\p{L}\p{N}-])/iuy;

export function detectEmails(st: ScanState): Finding[] {
  const out: Finding[] = [];
  const text = st.text;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let s = at;
    while (s > 0 && at - s < 64 && LOCAL.test(text[s - 1]!)) s--;
    while (s < at && /[._%+-]/.test(text[s]!)) s++; // must start with a letter or digit
    if (s === at) continue;
    const local = text.slice(s, at);
    if (local.endsWith('.') || local.includes('..')) continue;
    DOMAIN.lastIndex = at + 1;
    const m = DOMAIN.exec(text);
    if (!m) continue;
    const end = at + 1 + m[0].length;
    out.push({ type: 'email', start: s, end, confidence: 0.95, reason: 'e-mail address', source: 'pattern' });
    st.claims.add(s, end);
    at = end - 1;
  }
  return out;
}
