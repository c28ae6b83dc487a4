import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB, Role } from '../db/schema.ts';
import { nowIso } from '../shared/clock.ts';
import { FieldErrors, text, UserError, type Text } from '../shared/errors.ts';
import { LOCALES } from '../i18n/index.ts';

/** The account fields' checks alone, for a form that reports every problem at once. */
export function accountFieldProblems(raw: Partial<CreateUserInput>): Record<string, string | Text> {
  const parsed = input.safeParse({ roles: [], ...raw });
  return parsed.success ? {} : fieldTexts(parsed.error.issues as never);
}
import { hashPassword } from './passwords.ts';
import { displayNameSchema, emailSchema, fieldTexts, passwordSchema, usernameSchema } from './validation.ts';
import { ROLES } from '../db/schema.ts';
import { assertNotConfusable, roleWordProblem } from './impersonation.ts';

const input = z.object({
  username: usernameSchema,
  email: emailSchema,
  displayName: displayNameSchema,
  password: passwordSchema,
  bio: z.string().max(2000).default(''),
  roles: z.array(z.enum(ROLES as [Role, ...Role[]])).default([]),
  emailVerified: z.boolean().default(false),
  createdAt: z.string().optional(),
  /** The account's language (null: as the browser asks). */
  locale: z.enum(LOCALES).nullable().default(null),
});

export type CreateUserInput = z.input<typeof input>;

/**
 * Creates an account. Every account is a member; other roles given here are recorded in the
 * role log as granted by `actorId` (null = the system, e.g. the CLI or the seed).
 */
export async function createUser(db: Kysely<DB>, raw: CreateUserInput, actorId: number | null = null): Promise<{ id: number }> {
  const parsed = input.safeParse(raw);
  if (!parsed.success) throw new FieldErrors(fieldTexts(parsed.error.issues as never));
  const u = parsed.data;
  const roleWord = roleWordProblem(u.displayName, u.roles);
  if (roleWord) throw new UserError(roleWord, 400, 'displayName');
  const passwordHash = await hashPassword(u.password);
  const at = u.createdAt ?? nowIso();
  const roles = [...new Set<Role>(['member', ...u.roles])];

  return db.transaction().execute(async (tx) => {
    const clash = await tx
      .selectFrom('users')
      .select(['username_lower', 'email_lower'])
      .where((eb) => eb.or([eb('username_lower', '=', u.username.toLowerCase()), eb('email_lower', '=', u.email.toLowerCase())]))
      .executeTakeFirst();
    if (clash?.username_lower === u.username.toLowerCase()) throw new UserError(text('accounts:errors.usernameTaken'), 409, 'username');
    if (clash) throw new UserError(text('accounts:errors.emailTaken'), 409, 'email');
    await assertNotConfusable(tx, { username: u.username, displayName: u.displayName });

    const { id } = await tx
      .insertInto('users')
      .values({
        username: u.username,
        username_lower: u.username.toLowerCase(),
        email: u.email,
        email_lower: u.email.toLowerCase(),
        email_verified_at: u.emailVerified ? at : null,
        display_name: u.displayName,
        password_hash: passwordHash,
        bio: u.bio,
        created_at: at,
        deleted_at: null,
        locale: u.locale,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('user_roles')
      .values(roles.map((role) => ({ user_id: id, role, granted_at: at, granted_by: actorId })))
      .execute();
    await tx
      .insertInto('role_changes')
      .values(roles.map((role) => ({ user_id: id, role, action: 'grant' as const, actor_id: actorId, reason: 'account created', at })))
      .execute();
    return { id };
  });
}
