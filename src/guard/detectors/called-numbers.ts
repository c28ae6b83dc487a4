/**
 * Lists of numbers a customer called (call records): phone numbers paired with a time or a
 * duration, either two or more of them close together, or one with call context
 * ("called", "gebeld", "call log", "belspecificatie").
 */
import type { Finding } from '../types.ts';
import type { ScanState } from '../spans.ts';
import type { PhoneMatch } from './phone.ts';
import { fold, wordsRegex } from '../context.ts';

const TIME = /(?<![\p{L}\p{N}:])(?:[01]?\d|2[0-3])[:.h][0-5]\d(?::[0-5]\d)?(?:\s?(?:am|pm|uur|u))?(?![\p{L}\p{N}]|[:.]\d)|(?<![\p{L}\p{N}])\d{1,3}\s?(?:min(?:utes?|uten|s)?|sec(?:onds?|onden)?|m\s?\d{1,2}\s?s|s)(?![\p{L}\p{N}])/giu;
const CALL_CONTEXT = wordsRegex([
  'called', 'call', 'calls', 'call log', 'call history', 'call records', 'dialled', 'dialed', 'rang', 'phoned', 'outgoing', 'incoming', 'itemised', 'itemized', 'call list',
  'gebeld', 'belde', 'belt', 'bellen', 'gesprek', 'gesprekken', 'belspecificatie', 'belgeschiedenis', 'uitgaand', 'uitgaande', 'inkomend', 'inkomende', 'oproep', 'oproepen', 'nummers',
]);

interface Rec {
  start: number;
  end: number;
}

export function detectCalledNumbers(st: ScanState, phones: PhoneMatch[]): Finding[] {
  if (phones.length === 0) return [];
  const { text } = st;
  const times: Rec[] = [];
  TIME.lastIndex = 0;
  for (let m = TIME.exec(text); m; m = TIME.exec(text)) {
    const end = m.index + m[0].length;
    // Opening hours ("09:00-17:30", "van 9.00 tot 17.00") are not call times.
    if (/^\s?(?:[-–]|to|tot|until|till)\s?\d/.test(text.slice(end, end + 8)) || /\d\s?(?:[-–]|to|tot|until|till)\s?$/.test(text.slice(Math.max(0, m.index - 8), m.index))) continue;
    times.push({ start: m.index, end });
  }
  if (times.length === 0) return [];
  const recs: Rec[] = [];
  const sorted = phones.slice().sort((a, b) => a.start - b.start);
  for (const p of sorted) {
    // A time/duration within 30 characters, not across a blank line.
    let best: Rec | undefined;
    for (const t of times) {
      const gap = t.start >= p.end ? t.start - p.end : p.start - t.end;
      if (gap < 0 || gap > 30) continue;
      const between = t.start >= p.end ? text.slice(p.end, t.start) : text.slice(t.end, p.start);
      if (/\n\s*\n/.test(between)) continue;
      if (!best || gap < (best.start >= p.end ? best.start - p.end : p.start - best.end)) best = t;
    }
    if (best) recs.push({ start: Math.min(p.start, best.start), end: Math.max(p.end, best.end) });
  }
  if (recs.length === 0) return [];
  // Group records that follow each other closely.
  const groups: Rec[][] = [];
  for (const r of recs) {
    const g = groups[groups.length - 1];
    const last = g?.[g.length - 1];
    if (g && last && r.start - last.end <= 80) g.push(r);
    else groups.push([r]);
  }
  const out: Finding[] = [];
  for (const g of groups) {
    const start = g[0]!.start;
    const end = g[g.length - 1]!.end;
    const ctx = fold(text.slice(Math.max(0, start - 120), Math.min(text.length, end + 40)));
    const cm = CALL_CONTEXT.exec(ctx);
    let conf = 0;
    if (g.length >= 2 && cm) conf = 0.95;
    else if (g.length >= 2) conf = 0.7;
    else if (cm) conf = 0.75;
    else continue;
    out.push({
      type: 'called_numbers',
      start,
      end,
      confidence: conf,
      reason: `${g.length} phone number${g.length > 1 ? 's' : ''} with call times${cm ? ` near "${cm[0]}"` : ''}`,
      source: 'pattern',
    });
  }
  return out;
}
