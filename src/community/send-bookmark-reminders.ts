// Reminders of saved posts: a sweep (every minute, src/notifications/plugin.ts) turns each
// reminder that has come due into a 'reminder' notification for the reader, in the app or by
// e-mail as they chose for that kind, and clears it. Each one is claimed by a conditional update
// first, so two workers sweeping at once send it once. A post the reader can no longer read sends
// nothing (createNotifications asks the policy), and its reminder is cleared all the same.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { createNotifications } from '../notifications/create-notifications.ts';

const BATCH = 500;

/** Sends the reminders due at `now`; returns how many notifications were made. */
export async function sendBookmarkReminders(db: Kysely<DB>, now = Date.now()): Promise<number> {
  const due = await db
    .selectFrom('bookmarks as k')
    .innerJoin('posts as p', 'p.id', 'k.post_id')
    .innerJoin('topics as t', 't.id', 'p.topic_id')
    .innerJoin('boards as b', 'b.id', 't.board_id')
    .select(['k.user_id', 'k.post_id', 'k.remind_at', 'p.deleted_at', 't.id as topic_id', 't.locked', 't.closed', 't.deleted_at as topic_deleted', 'b.visibility'])
    .where('k.remind_at', 'is not', null)
    .where('k.remind_at', '<=', new Date(now).toISOString())
    .orderBy('k.remind_at')
    .limit(BATCH)
    .execute();
  let sent = 0;
  for (const r of due) {
    const claimed = await db.updateTable('bookmarks').set({ remind_at: null })
      .where('user_id', '=', r.user_id).where('post_id', '=', r.post_id).where('remind_at', '=', r.remind_at).executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0 || r.deleted_at) continue;
    const topic = { id: r.topic_id, board: { visibility: r.visibility }, locked: !!r.locked, closed: !!r.closed, deleted: !!r.topic_deleted };
    sent += (await createNotifications(db, { actorId: null, topic, postId: r.post_id, at: r.remind_at! }, [{ userId: r.user_id, kind: 'reminder' }])).length;
  }
  return sent;
}
