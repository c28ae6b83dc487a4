// The composer's live check (/check) also tells the author about watched words (issue 13): what
// would refuse the post (block) or send it to the moderators first (hold), with where it is, so
// they can rephrase before submitting. Censor and flag are not shown (nothing for the author to do).
// The same matching as on submit (watched-words.ts); the server checks again when it is sent.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { listWatchedWords, matchWatched } from './watched-words.ts';
import { en, type T } from '../i18n/index.ts';

export interface WatchedLiveFinding {
  field: 'title' | 'body';
  start: number;
  end: number;
  action: 'block' | 'hold';
  message: string;
}

/** The watched words in a draft, each with a message in the writer's language. */
export async function watchedLiveFindings(db: Kysely<DB>, actor: Actor, draft: { title?: string; body: string }, t: T = en): Promise<WatchedLiveFinding[]> {
  const words = await listWatchedWords(db);
  const out: WatchedLiveFinding[] = [];
  for (const field of ['title', 'body'] as const) {
    const text = field === 'title' ? draft.title : draft.body.replace(/\r\n?/g, '\n');
    if (!text) continue;
    for (const m of matchWatched(text, words, actor)) {
      if (m.action !== 'block' && m.action !== 'hold') continue;
      out.push({ field, start: m.start, end: m.end, action: m.action, message: t(`moderation:watchedLive.${m.action}`, { word: text.slice(m.start, m.end) }) });
    }
  }
  return out.sort((a, b) => (a.field === b.field ? a.start - b.start : a.field === 'title' ? -1 : 1));
}
