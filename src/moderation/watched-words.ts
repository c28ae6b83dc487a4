// Watched words and phrases (issue 13, point 4): community managers list plain words or regular
// expressions, each with an action — block the post, hold it for review, censor the match, or
// flag the published post for the queue. A maintained profanity filter (obscenity: English, with
// Dutch words added through its dataset API) resists spacing, leetspeak and repeated letters.
// Employees are never exempt: profanity an employee writes is held for review, where a member's
// is censored.
import type { Kysely } from 'kysely';
import { DataSet, englishDataset, englishRecommendedTransformers, pattern, RegExpMatcher } from 'obscenity';
import safeRegex from 'safe-regex2';
import type { DB, WatchedAction } from '../db/schema.ts';
import { authorize, isStaff, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, UserError, text } from '../shared/errors.ts';
import { logStaffAction } from './staff-log.ts';
import { watchedWordsChanged } from './censor-display.ts';

export const WATCHED_ACTIONS: readonly WatchedAction[] = ['block', 'hold', 'censor', 'flag'];
export const PATTERN_MAX = 200;
const SEVERITY: Record<WatchedAction, number> = { flag: 1, censor: 2, hold: 3, block: 4 };

// Dutch swear words (the usual disease and insult words); word boundaries where a short word is
// also part of ordinary words.
const DUTCH = ['kanker', 'kankerlijer', 'klootzak', 'godverdomme', 'tering', 'teringlijer', 'tyfus', 'tyfuslijer', 'kutwijf', 'hoerenzoon', 'mongool', 'lul', 'kut', 'hoer', 'flikker', 'eikel'];
const BOUNDED = new Set(['lul', 'kut', 'hoer', 'eikel', 'tering']);
const dataset = new DataSet<{ originalWord: string }>().addAll(englishDataset);
for (const w of DUTCH) {
  // The recommended transformers collapse repeated letters in the text ("fuuuck"): a word with a
  // double letter is added in its collapsed spelling too.
  const spellings = [...new Set([w, w.replace(/(.)\1+/g, '$1')])];
  dataset.addPhrase((p) => {
    let phrase = p.setMetadata({ originalWord: w });
    for (const s of spellings) phrase = phrase.addPattern(BOUNDED.has(w) ? pattern`|${s}|` : pattern`${s}`);
    return phrase;
  });
}
const profanity = new RegExpMatcher({ ...dataset.build(), ...englishRecommendedTransformers });

export interface WatchedMatch {
  start: number;
  end: number;
  action: WatchedAction;
  /** The list entry, or 'profanity'. */
  source: string;
}

// "f u c k", "k.a.n.k.e.r": single letters with separators, tried again with the separators taken out.
const SPACED = /(?<![\p{L}\p{N}])\p{L}(?:[\s.\-_*]{1,3}\p{L}){2,}(?![\p{L}\p{N}])/gu;

export function findProfanity(text: string): { start: number; end: number }[] {
  const out = profanity.getAllMatches(text, true).map((m) => ({ start: m.startIndex, end: m.endIndex + 1 }));
  for (const run of text.matchAll(SPACED)) {
    const letters = run[0].replace(/[\s.\-_*]/g, '');
    if (profanity.hasMatch(letters)) out.push({ start: run.index!, end: run.index! + run[0].length });
  }
  return out;
}

export function validatePattern(raw: string, isRegex: boolean): RegExp {
  const p = typeof raw === 'string' ? raw.trim() : '';
  if (!p) throw new UserError(text('moderation:errors.patternEmpty'), 400, 'pattern');
  if (p.length > PATTERN_MAX) throw new UserError(text('moderation:errors.patternTooLong', { max: PATTERN_MAX }), 400, 'pattern');
  let re: RegExp;
  if (isRegex) {
    try {
      re = new RegExp(p, 'giu');
    } catch (err) {
      throw new UserError(text('moderation:errors.invalidRegex', { reason: (err as Error).message }), 400, 'pattern');
    }
    // Nested quantifiers like (a+)+ can take exponential time on a crafted post: refused.
    if (!safeRegex(re, { limit: 25 })) throw new UserError(text('moderation:errors.regexUnsafe'), 400, 'pattern');
    if (re.test('')) throw new UserError(text('moderation:errors.regexMatchesEmpty'), 400, 'pattern');
    re.lastIndex = 0;
  } else {
    const escaped = p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
    re = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'giu');
  }
  return re;
}

