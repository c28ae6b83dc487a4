import Bowser from 'bowser';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { hashToken } from '../shared/tokens.ts';

/** How a session is named in forms: the start of its hash (never the token, which only the browser holds). */
export const SESSION_KEY_LENGTH = 16;
export const sessionKey = (hash: string) => hash.slice(0, SESSION_KEY_LENGTH);

export interface SessionListItem {
  key: string;
  /** Browser and system as the browser named them ("Firefox 133", "macOS"); null when unknown. */
  browser: string | null;
  os: string | null;
  mobile: boolean;
  createdAt: string;
  lastSeenAt: string;
  /** The session this request came with. */
  current: boolean;
}

/** Where the actor is signed in: their sessions that have not expired, most recently used first. */
export async function listSessions(db: Kysely<DB>, actor: Actor, currentToken: string | null, now = new Date()): Promise<SessionListItem[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'created_at', 'last_seen_at', 'user_agent'])
    .where('user_id', '=', actor.id)
    .where('expires_at', '>', now.toISOString())
    .execute();
  const current = currentToken ? hashToken(currentToken) : null;
  return rows
    .map((r) => ({ key: sessionKey(r.id), ...describeDevice(r.user_agent), createdAt: r.created_at, lastSeenAt: r.last_seen_at ?? r.created_at, current: r.id === current }))
    .sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt));
}

/** A User-Agent as a person reads it, through bowser (its names are the products' own). */
export function describeDevice(userAgent: string | null): { browser: string | null; os: string | null; mobile: boolean } {
  if (!userAgent) return { browser: null, os: null, mobile: false };
  const p = Bowser.parse(userAgent);
  const major = p.browser.version?.split('.')[0];
  const browser = p.browser.name ? `${p.browser.name}${major ? ` ${major}` : ''}` : null;
  const os = p.os.name ? `${p.os.name}${p.os.versionName ? ` ${p.os.versionName}` : ''}` : null;
  return { browser, os, mobile: p.platform.type === 'mobile' || p.platform.type === 'tablet' };
}
