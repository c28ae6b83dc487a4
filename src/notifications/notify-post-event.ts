// Notifications about something done to a post: an accepted answer (to its author) and kudos
// (to its author). Called by the use cases once their change is committed.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { createNotifications, subjectOf, topicOfPost } from './create-notifications.ts';

export async function notifyPostEvent(db: Kysely<DB>, kind: 'accepted' | 'kudos', postId: number, actorId: number): Promise<void> {
  const post = await topicOfPost(db, postId);
  if (!post || post.deleted_at || post.topic_deleted) return;
  await createNotifications(db, { actorId, topic: subjectOf(post), postId }, [{ userId: post.user_id, kind }]);
}
