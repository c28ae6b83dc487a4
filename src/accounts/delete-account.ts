import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { text, UserError } from '../shared/errors.ts';
import { avatarKey } from './avatar.ts';
import type { FileStore } from '../files/file-store.ts';
import { forgetAuthor } from './find-user.ts';
import { verifyPassword } from './passwords.ts';
import { removeMessagesOf } from '../conversations/remove-messages-of.ts';

/**
 * Deletes one's account: personal data is removed, the posts stay in their threads under
 * "deleted user" (conversations keep their sense). Confirmed by the password, or by typing the
 * username for accounts that sign in through single sign-on.
 */
export async function deleteAccount(db: Kysely<DB>, actor: Actor, confirmation: string, files: FileStore): Promise<void> {
  const user = await db.selectFrom('users').select(['username', 'password_hash', 'avatar']).where('id', '=', actor.id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!user) throw new UserError(text('accounts:errors.accountGone'), 404);
  const ok = user.password_hash
    ? await verifyPassword(user.password_hash, typeof confirmation === 'string' ? confirmation : '')
    : confirmation === user.username;
  if (!ok) throw new UserError(text(user.password_hash ? 'accounts:errors.deleteWrongPassword' : 'accounts:errors.deleteTypeUsername'), 400, 'confirmation');
  const placeholder = `deleted-${actor.id}`;
  await db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({
        username: placeholder,
        username_lower: placeholder,
        email: null,
        email_lower: null,
        email_verified_at: null,
        display_name: 'deleted user',
        password_hash: null,
        bio: '',
        real_name: null,
        phone: null,
        customer_number: null,
        avatar: null,
        deleted_at: nowIso(),
      })
      .where('id', '=', actor.id)
      .execute();
    await tx.deleteFrom('sessions').where('user_id', '=', actor.id).execute();
    await tx.deleteFrom('email_tokens').where('user_id', '=', actor.id).execute();
    await tx.deleteFrom('sign_in_failures').where('user_id', '=', actor.id).execute();
    await tx.deleteFrom('user_roles').where('user_id', '=', actor.id).execute();
    await tx.deleteFrom('user_identities').where('user_id', '=', actor.id).execute();
    await tx.deleteFrom('two_factor_backup_codes').where('user_id', '=', actor.id).execute();
    await tx.deleteFrom('two_factor').where('user_id', '=', actor.id).execute();
    await tx.deleteFrom('bookmarks').where('user_id', '=', actor.id).execute();
    await tx.deleteFrom('user_ignores').where((eb) => eb.or([eb('user_id', '=', actor.id), eb('ignored_user_id', '=', actor.id)])).execute();
    await removeMessagesOf(tx, actor.id);
  });
  forgetAuthor(db, actor.id);
  if (user.avatar) await files.delete(avatarKey(user.avatar));
}
