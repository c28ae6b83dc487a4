// `parley user set-password NAME` (issue 18): an operator sets a new password, e.g. for a demo
// account whose start-up password scrolled away. Same checks as a reset; the account's sessions
// end (it is signed out everywhere) and its failed sign-ins are forgotten.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { UserError } from '../shared/errors.ts';
import { findUserByLogin } from './find-user.ts';
import { hashPassword } from './passwords.ts';
import { assertStrongPassword } from './password-strength.ts';
import { destroyUserSessions } from './sessions.ts';
import { passwordSchema } from './validation.ts';

export async function setPassword(db: Kysely<DB>, login: string, password: string): Promise<{ username: string }> {
  const user = await findUserByLogin(db, login);
  if (!user) throw new UserError(`No user "${login}"`, 404);
  const parsed = passwordSchema.safeParse(password);
  if (!parsed.success) throw new UserError(parsed.error.issues[0]!.message, 400, 'password');
  await assertStrongPassword(password, [user.username]);
  const hash = await hashPassword(password);
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('users').set({ password_hash: hash }).where('id', '=', user.id).execute();
    await tx.deleteFrom('sign_in_failures').where('user_id', '=', user.id).execute();
  });
  await destroyUserSessions(db, user.id);
  return { username: user.username };
}
