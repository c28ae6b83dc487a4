import { boardsOf } from '../moderation/board-moderators.ts';
import type { Kysely } from 'kysely';
import type { DB, Role } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { cacheLifetime, onResync, publish, subscribe } from '../cluster/bus.ts';

/** Looks an account up by username or e-mail address, case-insensitively. */
export async function findUserByLogin(db: Kysely<DB>, login: string) {
  const key = login.trim().toLowerCase();
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb.or([eb('username_lower', '=', key), eb('email_lower', '=', key)]))
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function rolesOf(db: Kysely<DB>, userId: number): Promise<Role[]> {
  const rows = await db.selectFrom('user_roles').select('role').where('user_id', '=', userId).execute();
  return rows.map((r) => r.role);
}

export async function loadActor(db: Kysely<DB>, userId: number): Promise<Actor | null> {
  const user = await db.selectFrom('users').select('id').where('id', '=', userId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!user) return null;
  return { id: user.id, roles: new Set(await rolesOf(db, userId)), ...await boardsOf(db, userId) };
}

// Names and badges beside posts are read on every page and change rarely: each author's card
// (username, display name, deleted or not, roles) is kept for a minute per database handle. A
// change made through this server drops the card at once (forgetAuthor; in every worker, over the
// cluster bus); other processes (the CLI) show it within AUTHOR_TTL_MS. Authorization never uses these cards: loadActor reads the roles afresh.
const AUTHOR_TTL_MS = 60_000;
const AUTHOR_CACHE_MAX = 50_000;

export interface AuthorCard {
  username: string;
  display_name: string;
  user_deleted: string | null;
  /** The avatar's file name, or null (initials are shown). */
  avatar: string | null;
  roles: Role[];
}

const authorCaches = new WeakMap<Kysely<DB>, Map<number, AuthorCard & { at: number }>>();

/** After a change to a person's name, roles or account: their next card is read afresh. */
export function forgetAuthor(db: Kysely<DB>, userId: number): void {
  dropAuthorCard(db, userId);
  publish(AUTHOR_CHANNEL, userId);
}

/** What the other workers of a clustered server do when one of them forgot an author's card. */
export function followForgottenAuthors(db: Kysely<DB>): () => void {
  const unsubscribe = subscribe(AUTHOR_CHANNEL, (userId) => dropAuthorCard(db, Number(userId)));
  const unresync = onResync(() => authorCaches.get(db)?.clear());
  return () => (unsubscribe(), unresync());
}

const AUTHOR_CHANNEL = 'author';
function dropAuthorCard(db: Kysely<DB>, userId: number): void {
  authorCaches.get(db)?.delete(userId);
}

/** Author cards for many users at once (two queries for the ones not known yet, none usually). */
export async function authorCards(db: Kysely<DB>, userIds: readonly number[]): Promise<Map<number, AuthorCard>> {
  const map = cachedAuthorCards(db, userIds);
  const missing = [...new Set(userIds)].filter((id) => !map.has(id));
  if (missing.length === 0) return map;
  const users = await db.selectFrom('users').select(['id', 'username', 'display_name', 'deleted_at', 'avatar']).where('id', 'in', missing).execute();
  const roles = await db.selectFrom('user_roles').select(['user_id', 'role']).where('user_id', 'in', missing).execute();
  const read = new Map(users.map((u) => [u.id, { username: u.username, display_name: u.display_name, user_deleted: u.deleted_at, avatar: u.avatar, roles: [] as Role[] }]));
  for (const r of roles) read.get(r.user_id)?.roles.push(r.role);
  keepAuthorCards(db, read);
  for (const [id, card] of read) map.set(id, card);
  return map;
}

/** The cached cards among `userIds` that are still fresh, without a query. */
export function cachedAuthorCards(db: Kysely<DB>, userIds: Iterable<number>): Map<number, AuthorCard> {
  const map = new Map<number, AuthorCard>();
  const cache = authorCaches.get(db);
  if (!cache) return map;
  const now = Date.now();
  for (const id of userIds) {
    const hit = cache.get(id);
    if (hit && hit.at + cacheLifetime(AUTHOR_TTL_MS) > now) map.set(id, hit);
  }
  return map;
}

/** Keeps cards read elsewhere (the PostgreSQL topic page reads the authors it lacks in its own statement). */
export function keepAuthorCards(db: Kysely<DB>, cards: Map<number, AuthorCard>): void {
  let cache = authorCaches.get(db);
  if (!cache) authorCaches.set(db, (cache = new Map()));
  if (cache.size + cards.size > AUTHOR_CACHE_MAX) cache.clear();
  const at = Date.now();
  for (const [id, card] of cards) cache.set(id, Object.assign(card, { at }));
}

// Per page (a key its reader chooses), its authors' ids when last read: a page read in one
// statement (PostgreSQL's topic and board pages) passes the ones whose cards are still cached, and
// the statement skips them. The oldest pages make room first; a page not here reads all its
// authors, which is always correct.
const PAGE_AUTHORS_MAX = 20_000;
const pageAuthorsOf = new WeakMap<Kysely<DB>, Map<string, number[]>>();

/** The cached cards of the authors `pageKey` had when last read (see rememberPageAuthors). */
export function cachedPageAuthors(db: Kysely<DB>, pageKey: string): Map<number, AuthorCard> {
  return cachedAuthorCards(db, pageAuthorsOf.get(db)?.get(pageKey) ?? []);
}

/** Keeps the author cards a page read, and which authors it had. */
export function rememberPageAuthors(db: Kysely<DB>, pageKey: string, read: Map<number, AuthorCard>, authorIds: Iterable<number>): void {
  keepAuthorCards(db, read);
  let seen = pageAuthorsOf.get(db);
  if (!seen) pageAuthorsOf.set(db, (seen = new Map()));
  if (seen.size >= PAGE_AUTHORS_MAX) seen.delete(seen.keys().next().value!);
  seen.set(pageKey, [...new Set(authorIds)]);
}

/** Role lists for many users at once (for badges beside author names). */
export async function rolesByUser(db: Kysely<DB>, userIds: number[]): Promise<Map<number, Role[]>> {
  const roles = new Map<number, Role[]>();
  for (const [id, card] of await authorCards(db, userIds)) roles.set(id, card.roles);
  return roles;
}
