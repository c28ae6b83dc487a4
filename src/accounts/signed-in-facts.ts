// What every signed-in page needs beyond the session: the boards the person moderates (part of
// the actor, for the policy), and for pages, the header's two counts (the bell's unread
// notifications and unread private conversations). One statement instead of three: each was a
// round trip on PostgreSQL on every signed-in page (issue 19).
import { sql, type Kysely } from 'kysely';
import type { FastifyRequest } from 'fastify';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { unreadCountQuery } from '../notifications/list-notifications.ts';
import { unreadConversationsQuery } from '../conversations/unread-conversations.ts';

export interface SignedInFacts {
  boards?: ReadonlySet<number>;
  /** Only when asked for (pages, not API calls or form posts). */
  counts?: { unreadNotifications: number; unreadMessages: number };
}

/**
 * The moderated boards and, with `counts`, the header's counts, for an actor whose roles are known
 * (the bell counts only what those roles may see). Rows: ('b', board id) per board, ('n', count), ('m', count).
 */
export async function signedInFacts(db: Kysely<DB>, actor: Actor, counts: boolean): Promise<SignedInFacts> {
  const boards = db.selectFrom('board_moderators').select([sql<string>`'b'`.as('k'), 'board_id as n']).where('user_id', '=', actor.id);
  const query = counts
    ? boards
        .unionAll(db.selectNoFrom([sql<string>`'n'`.as('k'), (eb) => eb.selectFrom(unreadCountQuery(db, actor).as('bell')).select('bell.n').as('n')]) as never)
        .unionAll(db.selectNoFrom([sql<string>`'m'`.as('k'), (eb) => eb.selectFrom(unreadConversationsQuery(db, actor).as('messages')).select('messages.n').as('n')]) as never)
    : boards;
  const rows = (await query.execute()) as { k: string; n: number | string | null }[];
  const moderated = rows.filter((r) => r.k === 'b').map((r) => Number(r.n));
  const facts: SignedInFacts = moderated.length ? { boards: new Set(moderated) } : {};
  if (counts) {
    const count = (k: string) => Number(rows.find((r) => r.k === k)?.n ?? 0);
    facts.counts = { unreadNotifications: count('n'), unreadMessages: count('m') };
  }
  return facts;
}

/** Pages show the counts in their header; API calls, assets and form posts do not. */
export function wantsHeaderCounts(request: FastifyRequest): boolean {
  return request.method === 'GET' && !request.url.startsWith('/api/') && !request.url.startsWith('/assets/');
}
