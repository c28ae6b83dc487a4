// Retention (issue 20, point 4): messages older than MESSAGE_RETENTION_DAYS (default two years)
// are deleted by the daily maintenance; conversations left without messages go with them.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export async function purgeOldMessages(db: Kysely<DB>, retentionDays: number, now = Date.now()): Promise<number> {
  const before = new Date(now - retentionDays * 86_400_000).toISOString();
  return db.transaction().execute(async (tx) => {
    const r = await tx.deleteFrom('conversation_messages').where('created_at', '<', before).executeTakeFirst();
    const purged = Number(r.numDeletedRows);
    if (purged) {
      await tx.deleteFrom('conversations').where('last_message_at', '<', before).where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('conversation_messages').select('conversation_messages.id').whereRef('conversation_messages.conversation_id', '=', 'conversations.id'))),
      ).execute();
      // What is left keeps a true message count (the pages are numbered from it).
      await tx
        .updateTable('conversations')
        .set((eb) => ({ message_count: eb.selectFrom('conversation_messages').select((e) => e.fn.countAll<number>().as('n')).whereRef('conversation_messages.conversation_id', '=', 'conversations.id') }))
        .where('created_at', '<', before)
        .execute();
    }
    return purged;
  });
}
