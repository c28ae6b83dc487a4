// Words and stems for the search index, made in JavaScript so that SQLite (FTS5, whose only
// stemmer is Porter's for English) and PostgreSQL index and query exactly the same terms. Each
// word is stemmed twice, with the Snowball stemmers for English and for Dutch (the languages the
// community writes in), and both stems are indexed: "invoices" finds "invoice", "facturen" finds
// "factuur", whichever language a post is in.
import snowball from 'snowball-stemmers';
import { eng, nld } from 'stopword';

const english = snowball.newStemmer('english');
const dutch = snowball.newStemmer('dutch');

/** A word of the text: letters and digits (what FTS5's unicode61 tokenizer also counts as a word). */
export const WORD = /[\p{L}\p{N}]+/gu;

/** Longest word kept: longer runs are noise (hashes, base64) and would bloat the index. */
const MAX_WORD = 40;

/** Lower case, without accents ("Café" → "cafe"), as both databases' tokens are compared. */
export function normalizeWord(word: string): string {
  const lower = word.toLowerCase();
  // Most words are plain ASCII, which decomposition leaves as they are: skip it (a reindex
  // spent ~10 % of its time decomposing them).
  return ASCII.test(lower) ? lower : lower.normalize('NFKD').replace(/\p{M}+/gu, '');
}
const ASCII = /^[\x00-\x7f]*$/;

export interface Stems {
  en: string;
  nl: string;
}

// Stemming costs ~1–2 µs a word; posts repeat their words, and reindexing a million posts
// meets the same few hundred thousand words again and again.
const cache = new Map<string, Stems>();

/** The English and Dutch stems of one normalised word. */
export function stemsOf(normalized: string): Stems {
  let s = cache.get(normalized);
  if (!s) {
    // The stemmers expect letters; a number or a mixed token (a model name, "x200") stays as it is.
    s = /^\p{L}+$/u.test(normalized) ? { en: normalizeWord(english.stem(normalized)), nl: normalizeWord(dutch.stem(normalized)) } : { en: normalized, nl: normalized };
    if (cache.size > 200_000) cache.clear();
    cache.set(normalized, s);
  }
  return s;
}

/** A word written with hyphens ("wi-fi", "e-mail", "set-top"): people write it joined too. */
export const COMPOUND = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)+/gu;

/** A compound's parts as one word ("wifi"), or null when it is not a word (a date, a long code). */
export function joinedCompound(compound: string): string | null {
  const parts = compound.split('-');
  if (parts.length > 4 || !parts.some((p) => /\p{L}/u.test(p))) return null;
  const joined = normalizeWord(parts.join(''));
  return joined.length <= MAX_WORD ? joined : null;
}

/**
 * The text as two word-for-word stemmed copies (English, Dutch): positions stay aligned for
 * phrases. Hyphenated compounds are also added joined, after the text (not between its words,
 * so phrases keep their positions): "wi-fi" is found by "wifi" and by "wi-fi" (query.ts joins it).
 */
export function stemmedCopies(text: string): Stems {
  const en: string[] = [];
  const nl: string[] = [];
  const add = (w: string) => {
    const s = stemsOf(w);
    en.push(s.en);
    nl.push(s.nl);
  };
  for (const [w] of text.matchAll(WORD)) if (w.length <= MAX_WORD) add(normalizeWord(w));
  if (text.includes('-')) for (const [c] of text.matchAll(COMPOUND)) {
    const joined = joinedCompound(c);
    if (joined) add(joined);
  }
  return { en: en.join(' '), nl: nl.join(' ') };
}

const STOP = new Set([...eng, ...nld].map(normalizeWord));

/** Words too common to require in a query ("how", "the", "de", "het"). */
export const isStopWord = (normalized: string): boolean => STOP.has(normalized);
