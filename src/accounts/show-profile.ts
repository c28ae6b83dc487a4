import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { NotFoundError, text } from '../shared/errors.ts';
import { rolesOf } from './find-user.ts';

/** The public part of a profile: what anyone, signed in or not, may see. */
export async function showPublicProfile(db: Kysely<DB>, username: string) {
  const user = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'bio', 'avatar', 'post_count', 'answer_count', 'created_at'])
    .where('username_lower', '=', username.toLowerCase())
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!user) throw new NotFoundError(text('accounts:errors.noSuchMember'));
  return { user, roles: await rolesOf(db, user.id) };
}
