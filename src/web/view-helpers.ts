import { badgesFor } from '../accounts/badges.ts';
import type { Role } from '../db/schema.ts';
import { kib } from '../attachments/text-file.ts';

const numberFmt = new Intl.NumberFormat('en-GB');
// Intl's formatter costs ~1 µs a call (a page calls it per post); below 1,000 there is nothing to group.
const formatNumber = (v: number) => (Number.isInteger(v) && v > -1000 && v < 1000 ? String(v) : numberFmt.format(v));
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// Stored times are ISO-8601 UTC strings ("2026-11-24T12:36:05.000Z"): reading the fields off
// the string gives the same text as Intl's en-GB format, at a fraction of the cost per post.
function isoDate(iso: string): string {
  return `${Number(iso.slice(8, 10))} ${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;
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
function initials(name: string): string {
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

/** Small formatting helpers available to every template as `it.h`. */
export const viewHelpers = {
  date: (iso: string | null | undefined) => (iso ? isoDate(iso) : ''),
  dateTime: (iso: string | null | undefined) => (iso ? `${isoDate(iso)}, ${iso.slice(11, 16)} UTC` : ''),
  /** "3 hours ago" for recent times, the date for older ones. */
  ago(iso: string | null | undefined, now = Date.now()): string {
    if (!iso) return '';
    const s = Math.max(0, (now - Date.parse(iso)) / 1000);
    if (s < 60) return 'just now';
    if (s < 3600) return `${Math.floor(s / 60)} min ago`;
    if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
    if (s < 86400 * 30) return `${Math.floor(s / 86400)} d ago`;
    return isoDate(iso);
  },
  n: formatNumber,
  plural: (v: number, one: string, many: string) => `${formatNumber(v)} ${v === 1 ? one : many}`,
  badges: (roles: Role[] | undefined) => badgesFor(roles),
  topicUrl: (t: { id: number; slug: string }, page = 1) => `/t/${t.slug}/${t.id}${page > 1 ? `?page=${page}` : ''}`,
  boardUrl: (slug: string, page = 1) => `/b/${slug}${page > 1 ? `?page=${page}` : ''}`,
  userUrl: (username: string) => profileUrls.get(username) ?? profileUrl(username),
  /** The address of an uploaded avatar (its file name as stored on the user). */
  avatarUrl: (avatar: string) => `/avatars/${encodeURIComponent(avatar)}`,
  initials,
  avatarColour,
  /** "812 bytes", "3.4 KB", "1.0 MB". */
  fileSize: kib,
};
export type ViewHelpers = typeof viewHelpers;
