// What every signed-in page needs beyond the session: the header's two counts (the bell's unread
// notifications and unread private conversations). Each was a round trip on PostgreSQL on every
// signed-in page (issue 19): most pages read them in one statement before their handler; the
// topic, board and home pages (route config `headerCountsInPage`) read them as two more columns
// of their own statement on PostgreSQL, so that such a page is the session plus one statement.
import { sql, type Compilable, type Kysely } from 'kysely';
import { P1, preparedQuery, S1 } from '../db/prepared.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DB } from '../db/schema.ts';
import { keptSince, unreadCountQuery } from '../notifications/list-notifications.ts';
import { unreadConversationsQuery } from '../conversations/unread-conversations.ts';
import type { ExtraColumns } from '../db/named-statements.ts';
import { onPostgres } from '../community/topic-page-postgres.ts';
import { countOpenReviews, openReviewsQuery } from '../moderation/queue-items.ts';
import { reviewsEverything } from '../moderation/queue-scope.ts';
import { can, visibleBoardKinds, type Actor } from '../policy/policy.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** This page reads the header's counts with its own data (see pageHeaderColumns): the
     * session's hooks leave them to its handler, which calls showHeaderCounts. */
    headerCountsInPage?: boolean;
  }
}

export interface HeaderCounts {
  unreadNotifications: number;
  unreadMessages: number;
}

/**
 * The header's counts for an actor whose roles are known (the bell counts only what those roles
 * may see): one statement, two scalar subqueries. The session, roles and moderated boards come
 * before, in one statement too (userForSession in sessions.ts).
 */
export async function headerCounts(db: Kysely<DB>, actor: Actor): Promise<HeaderCounts> {
  const [row] = await headerCountsQuery(actor)(db, actor.id, keptSince(Date.now()));
  return { unreadNotifications: Number(row?.n ?? 0), unreadMessages: Number(row?.m ?? 0) };
}

// Compiled once per set of board kinds the bell may count (the only part of the query that
// depends on the roles), since most signed-in pages on SQLite read it (src/db/prepared.ts).
const headerCountQueries = new Map<string, (db: Kysely<DB>, userId: number, from: string) => Promise<{ n: number | string | null; m: number | string | null }[]>>();
function headerCountsQuery(actor: Actor) {
  const kinds = visibleBoardKinds(actor).join();
  let query = headerCountQueries.get(kinds);
  if (!query) {
    query = preparedQuery([P1, S1] as [number, string], (db, userId, from) => {
      const who: Actor = { id: userId, roles: actor.roles };
      return db.selectNoFrom((eb) => [
        eb.selectFrom(unreadCountQuery(db, who, 0, from).as('bell')).select('bell.n').as('n'),
        eb.selectFrom(unreadConversationsQuery(db, who).as('messages')).select('messages.n').as('m'),
      ]) as unknown as Compilable<{ n: number | string | null; m: number | string | null }>;
    });
    headerCountQueries.set(kinds, query);
  }
  return query;
}

/** Pages show the counts in their header; API calls, assets and form posts do not. */
export function wantsHeaderCounts(request: FastifyRequest): boolean {
  return request.method === 'GET' && !request.url.startsWith('/api/') && !request.url.startsWith('/assets/');
}

/** Whether the route's handler reads the header's counts itself (with its page). */
export function countsReadByPage(request: FastifyRequest): boolean {
  return request.routeOptions.config?.headerCountsInPage === true;
}

/**
 * The same two counts as columns to add to a page's own statement on PostgreSQL (by name, see
 * ExtraColumns in src/db/named-statements.ts); null for a visitor, and on SQLite, whose pages run
 * query by query. The page returns their values; showHeaderCounts takes them there.
 */
export function pageHeaderColumns(db: Kysely<DB>, request: FastifyRequest): ExtraColumns | null {
  if (!request.actor || !wantsHeaderCounts(request) || !onPostgres(db)) return null;
  return headerCountColumns(db, request.actor);
}

/** The header's counts as named scalar subqueries (the same as headerCounts reads); for staff
 * also the review queue's open items ("Review (N)", as countOpenReviews). */
