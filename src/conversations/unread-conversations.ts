// The header's in-app signal for private messages: how many of a person's conversations have
// messages they have not read (muted and left ones do not count). One indexed count per
// signed-in page, like the notification bell's.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';

export async function unreadConversations(db: Kysely<DB>, actor: Actor): Promise<number> {
  const row = await unreadConversationsQuery(db, actor).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The count as a query (also run inside src/accounts/signed-in-facts.ts). */
export function unreadConversationsQuery(db: Kysely<DB>, actor: Actor) {
  return db
    .selectFrom('conversation_participants as p')
    .innerJoin('conversations as c', 'c.id', 'p.conversation_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('p.user_id', '=', actor.id)
    .where('p.left_at', 'is', null)
    .where('p.muted', '=', 0)
    .whereRef('c.last_message_id', '>', 'p.last_read_message_id');
}
