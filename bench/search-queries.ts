// The queries of the search benchmarks (bench/search.ts, bench/search-kinds.ts), by kind, taken
// from the data's own topic titles (so each matches something): the most and least frequent
// title words (not stop words), pairs of them, a phrase and prefixes.
import type { Kysely } from 'kysely';
import type { DB } from '../src/db/schema.ts';
import { WORD, isStopWord, normalizeWord } from '../src/search/text.ts';

export async function searchQueries(db: Kysely<DB>): Promise<Record<'common word' | 'rare word' | 'two words' | 'phrase' | 'prefix', string[]>> {
  const titles = await db.selectFrom('topics').select('title').orderBy('id').limit(2000).execute();
  const counts = new Map<string, number>();
  for (const { title } of titles) for (const [w] of title.matchAll(WORD)) {
    const n = normalizeWord(w);
    if (n.length > 3 && !isStopWord(n) && /^\p{L}+$/u.test(n)) counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  const byFreq = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
  const common = byFreq.slice(0, 10);
  const rare = byFreq.slice(-10);
  return {
    'common word': common,
    'rare word': rare,
    'two words': common.slice(0, 5).map((w, i) => `${w} ${rare[i]}`),
    phrase: [`"${(titles[7]?.title.match(WORD) ?? []).slice(0, 2).join(' ')}"`],
    prefix: common.slice(0, 3).map((w) => `${w.slice(0, 4)}*`),
  };
}