export interface WatchedWord {
  id: number;
  pattern: string;
  is_regex: number;
  action: WatchedAction;
}

export async function listWatchedWords(db: Kysely<DB>): Promise<WatchedWord[]> {
  return db.selectFrom('watched_words').select(['id', 'pattern', 'is_regex', 'action']).orderBy('id').execute();
}

export async function addWatchedWord(db: Kysely<DB>, actor: Actor, input: { pattern: string; isRegex: boolean; action: string }): Promise<{ id: number }> {
  authorize(actor, 'watchedWords.manage', null);
  validatePattern(input.pattern, input.isRegex);
  if (!(WATCHED_ACTIONS as readonly string[]).includes(input.action)) throw new UserError(text('moderation:errors.chooseAction', { options: WATCHED_ACTIONS.join(', ') }), 400, 'action');
  const count = Number((await db.selectFrom('watched_words').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  if (count >= 1000) throw new UserError(text('moderation:errors.listFull', { max: 1000 }), 409);
  const row = await db
    .insertInto('watched_words')
    .values({ pattern: input.pattern.trim(), is_regex: input.isRegex ? 1 : 0, action: input.action as WatchedAction, created_by: actor.id, created_at: nowIso() })
    .returning('id')
    .executeTakeFirstOrThrow();
  watchedWordsChanged();
  await logStaffAction(db, actor, { action: 'watched_word.add', target: `watched_word:${row.id}`, detail: `${input.action}${input.isRegex ? ' (regex)' : ''}: ${input.pattern.trim()}` });
  return row;
}

export async function removeWatchedWord(db: Kysely<DB>, actor: Actor, id: number): Promise<void> {
  authorize(actor, 'watchedWords.manage', null);
  const r = await db.deleteFrom('watched_words').where('id', '=', id).executeTakeFirst();
  if (Number(r.numDeletedRows) !== 1) throw new NotFoundError(text('moderation:errors.noSuchEntry'));
  watchedWordsChanged();
  await logStaffAction(db, actor, { action: 'watched_word.remove', target: `watched_word:${id}` });
}

/** Every match in a text: the list's entries, and profanity (held for employees and staff, censored for members). */
export function matchWatched(text: string, words: readonly WatchedWord[], actor: Actor): WatchedMatch[] {
  const out: WatchedMatch[] = [];
  for (const w of words) {
    let re: RegExp;
    try {
      re = validatePattern(w.pattern, !!w.is_regex);
    } catch {
      continue; // saved before a stricter check: skipped, never a crash
    }
    for (const m of text.matchAll(re)) if (m[0].length) out.push({ start: m.index!, end: m.index! + m[0].length, action: w.action, source: w.pattern });
  }
  const strict = actor.roles.has('employee') || isStaff(actor);
  for (const p of findProfanity(text)) out.push({ ...p, action: strict ? 'hold' : 'censor', source: 'profanity' });
  return out;
}

export const strictest = (matches: readonly WatchedMatch[]): WatchedAction | null =>
  matches.reduce<WatchedAction | null>((a, m) => (!a || SEVERITY[m.action] > SEVERITY[a] ? m.action : a), null);

/** Replaces censored spans with a bar of the same length (no Markdown meaning). */
export function censor(text: string, matches: readonly WatchedMatch[]): string {
  const spans = matches.filter((m) => m.action === 'censor').sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const s of spans) {
    if (s.start < at) continue;
    out += text.slice(at, s.start) + '■'.repeat(Math.min(12, s.end - s.start));
    at = s.end;
  }
  return out + text.slice(at);
}
