// Writing in-app notifications. Every recipient is checked against the policy as they are now
// (loadActor reads their roles afresh): nobody is told about a topic they may not read. Deleted
// accounts, the person who acted, and those who ignore that person are never told.
import type { Kysely } from 'kysely';
import { loadActor } from '../accounts/find-user.ts';
import type { BoardVisibility, DB, NotificationKind } from '../db/schema.ts';
import { can } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { preferencesOfMany } from './preferences.ts';
import { ignoringAmong } from '../accounts/ignore-user.ts';

export interface TopicSubject {
  id: number;
  board: { visibility: BoardVisibility };
  locked: boolean;
  closed: boolean;
  deleted: boolean;
}

export interface NewNotification {
  userId: number;
  kind: NotificationKind;
}

/** Stores notifications for those of `recipients` who may read the topic; returns who was told. */
export async function createNotifications(
  db: Kysely<DB>,
  event: { actorId: number | null; topic: TopicSubject; postId: number | null; at?: string },
  recipients: NewNotification[],
): Promise<NewNotification[]> {
  const at = event.at ?? nowIso();
  const told: NewNotification[] = [];
  const seen = new Set<number>();
  const ids = [...new Set(recipients.map((r) => r.userId))];
  const prefs = await preferencesOfMany(db, ids);
  // Those who ignore the person who acted hear nothing of it (src/accounts/ignore-user.ts).
  const ignoring = event.actorId !== null ? await ignoringAmong(db, event.actorId, ids) : new Set<number>();
  for (const r of recipients) {
    if (r.userId === event.actorId || seen.has(r.userId)) continue;
    seen.add(r.userId);
    if (prefs.get(r.userId)?.[r.kind] === 'off') continue; // the person turned this kind off
    if (ignoring.has(r.userId)) continue;
    const reader = await loadActor(db, r.userId);
    if (!reader || !can(reader, 'topic.view', event.topic)) continue;
    told.push(r);
  }
  if (told.length) {
    await db
      .insertInto('notifications')
      .values(told.map((r) => ({ user_id: r.userId, kind: r.kind, actor_id: event.actorId, topic_id: event.topic.id, post_id: event.postId, created_at: at, read_at: null })))
      .execute();
  }
  return told;
}

/** The topic of a post, as the policy needs it. */
export async function topicOfPost(db: Kysely<DB>, postId: number) {
  return db
    .selectFrom('posts')
    .innerJoin('topics', 'topics.id', 'posts.topic_id')
    .innerJoin('boards', 'boards.id', 'topics.board_id')
    .select([
      'posts.id', 'posts.user_id', 'posts.post_number', 'posts.body_markdown', 'posts.body_html', 'posts.deleted_at', 'topics.id as topic_id', 'topics.user_id as topic_author',
      'topics.board_id', 'topics.locked', 'topics.closed', 'topics.deleted_at as topic_deleted', 'boards.visibility',
    ])
    .where('posts.id', '=', postId)
    .executeTakeFirst();
}

export const subjectOf = (row: NonNullable<Awaited<ReturnType<typeof topicOfPost>>>): TopicSubject => ({
  id: row.topic_id,
  board: { visibility: row.visibility },
  locked: !!row.locked,
  closed: !!row.closed,
  deleted: !!row.topic_deleted,
});
