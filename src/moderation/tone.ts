// Tone nudges (issue 13, point 5): an employee's reply that dismisses or denies a reported
// problem gets a gentle reminder, live in the composer (/check) and once on submit; the employee
// can still post. The phrases (English and Dutch) are a list community managers edit.
import { en, type T } from '../i18n/index.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { UserError, text as msg } from '../shared/errors.ts';
import { logStaffAction } from './staff-log.ts';

const KEY = 'moderation.tonePhrases';
export const PHRASE_MAX = 100;
export const PHRASES_MAX = 500;

export const DEFAULT_TONE_PHRASES: readonly string[] = [
  // English
  'works as intended', 'working as intended', 'works as designed', 'working as designed', 'by design', 'that is not possible', 'this is not possible',
  'that is impossible', 'it is impossible', 'cannot happen', 'not a bug', 'you must be doing something wrong', 'you are doing something wrong',
  'you are doing it wrong', 'user error', 'pretty basic question', 'basic question', 'read the manual', 'read the faq', 'rtfm', 'have you even',
  'as i already said', 'as already explained', 'as i said before', 'we have already answered', 'works fine for me', 'works for me',
  'works fine on our end', 'no problem on our side', 'nothing wrong with', 'not our problem', 'not our fault', 'there is no issue',
  'there is no problem', 'simply not true', 'you are wrong', 'you are mistaken', 'just google it', 'search the forum', 'has been answered',
  'will not fix', 'nothing we can do', 'deal with it', 'just how it works', 'that is how it is', 'our network is fine', 'nobody else',
  'everyone else', 'expected behaviour', 'expected behavior', 'non-issue', 'in the terms and conditions', 'should have read',
  // Dutch
  'werkt zoals bedoeld', 'werkt zoals ontworpen', 'dat is niet mogelijk', 'dat kan niet', 'dat is onmogelijk', 'u doet iets fout',
  'je doet iets fout', 'u doet iets verkeerd', 'je doet iets verkeerd', 'basisvraag', 'simpele vraag', 'lees de handleiding', 'zoals ik al zei',
  'zoals al eerder gezegd', 'zoals eerder uitgelegd', 'bij ons werkt het', 'bij mij werkt het', 'geen bug', 'niet ons probleem',
  'ligt niet aan ons', 'niets mis met', 'gebruikersfout', 'klopt gewoon niet', 'u vergist zich', 'je vergist je', 'zoek het even op',
  'daar kunnen we niets aan doen', 'zo werkt het nu eenmaal', 'ons netwerk is in orde', 'niemand anders', 'verwacht gedrag',
];

// Contractions written out, apostrophes and spaces made plain, so that "that's not possible" and
// "that is not possible" meet the same list entry.
const CONTRACTIONS: [RegExp, string][] = [
  [/\bcan't\b/g, 'cannot'], [/\bwon't\b/g, 'will not'], [/n't\b/g, ' not'], [/'re\b/g, ' are'], [/'m\b/g, ' am'], [/'ve\b/g, ' have'],
  [/\b(that|it|this|there|what|here)'s\b/g, '$1 is'], [/'ll\b/g, ' will'], [/'d\b/g, ' would'],
];
export function normalizeTone(text: string): string {
  let t = text.toLowerCase().replace(/[\u2018\u2019\u02bc`]/g, "'");
  for (const [re, to] of CONTRACTIONS) t = t.replace(re, to);
  return ` ${t.replace(/[^\p{L}\p{N}'-]+/gu, ' ').replace(/\s+/g, ' ').trim()} `;
}

/** The list's phrases the text contains (whole words, after normalising). */
export function dismissivePhrases(text: string, phrases: readonly string[]): string[] {
  const t = normalizeTone(text);
  return phrases.filter((p) => {
    const n = normalizeTone(p);
    return n.trim() && t.includes(n);
  });
}

export async function readTonePhrases(db: Kysely<DB>): Promise<string[]> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', KEY).executeTakeFirst();
  if (!row) return [...DEFAULT_TONE_PHRASES];
  const list = JSON.parse(row.value) as unknown;
  return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [...DEFAULT_TONE_PHRASES];
}

/** Saves the list: one phrase per line. */
export async function saveTonePhrases(db: Kysely<DB>, actor: Actor, text: string): Promise<string[]> {
  authorize(actor, 'watchedWords.manage', null);
  const list = [...new Set(String(text ?? '').split('\n').map((l) => l.trim().replace(/\s+/g, ' ')).filter(Boolean))];
  if (list.length > PHRASES_MAX) throw new UserError(msg('moderation:errors.tooManyPhrases', { max: PHRASES_MAX }), 400, 'phrases');
  const long = list.find((p) => p.length > PHRASE_MAX);
  if (long) throw new UserError(msg('moderation:errors.phraseTooLong', { max: PHRASE_MAX, phrase: long.slice(0, 40) }), 400, 'phrases');
  const value = JSON.stringify(list);
  await db.insertInto('settings').values({ key: KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  await logStaffAction(db, actor, { action: 'settings.tone', target: 'settings:tone', detail: `${list.length} phrases` });
  return list;
}

/** The nudge for an employee's reply, in the writer's language, or null (members and other texts get none). */
export async function toneNudge(db: Kysely<DB>, actor: Actor, where: string, body: string, t: T = en): Promise<{ phrases: string[]; message: string } | null> {
  if (where !== 'reply' || !actor.roles.has('employee')) return null;
  const phrases = dismissivePhrases(body, await readTonePhrases(db));
  return phrases.length ? { phrases, message: t('moderation:tone.nudge') } : null;
}
