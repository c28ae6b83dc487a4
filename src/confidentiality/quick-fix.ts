// "Replace with a placeholder" (#16.5): a quick fix the author applies to a stopped reply without
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

/** The findings an author must act on in the body (what stops or changes the text), in order. */
export function bodyFindingsToFix(findings: readonly GuardFinding[]): GuardFinding[] {
  return findings.filter((f) => f.field === 'body' && f.action !== 'allow').sort((a, b) => a.start - b.start);
}

/**
 * The text with the finding at `fix` ("start:end") replaced by its placeholder, or null when no
 * current finding has that span (the text changed since, or the value was forged).
 */
export function applyQuickFix(text: string, fix: string, findings: readonly GuardFinding[], t: T = en): { text: string; type: Finding['type'] } | null {
  const m = /^(\d{1,6}):(\d{1,6})$/.exec(fix);
  if (!m) return null;
  const [start, end] = [Number(m[1]), Number(m[2])];
  const f = bodyFindingsToFix(findings).find((x) => x.start === start && x.end === end);
  if (!f) return null;
  return { text: text.slice(0, start) + placeholderFor(f.type, t) + text.slice(end), type: f.type };
}
