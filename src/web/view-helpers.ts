import { badgesIn } from '../accounts/badges.ts';
import type { Role } from '../db/schema.ts';
import { kib } from '../attachments/text-file.ts';
import { translator, type T } from '../i18n/index.ts';
import { nextFrom, withNext } from './request-helpers.ts';
import { oneByteHtml } from './one-byte-html.ts';

// Numbers and dates per language (issue 18): "1,234" and "3 Dec 2026" in English (en-GB),
// "1.234" and "3 dec 2026" in Dutch. Intl's formatters cost ~1 µs a call (a page calls them per
// post), so below 1,000 a number is printed as it is, and a date is read off the stored
// ISO-8601 UTC string ("2026-11-24T12:36:05.000Z") with the language's month names from Intl:
// the same text as Intl's day-month-year format, at a fraction of the cost.
const INTL_LOCALE: Record<string, string> = { en: 'en-GB', nl: 'nl-NL' };
function numberFormatter(locale: string) {
  const fmt = new Intl.NumberFormat(INTL_LOCALE[locale] ?? 'en-GB');
  return (v: number) => (Number.isInteger(v) && v > -1000 && v < 1000 ? String(v) : fmt.format(v));
}
function monthNames(locale: string): string[] {
  const fmt = new Intl.DateTimeFormat(INTL_LOCALE[locale] ?? 'en-GB', { month: 'short', timeZone: 'UTC' });
  return Array.from({ length: 12 }, (_, m) => fmt.format(Date.UTC(2020, m, 15)).replace(/\.$/, ''));
}
function dateFormatter(locale: string) {
  const months = monthNames(locale);
  return (iso: string) => `${Number(iso.slice(8, 10))} ${months[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;
}

// A page links each post's author: their profile addresses are kept (a bounded set) rather than
// percent-encoded again every time.
const profileUrls = new Map<string, string>();
function profileUrl(username: string): string {
  const url = `/u/${encodeURIComponent(username)}`;
  if (profileUrls.size >= 10_000) profileUrls.clear();
  profileUrls.set(username, url);
  return url;
}

// Avatars: the uploaded picture, or the name's initials on one of a few colours picked from the
// name (the same person always gets the same colour). Colours are classes, not inline styles:
// the Content-Security-Policy allows stylesheets from this site only.
export const AVATAR_COLOURS = 8;
// Remembered per name (a board page asks for ~60; the split and spread were ~2 % of its CPU).
const initialsOf = new Map<string, string>();
function initials(name: string): string {
  let known = initialsOf.get(name);
  if (known === undefined) {
    if (initialsOf.size >= 10_000) initialsOf.clear();
    initialsOf.set(name, (known = initialsNow(name)));
  }
  return known;
}
function initialsNow(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  const first = [...(words[0] ?? '?')][0] ?? '?';
  const last = words.length > 1 ? [...words[words.length - 1]!][0] ?? '' : '';
  return (first + last).toUpperCase();
}
function avatarColour(name: string): number {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) >>> 0;
  return hash % AVATAR_COLOURS;
}

/** Small formatting helpers available to every template as `it.h`, in one language: `h.t` is
 * that language's texts (partials get `h` and so can translate too). */
export function helpersFor(locale: string) {
  const { t } = translator(locale);
  const isoDate = dateFormatter(locale);
  const formatNumber = numberFormatter(locale);
  let editorWords: string | undefined;
  return {
    locale,
    t,
    date: (iso: string | null | undefined) => (iso ? isoDate(iso) : ''),
    dateTime: (iso: string | null | undefined) => (iso ? `${isoDate(iso)}, ${iso.slice(11, 16)} UTC` : ''),
    /** "3 min ago" for recent times, the date for older ones. */
    ago(iso: string | null | undefined, now = Date.now()): string {
      if (!iso) return '';
      const s = Math.max(0, (now - Date.parse(iso)) / 1000);
      if (s < 60) return t('common:time.justNow');
      if (s < 3600) return t('common:time.minutesAgo', { count: Math.floor(s / 60) });
      if (s < 86400) return t('common:time.hoursAgo', { count: Math.floor(s / 3600) });
      if (s < 86400 * 30) return t('common:time.daysAgo', { count: Math.floor(s / 86400) });
      return isoDate(iso);
    },
    n: formatNumber,
    /** Prefer `t(key, { count })`: this one's words are not translated. */
    plural: (v: number, one: string, many: string) => `${formatNumber(v)} ${v === 1 ? one : many}`,
    /** A person's role badges, labelled in this language. */
    badges: badgesIn(t),
    /** composer.js's words for the live check (the editor's `data-t`), made once per language:
     * every page with a reply box carried them, 26 look-ups and a JSON text each time. */
    editorWords: () => (editorWords ??= editorWordsIn(t)),
    ...shared,
  };
}

/** What composer.js says (it has no texts of its own), with its placeholders left for it to fill. */
function editorWordsIn(t: T): string {
  return JSON.stringify({
    action: { allow: t('guard:live.action.allow'), block: t('guard:live.action.block'), hold: t('guard:live.action.hold'), mask: t('guard:live.action.mask'), warn: t('guard:live.action.warn'), unknown: t('guard:live.action.unknown') },
    file: { allow: t('guard:live.file.allow'), block: t('guard:live.file.block'), hold: t('guard:live.file.hold'), mask: t('guard:live.file.mask'), warn: t('guard:live.file.warn'), unknown: t('guard:live.file.unknown') },
    finding: { allow: t('guard:live.finding.allow'), block: t('guard:live.finding.block'), hold: t('guard:live.finding.hold'), mask: t('guard:live.finding.mask'), warn: t('guard:live.finding.warn') },
    problem: { tooLarge: t('guard:live.problem.tooLarge'), notText: t('guard:live.problem.notText'), empty: t('guard:live.problem.empty'), unreadable: t('guard:live.problem.unreadable'), tooMany: t('guard:live.problem.tooMany', { max: '{{max}}' }) },
    notAccepted: t('guard:live.notAccepted', { problem: '{{problem}}', max: '{{max}}' }),
    line: t('guard:live.line', { line: '{{line}}' }),
    notChecked: t('guard:live.notChecked', { message: '{{message}}' }),
    toneReads: t('guard:live.toneReads', { phrases: '{{phrases}}' }),
    title: t('guard:live.title'),
    message: t('guard:live.message'),
    draftRestored: t('compose:editor.draftRestored', { time: '{{time}}' }),
    discardDraft: t('compose:editor.discardDraft'),
  });
}

const shared = {
  topicUrl: (t: { id: number; slug: string }, page = 1) => `/t/${t.slug}/${t.id}${page > 1 ? `?page=${page}` : ''}`,
  boardUrl: (slug: string, page = 1) => `/b/${slug}${page > 1 ? `?page=${page}` : ''}`,
  userUrl: (username: string) => profileUrls.get(username) ?? profileUrl(username),
  /** The address of an uploaded avatar (its file name as stored on the user). */
  avatarUrl: (avatar: string) => `/avatars/${encodeURIComponent(avatar)}`,
  initials,
  avatarColour,
  /** "812 bytes", "3.4 KB", "1.0 MB". */
  fileSize: kib,
  /** The sign-in and sign-up links of the page at `path` (a request's URL): they bring the person back there. */
  signInUrl: (path?: string) => withNext('/signin', nextFrom(path)),
  signUpUrl: (path?: string) => withNext('/signup', nextFrom(path)),
  withNext,
  /** Sanitised or escaped HTML kept one byte a character (src/web/one-byte-html.ts). */
  html: oneByteHtml,
};

export type ViewHelpers = ReturnType<typeof helpersFor>;
const byLocale = new Map<string, ViewHelpers>();
/** The helpers of one language, made once per process. */
export function viewHelpersFor(locale: string): ViewHelpers {
  let h = byLocale.get(locale);
  if (!h) byLocale.set(locale, (h = helpersFor(locale)));
  return h;
}
/** English helpers, for code outside a request (links do not depend on the language). */
export const viewHelpers: ViewHelpers = viewHelpersFor('en');
export type { T };
