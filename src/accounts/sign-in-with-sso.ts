// Signing in through the company's OpenID Connect provider. The provider is the company's own
// directory, so everyone who signs in this way is an Employee. The account is found by the
// provider's subject id; failing that, an existing account with the same address is linked,
// but only when the provider says it verified that address; failing that, one is created.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { nowIso } from '../shared/clock.ts';
import { text, UserError } from '../shared/errors.ts';
import { isLocale } from '../i18n/index.ts';
import { changeRole } from './change-role.ts';
import { createSession, destroyUserSessions } from './sessions.ts';
import { emailSchema } from './validation.ts';
import { displayNameProblem, nameKeys, roleWordProblem, usernameProblem } from './impersonation.ts';

/** The verified claims Parley uses (from the ID token, completed by UserInfo). */
export interface SsoClaims {
  sub: string;
  email?: string | undefined;
  email_verified?: boolean | undefined;
  name?: string | undefined;
  preferred_username?: string | undefined;
}

export const SSO_ROLE_REASON = 'company single sign-on';

export async function signInWithSso(
  db: Kysely<DB>,
  issuer: string,
  claims: SsoClaims,
  providerName = 'your company',
  /** The language of the page the person came from: a new account's e-mails speak it. */
  locale: string | null = null,
  /** The browser's User-Agent, kept with the session (account settings list where one is signed in). */
  userAgent: string | null = null,
): Promise<{ userId: number; token: string; expires: Date; created: boolean }> {
  if (!claims.sub || claims.sub.length > 255) throw new UserError(text('accounts:errors.ssoDidNotSay', { name: providerName }), 400);
  let created = false;
  let userId = await findIdentity(db, issuer, claims.sub);
  if (userId === null) {
    const email = parseEmail(claims.email, providerName);
    const verified = claims.email_verified === true;
    const existing = await db
      .selectFrom('users')
      .select(['id', 'email_verified_at'])
      .where('email_lower', '=', email.toLowerCase())
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (existing) {
      if (!verified) {
        throw new UserError(text('accounts:errors.ssoUnconfirmedEmail', { email, name: providerName }), 409);
      }
      userId = await link(db, issuer, claims.sub, existing);
    } else {
      userId = await createSsoUser(db, issuer, claims, email, verified, isLocale(locale) ? locale : null);
      created = userId !== null;
      // Another sign-in of the same person created it at the same moment: use that one.
      userId ??= await findIdentity(db, issuer, claims.sub);
      if (userId === null) throw new Error('single sign-on: the identity vanished after a conflicting insert');
    }
  }
  await changeRole(db, { userId, role: 'employee', action: 'grant', actorId: null, reason: SSO_ROLE_REASON });
  const session = await createSession(db, userId, userAgent);
  return { userId, ...session, created };
}

async function findIdentity(db: Kysely<DB>, issuer: string, subject: string): Promise<number | null> {
  const row = await db
    .selectFrom('user_identities')
    .innerJoin('users', 'users.id', 'user_identities.user_id')
    .select(['users.id', 'users.deleted_at'])
    .where('user_identities.provider', '=', issuer)
    .where('user_identities.subject', '=', subject)
    .executeTakeFirst();
  if (!row) return null;
  if (row.deleted_at === null) return row.id;
  // The account was deleted: the person starts afresh, like anyone signing in the first time.
  await db.deleteFrom('user_identities').where('provider', '=', issuer).where('subject', '=', subject).execute();
  return null;
}

function parseEmail(raw: string | undefined, providerName: string): string {
  if (!raw) {
    throw new UserError(text('accounts:errors.ssoNoEmail', { name: providerName }), 400);
  }
  const parsed = emailSchema.safeParse(raw);
  if (!parsed.success) throw new UserError(text('accounts:errors.ssoBadEmail', { name: providerName, email: raw }), 400);
  return parsed.data;
}

/**
 * Links an existing account whose address the provider verified. If Parley had not verified that
 * address yet, the account may have been opened by someone else in the owner's name: the
 * provider's word settles it, so the address becomes verified and any password and sessions set
 * up before are dropped (the owner can choose a password by the reset link).
 */
