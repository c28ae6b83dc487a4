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
  const map = new Map<number, AuthorCard>();
  if (userIds.length === 0) return map;
  let cache = authorCaches.get(db);
  if (!cache) authorCaches.set(db, (cache = new Map()));
  const now = Date.now();
  const missing: number[] = [];
  for (const id of new Set(userIds)) {
    const hit = cache.get(id);
    if (hit && hit.at + cacheLifetime(AUTHOR_TTL_MS) > now) map.set(id, hit);
    else missing.push(id);
  }
  if (missing.length === 0) return map;
  const users = await db.selectFrom('users').select(['id', 'username', 'display_name', 'deleted_at', 'avatar']).where('id', 'in', missing).execute();
  const roles = await db.selectFrom('user_roles').select(['user_id', 'role']).where('user_id', 'in', missing).execute();
  if (cache.size + missing.length > AUTHOR_CACHE_MAX) cache.clear();
  for (const u of users) {
    const card = { username: u.username, display_name: u.display_name, user_deleted: u.deleted_at, avatar: u.avatar, roles: [] as Role[], at: now };
    cache.set(u.id, card);
    map.set(u.id, card);
  }
  for (const r of roles) map.get(r.user_id)?.roles.push(r.role);
  return map;
}

/** Role lists for many users at once (for badges beside author names). */
export async function rolesByUser(db: Kysely<DB>, userIds: number[]): Promise<Map<number, Role[]>> {
  const roles = new Map<number, Role[]>();
  for (const [id, card] of await authorCards(db, userIds)) roles.set(id, card.roles);
  return roles;
}
