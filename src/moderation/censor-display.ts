// Watched words with action "censor" are applied when posts are shown, not when they are
// published (issue 13 follow-up): the stored text stays as written, so adding a word censors old
// posts and removing it shows them again. The topic page is hot: the compiled patterns are kept
// per process and rebuilt only when the list changes (this process at once, other workers through
// the bus, a CLI change within CACHE_MS); with no censor word the text is returned untouched.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { cacheLifetime, onResync, publish, subscribe } from '../cluster/bus.ts';
import { validatePattern } from './watched-words.ts';

const CHANNEL = 'watched-words';
const CACHE_MS = 30_000;

export type Censor = (text: string) => string;
let cached: { censor: Censor | null; at: number } | null = null;
let loading: Promise<Censor | null> | null = null;
let generation = 0; // a load that started before a change does not store its stale result

function forget(): void {
  generation++;
  cached = null;
  loading = null;
}

/** The list changed here: rebuild on next use, and tell the other workers. */
export function watchedWordsChanged(): void {
  forget();
  publish(CHANNEL, null);
}

export function followWatchedWordChanges(): () => void {
  const unsubscribe = subscribe(CHANNEL, forget);
  const unresync = onResync(forget);
  return () => (unsubscribe(), unresync());
}

/** The censor for posts on display, or null when no censor word is listed (nothing to do). */
export async function displayCensor(db: Kysely<DB>): Promise<Censor | null> {
  if (cached && Date.now() - cached.at < cacheLifetime(CACHE_MS)) return cached.censor;
  const gen = generation;
  loading ??= (async () => {
    try {
      const rows = await db.selectFrom('watched_words').select(['pattern', 'is_regex']).where('action', '=', 'censor').orderBy('id').execute();
      const patterns: RegExp[] = [];
      for (const r of rows) {
        try {
          patterns.push(validatePattern(r.pattern, !!r.is_regex));
        } catch {
          // saved before a stricter check: skipped, never a crash
        }
      }
      const censor = patterns.length ? compile(patterns) : null;
      if (gen === generation) cached = { censor, at: Date.now() };
      return censor;
    } finally {
      if (gen === generation) loading = null;
    }
  })();
  return loading;
}

/** Bars over the matches, in plain text (the same bars as profanity censored at publishing). */
function censorText(text: string, patterns: readonly RegExp[]): string {
  const spans: [number, number][] = [];
  for (const re of patterns) for (const m of text.matchAll(re)) if (m[0].length) spans.push([m.index!, m.index! + m[0].length]);
  if (!spans.length) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [s, e] of spans) {
    if (s < at) continue;
    out += text.slice(at, s) + '■'.repeat(Math.min(12, e - s));
    at = e;
  }
  return out + text.slice(at);
}

function compile(patterns: readonly RegExp[]): Censor {
  return (text) => censorText(text, patterns);
}

// Sanitised HTML: "<" in text is always escaped, so every "<" starts a tag; only text between
// tags is censored (never attributes or link targets). Entities are decoded for matching and
// the text re-escaped, so "Q&amp;A" matches a word "Q&A".
const decode = (s: string) => s.replace(/&(lt|gt|quot|#39|#x27|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", amp: '&' })[e]!);
const encode = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function censorHtml(html: string, censor: Censor): string {
  return html.replace(/(^|>)([^<]+)/g, (whole, open: string, text: string) => {
    const plain = decode(text);
    const done = censor(plain);
    return done === plain ? whole : open + encode(done);
  });
}
