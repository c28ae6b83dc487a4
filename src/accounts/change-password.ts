import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { text, UserError } from '../shared/errors.ts';
import { revokeAllApiTokens } from '../api/tokens/revoke-all-tokens.ts';
import { hashPassword } from './passwords.ts';
import { assertStrongPassword } from './password-strength.ts';
import { createSession, destroyUserSessions } from './sessions.ts';
import { verifyAccountPassword, type SignInClient } from './sign-in-throttle.ts';
import { passwordSchema } from './validation.ts';

/**
 * Changes the password, signs out every other session, revokes every API token, and returns a
 * fresh session. A wrong current password counts as a failed sign-in (same throttle).
 */
export async function changePassword(db: Kysely<DB>, actor: Actor, current: string, next: string, client: SignInClient) {
  const user = await db.selectFrom('users').select(['password_hash', 'username', 'email']).where('id', '=', actor.id).executeTakeFirstOrThrow();
  if (user.password_hash && !(await verifyAccountPassword(db, { id: actor.id, password_hash: user.password_hash }, typeof current === 'string' ? current : '', client))) {
    throw new UserError(text('accounts:errors.currentPasswordWrong'), 400, 'currentPassword');
  }
  const parsed = passwordSchema.safeParse(next);
  if (!parsed.success) throw new UserError(parsed.error.issues[0]!.message, 400, 'newPassword');
  try {
    await assertStrongPassword(next, [user.username, user.email ?? '']);
  } catch (err) {
    throw new UserError(err instanceof UserError && err.text ? err.text : (err as Error).message, 400, 'newPassword');
  }
  await db.updateTable('users').set({ password_hash: await hashPassword(next) }).where('id', '=', actor.id).execute();
  await destroyUserSessions(db, actor.id);
  const revokedTokens = await revokeAllApiTokens(db, actor.id);
  return { ...(await createSession(db, actor.id, client.userAgent)), revokedTokens };
}
