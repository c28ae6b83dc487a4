/**
 * Price plans and offers a customer is entitled to: names from the catalogue that community
 * managers maintain, reported when the sentence is about a particular customer ("you're on",
 * "your plan", "u heeft recht op", "je zit op"), not when it is product talk for everyone.
 */
import type { Finding } from '../types.ts';
import type { ScanState } from '../spans.ts';
import { enhance, CONTEXT } from '../context.ts';

const cache = new Map<string, RegExp | null>();

function catalogueRegex(names: readonly string[]): RegExp | null {
  const key = names.join('\u0000');
  let re = cache.get(key);
  if (re !== undefined) return re;
  const alts = names
    .map((n) => n.trim())
    .filter((n) => n.length >= 2)
    .sort((a, b) => b.length - a.length)
    .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '[\\s\\u00a0-]*'));
  re = alts.length ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${alts.join('|')})(?![\\p{L}\\p{N}])`, 'giu') : null;
  if (cache.size > 32) cache.clear();
  cache.set(key, re);
  return re;
}

export function detectPricePlans(st: ScanState): Finding[] {
  const re = catalogueRegex(st.options.pricePlans);
  if (!re) return [];
  const { text } = st;
  const out: Finding[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const end = m.index + m[0].length;
    const r = enhance(text, m.index, end, 0.3, { positive: CONTEXT.pricePlan, negative: CONTEXT.pricePlanNegative, boost: 0.45, penalty: 0.35, wordsBefore: 6, wordsAfter: 5 });
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
