// Where each page of a board starts, for pages typed by number (issue 19). A board page by key
// (`?page=N&after=…`) is one index range at any depth, but `?page=300` alone is an OFFSET: the
// database steps over 8,970 index entries first (on SQLite ~0.25 ms, as much as the rest of the
// page). This directory keeps, per board, the key of the first topic of each page it has seen
// read, so the next view of that page by number is read by key too (`from` that key). It holds for
// one listing version of the board (boards.listing_version, kept by triggers on topics: migration
// 033); when the version moves on, the board's directory starts afresh. Filling it costs nothing:
// a page read by offset tells its own first key. A directory is only a hint for where a page
// starts: the page's query still applies every condition of the listing, and each worker keeps its own.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/** A topic's place in the default order: [pinned, last_post_at, id]. */
export type PageKey = [number, string, number];

interface Directory {
  version: number;
  /** Page number → the key of its first topic. */
  firsts: Map<number, PageKey>;
}

// Boards remembered per database handle, and pages per board; the oldest is forgotten past these
// (a key is ~100 bytes: every page of a board at 10 M posts, ~3,200, is ~0.3 MB).
const MAX_BOARDS = 200;
const MAX_PAGES = 10_000;
const directories = new WeakMap<Kysely<DB>, Map<number, Directory>>();

/** The key of the first topic of page `page` of the board in its default order, if known for this listing version. */
export function pageFirstKey(db: Kysely<DB>, boardId: number, version: number, page: number): PageKey | null {
  const dir = directories.get(db)?.get(boardId);
  return page >= 2 && dir?.version === version ? (dir.firsts.get(page) ?? null) : null;
}

/** What a page read by the board's listing at `version` began with. */
export function rememberPageFirst(db: Kysely<DB>, boardId: number, version: number, page: number, first: { pinned: number; last_post_at: string; id: number }): void {
  if (page < 2) return;
  let boards = directories.get(db);
  if (!boards) directories.set(db, (boards = new Map()));
  let dir = boards.get(boardId);
  if (!dir || dir.version !== version) {
    // A reader that read an older version than the directory's must not wipe the newer one.
    if (dir && dir.version > version) return;
    boards.delete(boardId);
    boards.set(boardId, (dir = { version, firsts: new Map() }));
    if (boards.size > MAX_BOARDS) boards.delete(boards.keys().next().value!);
  }
  if (dir.firsts.has(page)) return;
  dir.firsts.set(page, [Number(first.pinned), String(first.last_post_at), Number(first.id)]);
  if (dir.firsts.size > MAX_PAGES) dir.firsts.delete(dir.firsts.keys().next().value!);
}

// PostgreSQL reads the board and its page in one statement, by slug: the board's id is
// remembered from earlier views of it, and the statement checks both the id and the version.
const boardIds = new WeakMap<Kysely<DB>, Map<string, number>>();

export function rememberBoardId(db: Kysely<DB>, slug: string, id: number): void {
  let ids = boardIds.get(db);
  if (!ids) boardIds.set(db, (ids = new Map()));
  if (ids.get(slug) === id) return;
  ids.set(slug, id);
  if (ids.size > MAX_BOARDS) ids.delete(ids.keys().next().value!);
}

/** Where a board's page by number starts, if the directory knows, with the board id and version it holds for. */
export interface KnownStart { boardId: number; version: number; key: PageKey }

export function knownBoardStart(db: Kysely<DB>, slug: string, page: number): KnownStart | null {
  const boardId = boardIds.get(db)?.get(slug);
  const version = boardId === undefined ? undefined : directories.get(db)?.get(boardId)?.version;
  const key = version === undefined ? null : pageFirstKey(db, boardId!, version, page);
  return key ? { boardId: boardId!, version: version!, key } : null;
}
