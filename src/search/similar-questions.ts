// "Similar questions" under the title of a new question: solved questions and published articles
// that share the title's words, so that the answer may be found before asking. The words of the
// title are alternatives (any may match), ranked as search ranks them.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { isStopWord, normalizeWord, WORD } from './text.ts';
import { searchContent } from './search-content.ts';

const SHOWN = 5;

export interface SimilarQuestion {
  type: 'topic' | 'article';
  title: string;
  titleHtml: string;
  url: string;
}

export async function similarQuestions(db: Kysely<DB>, actor: Actor | null, title: string): Promise<SimilarQuestion[]> {
  const words = [...new Set([...title.slice(0, 300).matchAll(WORD)].map((m) => m[0]).filter((w) => w.length > 1 && !isStopWord(normalizeWord(w))))].slice(0, 8);
  if (words.length < 1) return [];
  const found = new Map<string, SimilarQuestion & { score: number }>();
  // Every word must match in a search; asking for the whole title, then for each pair of
  // neighbouring words, finds threads that share most of it without a separate OR syntax.
  const attempts = [words.join(' '), ...words.slice(0, -1).map((w, i) => `${w} ${words[i + 1]}`), ...(words.length <= 2 ? words : [])];
  for (const q of attempts) {
    for (const kind of ['article', undefined] as const) {
      const { results } = await searchContent(db, actor, { q, limit: SHOWN, count: false, ...(kind ? { kind } : { status: 'solved' as const }) });
      for (const r of results) {
        if (r.type === 'post' || found.has(r.url)) continue;
        found.set(r.url, { type: r.type, title: r.title, titleHtml: r.titleHtml, url: r.url, score: r.score * (q === attempts[0] ? 2 : 1) });
      }
    }
    if (found.size >= SHOWN) break;
  }
  return [...found.values()].sort((a, b) => b.score - a.score).slice(0, SHOWN).map(({ score: _, ...rest }) => rest);
}