async function link(db: Kysely<DB>, issuer: string, subject: string, user: { id: number; email_verified_at: string | null }): Promise<number> {
  const at = nowIso();
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('user_identities').values({ provider: issuer, subject, user_id: user.id, created_at: at }).execute();
    if (!user.email_verified_at) {
      await tx.updateTable('users').set({ email_verified_at: at, password_hash: null }).where('id', '=', user.id).execute();
    }
  });
  if (!user.email_verified_at) await destroyUserSessions(db, user.id);
  return user.id;
}

/** Creates a password-less account linked to the identity; null when the identity appeared meanwhile. */
async function createSsoUser(db: Kysely<DB>, issuer: string, claims: SsoClaims, email: string, verified: boolean, locale: string | null): Promise<number | null> {
  const at = nowIso();
  const local = email.slice(0, email.lastIndexOf('@'));
  const wantedName = (claims.name?.trim() || claims.preferred_username?.trim() || local).slice(0, 60);
  try {
    return await db.transaction().execute(async (tx) => {
      const keys = await memberNameKeys(tx);
      const username = await freeUsername(tx, claims.preferred_username || local, keys);
      // The directory's name is used unless it would pass for a role (SSO accounts are employees:
      // they may say so, not more) or for another member (issue 17, point 7); refusing would lock
      // the employee out, so the username stands in, or tells two people of one name apart.
      const displayName = displayNameProblem(wantedName) || roleWordProblem(wantedName, ['employee']) ? username : nameKeys(wantedName).some((k) => keys.has(k)) ? `${wantedName.slice(0, 40)} (${username})`.slice(0, 60) : wantedName;
      const { id } = await tx
        .insertInto('users')
        .values({
          username,
          username_lower: username.toLowerCase(),
          email,
          email_lower: email.toLowerCase(),
          email_verified_at: verified ? at : null,
          display_name: displayName,
          password_hash: null,
          bio: '',
          created_at: at,
          deleted_at: null,
          locale,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx.insertInto('user_roles').values({ user_id: id, role: 'member', granted_at: at, granted_by: null }).execute();
      await tx.insertInto('role_changes').values({ user_id: id, role: 'member', action: 'grant', actor_id: null, reason: 'account created', at }).execute();
      await tx.insertInto('user_identities').values({ provider: issuer, subject: claims.sub, user_id: id, created_at: at }).execute();
      return id;
    });
  } catch (err) {
    if ((await findIdentity(db, issuer, claims.sub)) !== null) return null;
    throw err;
  }
}

/** The name keys (src/accounts/impersonation.ts) of every member's username and display name. */
async function memberNameKeys(db: Kysely<DB>): Promise<Set<string>> {
  const rows = await db.selectFrom('users').select(['username', 'display_name']).where('deleted_at', 'is', null).execute();
  return new Set(rows.flatMap((r) => [...nameKeys(r.username), ...nameKeys(r.display_name)]));
}

/** A valid, unused username from the provider's username or the address's local part: not reserved, not like another member's name. */
export async function freeUsername(db: Kysely<DB>, wanted: string, keys?: Set<string>): Promise<string> {
  let base = wanted
    .split('@')[0]!
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-zA-Z0-9_.-]+/g, '_')
    .replace(/^[^a-zA-Z0-9]+/, '')
    .slice(0, 25)
    .replace(/[_.-]+$/, '');
  if (base.length < 3) base = `${base}${base ? '_' : ''}user`;
  const candidates = [base, ...Array.from({ length: 19 }, (_, i) => `${base}-${i + 2}`)];
  const taken = new Set(
    (await db.selectFrom('users').select('username_lower').where('username_lower', 'in', candidates.map((c) => c.toLowerCase())).execute()).map((r) => r.username_lower),
  );
  const lookalikes = keys ?? (await memberNameKeys(db));
  const free = (c: string) => !taken.has(c.toLowerCase()) && !usernameProblem(c) && !nameKeys(c).some((k) => lookalikes.has(k));
  return candidates.find(free) ?? `${base}-${Math.random().toString(36).slice(2, 8)}`;
}
