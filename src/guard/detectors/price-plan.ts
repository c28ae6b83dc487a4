/**
 * Price plans and offers a customer is entitled to: names from the catalogue that community
 * managers maintain, reported when the sentence is about a particular customer ("you're on",
 * "your plan", "u heeft recht op", "je zit op"), not when it is product talk for everyone.
 */
import type { Finding } from '../types.ts';
import { windows, execIn, type ScanState } from '../spans.ts';
import { enhance, CONTEXT, fold } from '../context.ts';

const cache = new Map<string, RegExp | null>();
const firstCache = new Map<string, { firsts: RegExp; longest: number }>();
/**
 * The catalogue names' first words (folded) as one pattern, whose matches (each position tried, see
 * detectPricePlans) are where one of them is written: one search instead of an indexOf loop per word.
 */
function firstWords(names: readonly string[]): { firsts: RegExp; longest: number } {
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
    r = { firsts: new RegExp([...firsts].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g'), longest };
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
let lastPlan: { re: RegExp | null; firsts: RegExp; longest: number } | undefined;
function catalogue(names: readonly string[]): { re: RegExp | null; firsts: RegExp; longest: number } {
  if (lastPlan && names === lastNames && names.length === lastCopy.length && names.every((n, i) => n === lastCopy[i])) return lastPlan;
  lastPlan = { re: catalogueRegex(names), ...firstWords(names) };
  lastNames = names;
  lastCopy = names.slice();
  return lastPlan;
}

/**
 * Anchors, [p, p] pairs in order: where the first word of a catalogue name occurs in the folded text. The
 * search goes on one unit after each match, so every position is tried and overlapping occurrences are all
 * found (as an indexOf loop per word finds them; a position where two words begin is given once).
 */
function firstWordAnchors(lower: string, firsts: RegExp): number[] {
  const pairs: number[] = [];
  firsts.lastIndex = 0;
  for (let m = firsts.exec(lower); m; m = firsts.exec(lower)) {
    pairs.push(m.index, m.index);
    firsts.lastIndex = m.index + 1;
  }
  return pairs;
}
export const __pricePlans = { firstWords, firstWordAnchors };

export function detectPricePlans(st: ScanState): Finding[] {
  const { re, firsts, longest } = catalogue(st.options.pricePlans);
  if (!re) return [];
  const { text } = st;
  const out: Finding[] = [];
  const pairs = firstWordAnchors(st.lower, firsts);
  if (pairs.length === 0) return out;
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
