// How common a query's words are on PostgreSQL, read off the planner's own statistics for the
// index (ANALYZE's most common lexemes and their frequencies in pg_stats), so that the newest
// candidates of a search are found with the plan that suits the word: see searchContent.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { prefixStarts, type ParsedQuery } from './query.ts';

export interface Statistics {
  readAt: number;
  /** Share of documents holding each of the most common lexemes. */
  share: Map<string, number>;
  /** A lexeme not in the list is rarer than this. */
  below: number;
  newestId: number;
}

/** Read again after this long (ANALYZE runs rarely; new documents only widen windows). */
const REFRESH_MS = 10 * 60_000;
const cache = new WeakMap<Kysely<DB>, Statistics>();

export async function lexemeStatistics(db: Kysely<DB>): Promise<Statistics> {
  const cached = cache.get(db);
  if (cached && Date.now() - cached.readAt < REFRESH_MS) return cached;
  const row = (
    await sql<{ elems: string[] | null; freqs: number[] | null; newest: number | null }>`
      select (select most_common_elems::text::text[] from pg_stats where schemaname = current_schema() and tablename = 'search_docs' and attname = 'vector') as elems,
             (select most_common_elem_freqs from pg_stats where schemaname = current_schema() and tablename = 'search_docs' and attname = 'vector') as freqs,
             (select max(id) from search_docs) as newest`.execute(db)
  ).rows[0];
  const elems = row?.elems ?? [];
  const freqs = (row?.freqs ?? []).map(Number);
  const share = new Map<string, number>();
  elems.forEach((e, i) => share.set(e, freqs[i] ?? 0));
  // After the per-lexeme frequencies pg_stats holds the minimum, the maximum and the null share.
  const below = elems.length ? (freqs[elems.length] ?? 0) : 1;
  const stats = { readAt: Date.now(), share, below, newestId: Number(row?.newest ?? 0) };
  cache.set(db, stats);
  return stats;
}

/**
 * The share of documents that can match the query (an estimate), or null when it cannot be told
 * (no statistics yet; a prefix that starts none of the listed lexemes). All words must match, so
 * the rarest decides; a word matches by its English or its Dutch stem, so those add up. A prefix
 * counts the listed lexemes it starts (a lower estimate: rarer ones are not listed).
 */
export function matchShare(stats: Statistics, query: ParsedQuery): number | null {
  if (stats.share.size === 0) return null;
  const of = (lexeme: string) => stats.share.get(lexeme) ?? stats.below;
  const word = (t: { en: string; nl: string }) => Math.min(1, t.en === t.nl ? of(t.en) : of(t.en) + of(t.nl));
  let share = 1;
  for (const t of query.terms) {
    if (!t.prefix) share = Math.min(share, word(t));
    else {
      const starts = prefixStarts(t);
      let listed = 0;
      for (const [lexeme, s] of stats.share) if (starts.some((p) => lexeme.startsWith(p))) listed += s;
      if (listed === 0) return null;
      share = Math.min(share, listed, 1);
    }
  }
  for (const phrase of query.phrases) for (const t of phrase) share = Math.min(share, word(t));
  return share;
}

/** indexesOnly: the window must be read from the indexes' bitmaps, with index scans off (a prefix). */
export type CandidatePlan = { kind: 'planned' } | { kind: 'bitmap' } | { kind: 'window'; after: number; indexesOnly?: boolean };

/** From this share of documents on, walking the newest ids backwards meets the matches soon enough. */
const WALK_SHARE = 0.05;

/**
 * How to find the newest `wanted` matches on PostgreSQL. Its own estimate of a word's share is
 * about right, but its cost model is not: it walks the primary key backwards testing each row's
 * vector (~1 µs a row) for words where that reads 74 k rows. Measured per plan on 1 M posts
 * (session 12, bench/search-kinds.ts's queries):
 * - walking backwards ('planned', PostgreSQL's choice for a common word): wanted / share rows,
 *   1–4 ms for a word in a third of the documents, 60–150 ms for one in 0.4–0.9 %;
 * - the GIN index's bitmap of all matches ('bitmap', ordered by `id + 0` so that PostgreSQL
 *   cannot walk): ~2 ms for 1,100 matches, 10–40 ms for 5–9 k (each match's row is read);
 * - an id window ('window': the GIN bitmap ANDed with the id range's from a BRIN index, migration
 *   024, where ~1.5 × wanted matches should be): 3–18 ms for the same 5–9 k-match words.
 * A prefix's window is read with index scans off (indexesOnly): PostgreSQL prices a prefix's GIN
 * bitmap so high that it would filter the id range row by row instead (88 ms for "poss*", 17 ms
 * as the two bitmaps). Without statistics, or for a prefix that starts no listed lexeme,
 * PostgreSQL decides.
 */
export function candidatePlan(stats: Statistics, query: ParsedQuery, wanted: number): CandidatePlan {
  const share = matchShare(stats, query);
  if (share === null || share >= WALK_SHARE) return { kind: 'planned' };
  if (share * stats.newestId <= 4 * wanted) return { kind: 'bitmap' };
  const after = Math.max(0, stats.newestId - Math.ceil((1.5 * wanted) / share));
  return query.terms.some((t) => t.prefix) ? { kind: 'window', after, indexesOnly: true } : { kind: 'window', after };
}
