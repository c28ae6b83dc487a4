// A person's search text, read as plain words: "quoted phrases" and word* prefixes are the only
// syntax. Everything else (FTS5 operators, NEAR, column filters, brackets, unbalanced quotes,
// NUL bytes, kilobytes of text) is just text. The database query is then written by us from
// the words alone, each word reduced to letters and digits, so nothing the person typed ever
// reaches FTS5's or PostgreSQL's query parser as syntax.
import { COMPOUND, WORD, isStopWord, joinedCompound, normalizeWord, stemsOf, type Stems } from './text.ts';

/** Past this, the rest of the query is ignored (a 10 KB query is still answered). */
const MAX_QUERY_CHARS = 500;
/** At most this many words and phrases are looked for. */
const MAX_PARTS = 10;
/** A prefix needs this many letters (a one-letter prefix matches half the index). */
const MIN_PREFIX = 2;

export interface Term extends Stems {
  /** The normalised word as typed. */
  word: string;
  prefix: boolean;
}

export interface ParsedQuery {
  terms: Term[];
  phrases: Term[][];
}

export const isEmptyQuery = (q: ParsedQuery): boolean => q.terms.length === 0 && q.phrases.length === 0;

export function parseQuery(input: unknown): ParsedQuery {
  // eslint-disable-next-line no-control-regex
  const text = (typeof input === 'string' ? input : '').slice(0, MAX_QUERY_CHARS).replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/[“”„]/g, '"');
  const terms: Term[] = [];
  const phrases: Term[][] = [];
  // Quoted phrases where the quotes pair up; an odd quote left over is ignored.
  const rest = text.replace(/"([^"]*)"/g, (_, inner: string) => {
    const words = wordsOf(inner, false);
    if (words.length === 1) terms.push(words[0]!);
    else if (words.length > 1) phrases.push(words);
    return ' ';
  });
  terms.push(...wordsOf(rest, true));
  // Common words are not required, unless the query is nothing else ("the who").
  const meaningful = terms.filter((t) => t.prefix || !isStopWord(t.word));
  const unique = dedupe(meaningful.length ? meaningful : terms);
  return { terms: unique.slice(0, MAX_PARTS), phrases: phrases.slice(0, Math.max(0, MAX_PARTS - unique.length)) };
}

// Outside quotes, a hyphenated word is looked for joined ("wi-fi" → "wifi"), which the index
// holds for "wifi" and for "wi-fi" alike (text.ts); in a quoted phrase its parts stay words.
const WORD_OR_COMPOUND = new RegExp(`${COMPOUND.source}|${WORD.source}`, 'gu');

function wordsOf(text: string, free: boolean): Term[] {
  const out: Term[] = [];
  for (const m of text.matchAll(free ? WORD_OR_COMPOUND : WORD)) {
    const star = free && text[m.index! + m[0].length] === '*';
    const joined = m[0].includes('-') ? joinedCompound(m[0]) : null;
    const raws = joined ? [joined] : m[0].split('-');
    raws.forEach((raw, i) => {
      const word = normalizeWord(raw).slice(0, 40);
      out.push({ word, prefix: star && i === raws.length - 1 && word.length >= MIN_PREFIX, ...stemsOf(word) });
    });
  }
  return out;
}

function dedupe(terms: Term[]): Term[] {
  const seen = new Set<string>();
  return terms.filter((t) => {
    const key = `${t.word}${t.prefix ? '*' : ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// Our words hold only letters and digits (WORD), so quoting them is enough for both syntaxes;
// the check makes that an invariant rather than an assumption.
const safe = (s: string): string => {
  if (!/^[\p{L}\p{N}]+$/u.test(s)) throw new Error('search: a query word with other characters');
  return s;
};

const COLUMNS = {
  all: { EN: '{title_en body_en}', NL: '{title_nl body_nl}', ALL: '{title_en title_nl body_en body_nl}' },
  title: { EN: '{title_en}', NL: '{title_nl}', ALL: '{title_en title_nl}' },
};

/** The FTS5 MATCH expression: every word (English or Dutch stem) and every phrase. */
export function toFts5(q: ParsedQuery, columns: keyof typeof COLUMNS = 'all'): string {
  return fts5Parts(q, columns).join(' AND ');
}

/** One FTS5 expression per word and phrase of the query (all of them must match). */
export function fts5Parts(q: ParsedQuery, columns: keyof typeof COLUMNS = 'all'): string[] {
  const { EN, NL, ALL } = COLUMNS[columns];
  const parts: string[] = [];
  for (const t of q.terms) {
    if (t.prefix) {
      const starts = prefixStarts(t).map((s) => `"${safe(s)}" *`);
      parts.push(`(${ALL} : (${starts.join(' OR ')}))`);
    } else if (t.en === t.nl) {
      parts.push(`(${ALL} : "${safe(t.en)}")`);
    } else {
      parts.push(`(${EN} : "${safe(t.en)}" OR ${NL} : "${safe(t.nl)}")`);
    }
  }
  for (const p of q.phrases) {
    const en = p.map((t) => safe(t.en)).join(' ');
    const nl = p.map((t) => safe(t.nl)).join(' ');
    // The same stems in both languages: one phrase over all columns matches the same documents.
    parts.push(en === nl ? `(${ALL} : "${en}")` : `(${EN} : "${en}" OR ${NL} : "${nl}")`);
  }
  return parts;
}

/**
 * The starts a prefix term looks for (as typed, English and Dutch stem), without those that a
 * shorter one already covers: "poss*" stems to "pos", and every word starting with "poss" starts
 * with "pos", so looking for both only makes the index read the same words twice.
 */
export function prefixStarts(t: Term): string[] {
  const starts = [...new Set([t.word, t.en, t.nl])];
  return starts.filter((s) => !starts.some((o) => o !== s && s.startsWith(o)));
}

/** The PostgreSQL tsquery text (cast with ::tsquery, no further parsing of the person's text). */
export function toTsquery(q: ParsedQuery): string {
  const parts: string[] = [];
  for (const t of q.terms) {
    const alts = t.prefix ? prefixStarts(t).map((s) => `'${safe(s)}':*`) : [...new Set([t.en, t.nl])].map((s) => `'${safe(s)}'`);
    parts.push(`(${alts.join(' | ')})`);
  }
  for (const p of q.phrases) {
    // Once when both languages stem the phrase alike: the index is read once, not twice.
    const alts = new Set([p.map((t) => `'${safe(t.en)}'`).join(' <-> '), p.map((t) => `'${safe(t.nl)}'`).join(' <-> ')]);
    parts.push(`(${[...alts].join(' | ')})`);
  }
  return parts.join(' & ');
}
