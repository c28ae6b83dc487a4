// What every signed-in page needs beyond the session: the header's two counts (the bell's unread
// notifications and unread private conversations), in one statement: each was a round trip on
// PostgreSQL on every signed-in page (issue 19).
import type { Kysely } from 'kysely';
import type { FastifyRequest } from 'fastify';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { unreadCountQuery } from '../notifications/list-notifications.ts';
import { unreadConversationsQuery } from '../conversations/unread-conversations.ts';

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
  const row = (await db
    .selectNoFrom((eb) => [
      eb.selectFrom(unreadCountQuery(db, actor).as('bell')).select('bell.n').as('n'),
      eb.selectFrom(unreadConversationsQuery(db, actor).as('messages')).select('messages.n').as('m'),
    ])
    .executeTakeFirst()) as { n: number | string | null; m: number | string | null } | undefined;
  return { unreadNotifications: Number(row?.n ?? 0), unreadMessages: Number(row?.m ?? 0) };
}

/** Pages show the counts in their header; API calls, assets and form posts do not. */
export function wantsHeaderCounts(request: FastifyRequest): boolean {
  return request.method === 'GET' && !request.url.startsWith('/api/') && !request.url.startsWith('/assets/');
}
