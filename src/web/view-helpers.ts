import { badgesFor } from '../accounts/badges.ts';
import type { Role } from '../db/schema.ts';

const dateFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const timeFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
const numberFmt = new Intl.NumberFormat('en-GB');

/** Small formatting helpers available to every template as `it.h`. */
export const viewHelpers = {
  date: (iso: string | null | undefined) => (iso ? dateFmt.format(new Date(iso)) : ''),
  dateTime: (iso: string | null | undefined) => (iso ? timeFmt.format(new Date(iso)) + ' UTC' : ''),
  /** "3 hours ago" for recent times, the date for older ones. */
  ago(iso: string | null | undefined, now = Date.now()): string {
    if (!iso) return '';
    const s = Math.max(0, (now - Date.parse(iso)) / 1000);
    if (s < 60) return 'just now';
    if (s < 3600) return `${Math.floor(s / 60)} min ago`;
    if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
    if (s < 86400 * 30) return `${Math.floor(s / 86400)} d ago`;
    return dateFmt.format(new Date(iso));
  },
  n: (v: number) => numberFmt.format(v),
  plural: (v: number, one: string, many: string) => `${numberFmt.format(v)} ${v === 1 ? one : many}`,
  badges: (roles: Role[] | undefined) => badgesFor(roles),
  topicUrl: (t: { id: number; slug: string }, page = 1) => `/t/${t.slug}/${t.id}${page > 1 ? `?page=${page}` : ''}`,
  boardUrl: (slug: string, page = 1) => `/b/${slug}${page > 1 ? `?page=${page}` : ''}`,
  userUrl: (username: string) => `/u/${encodeURIComponent(username)}`,
};
export type ViewHelpers = typeof viewHelpers;
