// "Replace with a placeholder" (#16.5): a quick fix the author applies to a stopped text without
// JavaScript, as a form submit naming the finding's span. The span is checked against a fresh scan
// of the submitted text, so an edited text or a forged span changes nothing.
import type { Finding } from '../guard/index.ts';
import type { GuardFinding } from './check.ts';
import { en, type T } from '../i18n/index.ts';
import { findingPlaceholder } from './finding-texts.ts';

/** "[phone number removed]": what the span becomes, in the author's language. */
export function placeholderFor(type: Finding['type'], t: T = en): string {
  return findingPlaceholder(t, type);
}

/** The texts a quick fix works on: the body, and the title where the form has one. */
export interface FixTexts {
  title?: string;
  body: string;
}

/**
 * One entry of the findings panel: a distinct finding (its type, the text it matched and the field
 * it is in), however often it occurs. The author reads their own text back, nobody else's.
 */
export interface FixEntry {
  field: 'title' | 'body';
  type: Finding['type'];
  /** The first occurrence; the panel's button names it. */
  start: number;
  end: number;
  value: string;
  /** How often the same value of this type occurs in this field (a fix replaces them all). */
  count: number;
  /** The button's value: "start:end" in the body (as before), "title:start:end" in the title. */
  fix: string;
}

/** The findings an author must act on in the title and body (what stops or changes the text). */
function actedOn(findings: readonly GuardFinding[], texts: FixTexts): GuardFinding[] {
  return findings
    .filter((f) => (f.field === 'body' || (f.field === 'title' && texts.title !== undefined)) && f.action !== 'allow')
    .sort((a, b) => (a.field === b.field ? a.start - b.start : a.field === 'title' ? -1 : 1));
}

const valueOf = (f: GuardFinding, texts: FixTexts) => (f.field === 'title' ? texts.title! : texts.body).slice(f.start, f.end);

/**
 * The panel's list: one entry per distinct finding (type + matched text + field), title first.
 * The guard reports every occurrence (and a repeated phone number is one thing to fix), so a list
 * of raw findings repeated the same line (QA, #16.5).
 */
export function findingsToFix(findings: readonly GuardFinding[], texts: FixTexts): FixEntry[] {
  const entries = new Map<string, FixEntry>();
  for (const f of actedOn(findings, texts)) {
    const value = valueOf(f, texts);
    const key = JSON.stringify([f.field, f.type, value]);
    const seen = entries.get(key);
    if (seen) seen.count++;
    else entries.set(key, { field: f.field as 'title' | 'body', type: f.type, start: f.start, end: f.end, value, count: 1, fix: `${f.field === 'title' ? 'title:' : ''}${f.start}:${f.end}` });
  }
  return [...entries.values()];
}

/**
 * The texts with the finding at `fix` ("start:end" in the body, "title:start:end" in the title)
 * replaced by its placeholder, everywhere the same value of that type occurs in that field; null
 * when no current finding has that span (the text changed since, or the value was forged).
 */
export function applyQuickFix(texts: FixTexts, fix: string, findings: readonly GuardFinding[], t: T = en): { title?: string; body: string; type: Finding['type'] } | null {
  const m = /^(?:(title):)?(\d{1,6}):(\d{1,6})$/.exec(fix);
  if (!m) return null;
  const field = m[1] === 'title' ? 'title' : 'body';
  const [start, end] = [Number(m[2]), Number(m[3])];
  const acted = actedOn(findings, texts).filter((x) => x.field === field);
  const f = acted.find((x) => x.start === start && x.end === end);
  if (!f) return null;
  const value = valueOf(f, texts);
  // Every occurrence of that value as that type, from the end so earlier offsets stay right; an
  // occurrence overlapping one already replaced is left (its text is gone).
  const spans = acted.filter((x) => x.type === f.type && valueOf(x, texts) === value).sort((a, b) => b.start - a.start);
  let text = field === 'title' ? texts.title! : texts.body;
  let floor = Infinity;
  for (const s of spans) {
    if (s.end > floor) continue;
    text = text.slice(0, s.start) + placeholderFor(f.type, t) + text.slice(s.end);
    floor = s.start;
  }
  return field === 'title' ? { ...texts, title: text, type: f.type } : { ...texts, body: text, type: f.type };
}
