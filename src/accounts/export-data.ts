import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { conversationsForExport } from '../conversations/export-conversations.ts';
import { twoFactorState } from './two-factor.ts';
import { listIgnored } from './ignore-user.ts';

/** Everything Parley holds about the actor, as one JSON document (right of access). */
export async function exportMyData(db: Kysely<DB>, actor: Actor) {
  const user = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'email', 'email_verified_at', 'bio', 'real_name', 'phone', 'customer_number', 'avatar', 'post_count', 'answer_count', 'created_at'])
    .where('id', '=', actor.id)
    .executeTakeFirstOrThrow();
  const [roles, roleChanges, posts, topics, acknowledgements, sessions, attachments] = await Promise.all([
    db.selectFrom('user_roles').select(['role', 'granted_at']).where('user_id', '=', actor.id).execute(),
    db.selectFrom('role_changes').select(['role', 'action', 'reason', 'at']).where('user_id', '=', actor.id).orderBy('id').execute(),
    db.selectFrom('posts').select(['id', 'topic_id', 'post_number', 'body_markdown', 'created_at', 'updated_at', 'deleted_at']).where('user_id', '=', actor.id).orderBy('id').execute(),
    db.selectFrom('topics').select(['id', 'title', 'kind', 'created_at']).where('user_id', '=', actor.id).orderBy('id').execute(),
    db.selectFrom('guideline_acks').select(['version', 'at']).where('user_id', '=', actor.id).execute(),
    db.selectFrom('sessions').select(['created_at', 'expires_at']).where('user_id', '=', actor.id).execute(),
    db
      .selectFrom('attachments')
      .innerJoin('posts', 'posts.id', 'attachments.post_id')
      .select(['attachments.post_id', 'attachments.filename', 'attachments.text', 'attachments.created_at'])
      .where('posts.user_id', '=', actor.id)
      .orderBy('attachments.id')
      .execute(),
  ]);
  const conversations = await conversationsForExport(db, actor.id);
  // Saved posts: which post and the reader's own note (the post's text is the author's, not theirs).
  const ignoring = (await listIgnored(db, actor)).map((p) => ({ username: p.username, since: p.since }));
  const bookmarks = await db.selectFrom('bookmarks').select(['post_id', 'note', 'created_at']).where('user_id', '=', actor.id).orderBy('created_at').execute();
  // Whether it is on and since when; never the secret or the codes (an export is a file that travels).
  const { on, since } = await twoFactorState(db, actor.id);
  return { exportedAt: new Date().toISOString(), profile: user, roles, roleChanges, topics, posts, attachments, guidelineAcknowledgements: acknowledgements, sessions, twoStepVerification: { on, since }, bookmarks, ignoring, conversations };
}
