/** Date recognition (EN + NL formats) shared by the contract-date detector and span claiming. */

const MONTHS: Record<string, number> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  januari: 1, februari: 2, maart: 3, mei: 5, juni: 6, juli: 7, augustus: 8, oktober: 10, mrt: 3, okt: 10,
};
const MONTH_ALT = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');

export interface DateSpan {
  start: number;
  end: number;
}

const DATE_RE = new RegExp(
  [
    // 2026-03-14
    String.raw`(?<y1>\d{4})-(?<m1>\d{1,2})-(?<d1>\d{1,2})`,
    // 14-03-2026, 14/03/2026, 14.03.2026, 14-3-26
    String.raw`(?<d2>\d{1,2})(?<s2>[-/.])(?<m2>\d{1,2})\k<s2>(?<y2>\d{4}|\d{2})`,
    // 14 March 2026, 14th of March, 1 januari 2026, 14 mrt.
    String.raw`(?<d3>\d{1,2})(?!\d)(?:st|nd|rd|th|e|ste|de)?\s+(?:of\s+)?(?<mn3>${MONTH_ALT})\.?(?:,?\s+(?<y3>\d{4}))?`,
    // March 14, 2026 / March 14th
    String.raw`(?<mn4>${MONTH_ALT})\.?\s+(?<d4>\d{1,2})(?!\d)(?:st|nd|rd|th)?(?:,?\s+(?<y4>\d{4}))?`,
    // March 2026 / maart 2026
    String.raw`(?<mn5>${MONTH_ALT})\s+(?<y5>\d{4})`,
  ]
    .map((s) => `(?:${s})`)
    .join('|'),
  'giu',
);
const BOUND_BEFORE = /[\p{L}\p{N}]/u;

/**
 * All dates in the text. Validates day and month ranges. Every date form holds a digit, so with
 * `wins` (flat [start, end] windows around digit runs, see spans.ts) only those windows are searched.
 */
export function findDates(text: string, wins: readonly number[] = [0, text.length]): DateSpan[] {
  const out: DateSpan[] = [];
  for (let w = 0; w < wins.length; w += 2) {
  const off = wins[w]!;
  const sub = off === 0 && wins[w + 1] === text.length ? text : text.slice(off, wins[w + 1]!);
  DATE_RE.lastIndex = 0;
  for (let m = DATE_RE.exec(sub); m; m = DATE_RE.exec(sub)) {
    const start = m.index + off;
    const end = start + m[0].length;
    const prev = start > 0 ? text[start - 1]! : ' ';
    const next = end < text.length ? text[end]! : ' ';
    if (BOUND_BEFORE.test(prev) || BOUND_BEFORE.test(next) || prev === '+' || ((next === '-' || next === '/' || next === '.') && /\d/.test(text[end + 1] ?? ''))) {
      DATE_RE.lastIndex = start - off + 1;
      continue;
    }
    const g = m.groups!;
    let d = 1;
    let mo = 0;
    if (g.y1) { mo = +g.m1!; d = +g.d1!; }
    else if (g.d2) { mo = +g.m2!; d = +g.d2; }
    else if (g.mn3) { mo = MONTHS[g.mn3.toLowerCase()] ?? 0; d = +g.d3!; }
    else if (g.mn4) { mo = MONTHS[g.mn4.toLowerCase()] ?? 0; d = +g.d4!; }
    else if (g.mn5) { mo = MONTHS[g.mn5.toLowerCase()] ?? 0; }
    if (mo < 1 || mo > 12 || d < 1 || d > 31) continue;
    // "may" as a verb: require a day or year with it, which the regex already does; reject "May 2" read from "may 2 people".
    if ((g.mn4 ?? '').toLowerCase() === 'may' && !g.y4 && g.mn4 === 'may') continue;
    out.push({ start, end });
  }
  }
  return out;
}
