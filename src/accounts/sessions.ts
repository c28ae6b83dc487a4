import type { Kysely } from 'kysely';
import type { DB, Role } from '../db/schema.ts';
import { hashToken, newToken } from '../shared/tokens.ts';
import { preparedQuery, S1 } from '../db/prepared.ts';

export const SESSION_COOKIE = 'parley_session';
export const SESSION_DAYS = 30;

/**
 * The session cookie's value (signed): `<user id>.<token>`. The id lets a request whose session is
 * gone tell a suspended account why (suspending signs the account out everywhere, and the
 * open tab's next form post would otherwise be refused as a stale form: auth-plugin.ts).
 * Cookies from before hold the token alone, and still work.
 */
export const sessionCookieValue = (userId: number, token: string): string => `${userId}.${token}`;

/** The token and the account a session cookie names (no account in an older cookie). */
export function readSessionCookie(value: string): { userId: number | null; token: string } {
  const m = /^(\d{1,15})\.(.+)$/.exec(value);
  return m ? { userId: Number(m[1]), token: m[2]! } : { userId: null, token: value };
}

/** How often a session's last use is written (not on every request). */
export const SESSION_TOUCH_MS = 10 * 60_000;

/** A User-Agent as stored: printable, at most 300 characters (they can be longer, and are the browser's own words). */
export const cleanUserAgent = (ua: unknown): string | null => {
  if (typeof ua !== 'string') return null;
  const clean = ua.replace(/[^\x20-\x7e]/g, '').trim().slice(0, 300);
  return clean || null;
};

export async function createSession(db: Kysely<DB>, userId: number, userAgent?: string | null): Promise<{ token: string; expires: Date }> {
  const { token, hash } = newToken();
  const now = new Date();
  const expires = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
  await db.insertInto('sessions').values({ id: hash, user_id: userId, created_at: now.toISOString(), expires_at: expires.toISOString(), user_agent: cleanUserAgent(userAgent), last_seen_at: now.toISOString() }).execute();
  return { token, expires };
}

/** Notes that a session was used now, if it was not noted in the last SESSION_TOUCH_MS. */
export async function touchSession(db: Kysely<DB>, token: string, lastSeenAt: string | null, now = Date.now()): Promise<void> {
  if (lastSeenAt && Date.parse(lastSeenAt) > now - SESSION_TOUCH_MS) return;
  await db.updateTable('sessions').set({ last_seen_at: new Date(now).toISOString() }).where('id', '=', hashToken(token)).execute();
}

/**
 * The signed-in user of a session token, with their roles and the boards they moderate (what the
 * policy needs), or null when unknown, expired or suspended. One statement: the roles and boards
 * come as joined rows (a person has a few of each), so a signed-in request costs one round trip
 * here instead of three (issue 19). The avatar comes along for the header's menu (an author card
 * read for it was two more round trips whenever the card's cache had expired).
 */
export async function userForSession(db: Kysely<DB>, token: string) {
  if (!token || token.length > 100) return null;
  const rows = await sessionRows(db, hashToken(token));
  const row = rows[0];
  if (!row || row.expires_at < new Date().toISOString()) return null;
  if (row.suspended_until && row.suspended_until > new Date().toISOString()) return null; // suspended (src/moderation)
  const { suspended_until: _s, role: _r, board_id: _b, ...user } = row;
  const roles = new Set<Role>();
  const boards = new Set<number>();
  for (const r of rows) {
    if (r.role) roles.add(r.role);
    if (r.board_id !== null) boards.add(Number(r.board_id));
  }
  return { ...user, roles, boards };
}

// On every signed-in request: compiled once (src/db/prepared.ts), not built by Kysely each time.
const sessionRows = preparedQuery([S1] as [string], (db, sessionHash) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('user_roles', 'user_roles.user_id', 'users.id')
    .leftJoin('board_moderators', 'board_moderators.user_id', 'users.id')
    .select(['users.id', 'users.username', 'users.display_name', 'users.email_verified_at', 'users.locale', 'users.avatar', 'sessions.expires_at', 'sessions.last_seen_at', 'users.suspended_until', 'user_roles.role', 'board_moderators.board_id'])
    .where('sessions.id', '=', sessionHash)
    .where('users.deleted_at', 'is', null),
);

export async function destroySession(db: Kysely<DB>, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', hashToken(token)).execute();
}

/** Signs a user out everywhere (after a password change or reset). */
export async function destroyUserSessions(db: Kysely<DB>, userId: number): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

/** Signs a user out everywhere but the given session (after an e-mail address change, or when they ask); how many ended. */
export async function destroyOtherSessions(db: Kysely<DB>, userId: number, keepToken: string | null): Promise<number> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepToken) q = q.where('id', '!=', hashToken(keepToken));
  return Number((await q.executeTakeFirst()).numDeletedRows);
}
