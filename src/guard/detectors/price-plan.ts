/**
 * Price plans and offers a customer is entitled to: names from the catalogue that community
 * managers maintain, reported when the sentence is about a particular customer ("you're on",
 * "your plan", "u heeft recht op", "je zit op"), not when it is product talk for everyone.
 */
import type { Finding } from '../types.ts';
import { windows, execIn, type ScanState } from '../spans.ts';
import { enhance, CONTEXT, fold } from '../context.ts';

const cache = new Map<string, RegExp | null>();
const firstCache = new Map<string, { firsts: string[]; longest: number }>();
function firstWords(names: readonly string[]): { firsts: string[]; longest: number } {
  const key = names.join('\u0000');
  let r = firstCache.get(key);
  if (!r) {
    const firsts = new Set<string>();
    let longest = 0;
    for (const n of names) {
      const t = n.trim();
      if (t.length < 2) continue;
      firsts.add(fold(t.split(/[\s\u00a0-]+/)[0]!));
      longest = Math.max(longest, t.length * 2);
    }
    r = { firsts: [...firsts], longest };
    if (firstCache.size > 32) firstCache.clear();
    firstCache.set(key, r);
  }
  return r;
}
const WORD_BEFORE = /[\p{L}\p{N}]/u;

function catalogueRegex(names: readonly string[]): RegExp | null {
  const key = names.join('\u0000');
  let re = cache.get(key);
  if (re !== undefined) return re;
  const alts = names
    .map((n) => n.trim())
    .filter((n) => n.length >= 2)
    .sort((a, b) => b.length - a.length)
    .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '[\\s\\u00a0-]*'));
  // The left word boundary is checked by hand: a leading lookbehind makes the engine try every position.
  re = alts.length ? new RegExp(`(?:${alts.join('|')})(?![\\p{L}\\p{N}])`, 'giu') : null;
  if (cache.size > 32) cache.clear();
  cache.set(key, re);
  return re;
}

/**
 * The catalogue's pattern and first words, kept for the last catalogue seen: a server scans every
 * post with the same list, and joining its names into a cache key per post cost more than the search.
 * Compared name by name (the list may have been edited in place since).
 */
let lastNames: readonly string[] | undefined;
let lastCopy: string[] = [];
let lastPlan: { re: RegExp | null; firsts: string[]; longest: number } | undefined;
function catalogue(names: readonly string[]): { re: RegExp | null; firsts: string[]; longest: number } {
  if (lastPlan && names === lastNames && names.length === lastCopy.length && names.every((n, i) => n === lastCopy[i])) return lastPlan;
  lastPlan = { re: catalogueRegex(names), ...firstWords(names) };
  lastNames = names;
  lastCopy = names.slice();
  return lastPlan;
}

export function detectPricePlans(st: ScanState): Finding[] {
  const { re, firsts, longest } = catalogue(st.options.pricePlans);
  if (!re) return [];
  const { text } = st;
  const out: Finding[] = [];
  // Anchors: where the first word of a catalogue name occurs in the folded text (indexOf is cheap).
  const starts: number[] = [];
  for (const w of firsts) for (let at = st.lower.indexOf(w); at >= 0; at = st.lower.indexOf(w, at + 1)) starts.push(at);
  if (starts.length === 0) return out;
  starts.sort((a, b) => a - b);
  const pairs: number[] = [];
  for (const a of starts) pairs.push(a, a);
  for (const m of execIn(re, text, windows(text, pairs, 0, longest + 8))) {
    if (m.index > 0 && WORD_BEFORE.test(text[m.index - 1]!)) continue;
    const end = m.index + m[0].length;
    const r = enhance(text, m.index, end, 0.3, { positive: CONTEXT.pricePlan, negative: CONTEXT.pricePlanNegative, boost: 0.45, penalty: 0.35, wordsBefore: 6, wordsAfter: 5 }, st.lower);
    // Product talk for everyone ("now available for all customers") outweighs a "you" in the same sentence.
    if (r.negative) r.score = Math.min(r.score, 0.25);
    out.push({
      type: 'price_plan',
      start: m.index,
      end,
      confidence: r.score,
      reason: `price plan or offer from the catalogue${r.positive ? `, about a customer ("${r.positive}")` : ''}${r.negative ? `, but general ("${r.negative}")` : ''}`,
      source: 'pattern',
    });
  }
  return out;
}
