/** Span bookkeeping used by the orchestrator: validated detectors claim spans first. */
import type { GuardOptions, Finding } from './types.ts';

export class Claims {
  private readonly spans: Array<[number, number]> = [];
  add(start: number, end: number): void {
    this.spans.push([start, end]);
  }
  /** True when [start,end) overlaps any claimed span. */
  overlaps(start: number, end: number): boolean {
    for (const [s, e] of this.spans) if (start < e && s < end) return true;
    return false;
  }
  /** True when [start,end) lies within a claimed span. */
  within(start: number, end: number): boolean {
    for (const [s, e] of this.spans) if (s <= start && end <= e) return true;
    return false;
  }
}

/** State shared by the detectors during one scan. */
export interface ScanState {
  text: string;
  /** fold(text): lowercased, accent-free, same length as text. */
  lower: string;
  options: GuardOptions;
  /** Spans claimed by validated detectors (IBAN, card, e-mail, own number formats, addresses, dates...). */
  claims: Claims;
  /** Findings so far, in detector order. */
  findings: Finding[];
}

export function isWordChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127
  );
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : Math.round(x * 1000) / 1000;
}

/** Digits of a string. */
export function digitsOf(s: string): string {
  return s.replace(/\D+/g, '');
}
