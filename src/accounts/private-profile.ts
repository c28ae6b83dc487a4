import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { logStaffAction } from '../moderation/staff-log.ts';
import { NotFoundError, text } from '../shared/errors.ts';

/**
 * The private part of a profile. Only the owner and the roles the policy allows may see it, and
 * every view of someone else's private data is written to the access log first.
 */
export async function showPrivateProfile(db: Kysely<DB>, actor: Actor, username: string) {
  const user = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'email', 'email_verified_at', 'real_name', 'phone', 'customer_number'])
    .where('username_lower', '=', username.toLowerCase())
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!user) throw new NotFoundError(text('accounts:errors.noSuchMember'));
  authorize(actor, 'user.viewPrivate', user);
  if (actor.id !== user.id) {
    await db.insertInto('private_data_views').values({ viewer_id: actor.id, subject_id: user.id, at: nowIso() }).execute();
    await logStaffAction(db, actor, { action: 'user.view_private', target: `user:${user.id}` }); // also in the staff action log (src/moderation)
  }
  return user;
}

/** The access log, newest first (admins). */
export async function listPrivateDataViews(db: Kysely<DB>, actor: Actor, limit = 200) {
  authorize(actor, 'accessLog.view', null);
  return db
    .selectFrom('private_data_views')
    .leftJoin('users as viewer', 'viewer.id', 'private_data_views.viewer_id')
    .leftJoin('users as subject', 'subject.id', 'private_data_views.subject_id')
    .select(['private_data_views.id', 'private_data_views.at', 'viewer.username as viewer', 'subject.username as subject', 'private_data_views.conversation_id'])
    .orderBy('private_data_views.id', 'desc')
    .limit(limit)
    .execute();
}
