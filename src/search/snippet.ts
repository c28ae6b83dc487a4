// Highlighted snippets, made here rather than by the database (FTS5's snippet() would show our
// stemmed copies; ts_headline re-parses each whole document): the same code on both databases.
// The text is escaped piece by piece, and only our own <mark> tags are added, so a post that
// contains markup shows it as text.
import type { ParsedQuery, Term } from './query.ts';
import { COMPOUND, WORD, joinedCompound, normalizeWord, stemsOf, type Stems } from './text.ts';

// A hyphenated word is one token here: "wifi" marks all of "wi-fi", and "fi" still marks it.
const TOKEN = new RegExp(`${COMPOUND.source}|${WORD.source}`, 'gu');

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => escapes[c]!);

// One matcher per query, remembering each word as written: the 20 results' titles and bodies
// repeat their words, and normalising and stemming each again was most of a snippet's time.
const matchers = new WeakMap<ParsedQuery, (word: string) => boolean>();

// And each word as written, normalised and stemmed, for every query: one search's results use
// ~2,000 distinct words, most of them in the last searches' results too (~6 % of a search's CPU).
const forms = new Map<string, { w: string } & Stems>();
function formsOf(raw: string): { w: string } & Stems {
  let f = forms.get(raw);
  if (!f) {
    const w = normalizeWord(raw);
    f = { w, ...stemsOf(w) };
    if (forms.size >= 50_000) forms.clear();
    forms.set(raw, f);
  }
  return f;
}

function matcher(q: ParsedQuery): (word: string) => boolean {
  let cached = matchers.get(q);
  if (cached) return cached;
  const all: Term[] = [...q.terms, ...q.phrases.flat()];
  const seen = new Map<string, boolean>();
  cached = (raw) => {
    let hit = seen.get(raw);
    if (hit === undefined) {
      const s = formsOf(raw);
      hit = all.some((t) => (t.prefix ? s.w.startsWith(t.word) || s.en.startsWith(t.en) || s.nl.startsWith(t.nl) : s.en === t.en || s.nl === t.nl));
      if (seen.size < 10_000) seen.set(raw, hit);
    }
    return hit;
  };
  matchers.set(q, cached);
  return cached;
}

/**
 * HTML of `text` with the query's words in <mark>: the whole text (a title), or, given `words`,
 * the stretch of about that many words with the most matches (a body), with … where it is cut.
 */
export function highlight(text: string, q: ParsedQuery, words?: number): string {
  const isMatch = matcher(q);
  const tokens: { start: number; end: number; hit: boolean }[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const w = m[0];
    const joined = w.includes('-') ? joinedCompound(w) : null;
    const hit = w.includes('-') ? (joined !== null && isMatch(joined)) || w.split('-').some(isMatch) : isMatch(w);
    tokens.push({ start: m.index!, end: m.index! + w.length, hit });
    if (words && tokens.length > 5000) break; // enough to find a good stretch
  }
  let from = 0;
  let to = tokens.length;
  if (words && tokens.length > words) {
    let best = 0;
    let bestCount = -1;
    const hits = tokens.map((t) => (t.hit ? 1 : 0) as number);
    let count = hits.slice(0, words).reduce((a, b) => a + b, 0);
    for (let i = 0; i + words <= tokens.length; i++) {
      if (i > 0) count += hits[i + words - 1]! - hits[i - 1]!;
      if (count > bestCount) {
        bestCount = count;
        best = i;
      }
    }
    // Start a few words before the first match of the stretch, for context.
    const firstHit = tokens.findIndex((t, i) => i >= best && t.hit);
    from = firstHit >= 0 ? Math.max(0, Math.min(best, firstHit - 4)) : 0;
    to = Math.min(tokens.length, from + words);
  }
  if (tokens.length === 0) return escapeHtml(words ? text.slice(0, 200) : text);
  const startChar = from === 0 ? 0 : tokens[from]!.start;
  const endChar = to === tokens.length ? text.length : tokens[to - 1]!.end;
  let out = from > 0 ? '… ' : '';
  let at = startChar;
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    if (!t.hit) continue;
    out += escapeHtml(text.slice(at, t.start)) + '<mark>' + escapeHtml(text.slice(t.start, t.end)) + '</mark>';
    at = t.end;
  }
  out += escapeHtml(text.slice(at, endChar));
  if (endChar < text.length) out += ' …';
  return out;
}