export function headerCountColumns(db: Kysely<DB>, actor: Actor, from = keptSince(Date.now())): ExtraColumns {
  // Built by Kysely and compiled once per shape (~150 µs on every signed-in page view before),
  // then given this actor's id and the oldest notification kept as parameters.
  const review = can(actor, 'queue.review', null);
  const shape = headerColumnsShape(actor, review);
  let shapes = columnShapes.get(db);
  if (!shapes) columnShapes.set(db, (shapes = new Map()));
  let columns = shapes.get(shape);
  if (!columns) {
    const who: Actor = { ...actor, id: P1 };
    const built: ExtraColumns = { header_notifications: unreadCountQuery(db, who, 0, S1), header_messages: unreadConversationsQuery(db, who) };
    if (review) built.header_reviews = openReviewsQuery(db, who);
    columns = Object.entries(built).map(([name, query]) => {
      const compiled = (query as unknown as Compilable<unknown>).compile();
      const fragments = compiled.sql.split(/\$\d+/); // PostgreSQL's numbered parameters (these columns are PostgreSQL's)
      if (fragments.length !== compiled.parameters.length + 1) throw new Error('headerCountColumns: PostgreSQL only');
      // In parentheses, as Kysely writes a subquery it embeds.
      fragments[0] = `(${fragments[0]}`;
      fragments[fragments.length - 1] += ')';
      return [name, { fragments, parameters: compiled.parameters }] as const;
    });
    shapes.set(shape, columns);
  }
  const extra: ExtraColumns = {};
  for (const [name, { fragments, parameters }] of columns) {
    const values = parameters.map((v) => (v === P1 ? actor.id : v === S1 ? from : v));
    extra[name] = sql(fragments as unknown as TemplateStringsArray, ...values);
  }
  builtFor.set(extra, { actor, from, shape });
  return extra;
}

/** What the columns' SQL depends on: the board kinds the bell counts, and for staff the queue's scope. */
function headerColumnsShape(actor: Actor, review: boolean): string {
  return `${visibleBoardKinds(actor).join()}|${review ? `${reviewsEverything(actor)}:${[...(actor.boards ?? [])].sort((a, b) => a - b).join()}` : '-'}`;
}

// Whom and when a set of columns was made for, so that a page's statement that takes them along can
// be compiled once per shape too (topic-page-postgres.ts): its shape key, and the values to give.
const builtFor = new WeakMap<ExtraColumns, { actor: Actor; from: string; shape: string }>();
export const headerColumnsMadeFor = (extra: ExtraColumns) => builtFor.get(extra);
const columnShapes = new WeakMap<Kysely<DB>, Map<string, (readonly [string, { fragments: string[]; parameters: readonly unknown[] }])[]>>();

/** The counts from the values of headerCountColumns' columns; null when they were not read. */
export function headerCountsFrom(values: Record<string, unknown> | null | undefined): HeaderCounts | null {
  if (!values || !('header_notifications' in values)) return null;
  return { unreadNotifications: Number(values.header_notifications ?? 0), unreadMessages: Number(values.header_messages ?? 0) };
}

/**
 * Puts the header's counts on the page being rendered: from the page's own statement (`columns`:
 * the values of pageHeaderColumns' columns), else read now (SQLite, whose pages run query by
 * query, or a page that could not take the columns along). Visitors: nothing.
 */
export async function showHeaderCounts(db: Kysely<DB>, request: FastifyRequest, reply: FastifyReply, columns?: Record<string, unknown> | null): Promise<void> {
  if (!request.actor || !reply.locals || !wantsHeaderCounts(request)) return;
  const counts = headerCountsFrom(columns) ?? request.headerCounts ?? await headerCounts(db, request.actor);
  request.headerCounts = counts;
  reply.locals.unreadNotifications = counts.unreadNotifications;
  // New private messages show beside "Messages" (src/conversations), the same way.
  reply.locals.unreadMessages = counts.unreadMessages;
  // Staff's "Review (N)": on other pages a hook of the web server reads it (src/web/server.ts).
  if (countsReadByPage(request) && can(request.actor, 'queue.review', null)) {
    reply.locals.reviewCount = columns && 'header_reviews' in columns ? Number(columns.header_reviews ?? 0) : await countOpenReviews(db, request.actor);
  }
}
