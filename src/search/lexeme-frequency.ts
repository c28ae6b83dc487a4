// How common a query's words are on PostgreSQL, read off the planner's own statistics for the
// index (ANALYZE's most common lexemes and their frequencies in pg_stats), so that the newest
// candidates of a search are found with the plan that suits the word: see searchContent.
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { ParsedQuery } from './query.ts';

interface Statistics {
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
 * The share of documents that can match the query (an upper estimate), or null when it cannot be
 * told (a prefix matches many lexemes; no statistics yet). All words must match, so the rarest
 * decides; a word matches by its English or its Dutch stem, so those add up.
 */
export function matchShare(stats: Statistics, query: ParsedQuery): number | null {
  if (stats.share.size === 0) return null;
  const of = (lexeme: string) => stats.share.get(lexeme) ?? stats.below;
  const word = (t: { en: string; nl: string }) => Math.min(1, t.en === t.nl ? of(t.en) : of(t.en) + of(t.nl));
  let share = 1;
  for (const t of query.terms) {
    if (t.prefix) return null;
    share = Math.min(share, word(t));
  }
  for (const phrase of query.phrases) for (const t of phrase) share = Math.min(share, word(t));
  return share;
}
