import { boardsOf } from '../../moderation/board-moderators.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { rolesOf } from '../../accounts/find-user.ts';
import type { DB, Role } from '../../db/schema.ts';
import type { Actor } from '../../policy/policy.ts';
import { text, UserError } from '../../shared/errors.ts';
import { chooseLocale, LANGUAGE_COOKIE } from '../../i18n/plugin.ts';
import { hashToken } from '../../shared/tokens.ts';

/** last_used_at is written at most this often per token, not on every request. */
const TOUCH_MS = 60_000;

export interface TokenIdentity {
  tokenId: number;
  actor: Actor;
  user: { id: number; username: string; display_name: string; email_verified_at: string | null };
}

/**
 * The account behind an `Authorization` header's bearer token. A missing, malformed, unknown,
 * expired or revoked token is a 401: a script must learn its token is bad, not be served as a
 * visitor.
 */
export async function authenticateApiToken(db: Kysely<DB>, header: string): Promise<TokenIdentity> {
  const m = /^Bearer[ \t]+([A-Za-z0-9_\-.~+/]+=*)[ \t]*$/i.exec(header);
  if (!m || m[1]!.length > 200) throw new UserError(text('api:errors.authorizationHeader'), 401);
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['api_tokens.id as token_id', 'api_tokens.expires_at', 'api_tokens.revoked_at', 'api_tokens.last_used_at',
      'users.id', 'users.username', 'users.display_name', 'users.email_verified_at', 'users.suspended_until'])
    .where('api_tokens.token_hash', '=', hashToken(m[1]!))
    .where('users.deleted_at', 'is', null)
    .executeTakeFirst();
  const now = new Date();
  if (!row) throw new UserError(text('api:errors.tokenInvalid'), 401);
  if (row.revoked_at) throw new UserError(text('api:errors.tokenRevoked'), 401);
  if (row.expires_at && row.expires_at <= now.toISOString()) throw new UserError(text('api:errors.tokenExpired'), 401);
  if (row.suspended_until && row.suspended_until > now.toISOString()) throw new UserError(text('api:errors.suspended', { date: row.suspended_until.slice(0, 10) }), 403);
  if (!row.last_used_at || Date.parse(row.last_used_at) < now.getTime() - TOUCH_MS) {
    await db.updateTable('api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', row.token_id).execute();
  }
  return {
    tokenId: row.token_id,
    actor: { id: row.id, roles: new Set<Role>(await rolesOf(db, row.id)), ...await boardsOf(db, row.id) },
    user: { id: row.id, username: row.username, display_name: row.display_name, email_verified_at: row.email_verified_at },
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the request is authenticated by an API token (not the session cookie). */
    apiToken: { id: number } | null;
  }
}

/**
 * For the auth plugin: on /api/ URLs an `Authorization` header authenticates the request by API
 * token instead of the session cookie (which is then ignored). Returns true when it did.
 */
export async function bearerAuth(db: Kysely<DB>, request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const header = request.headers.authorization;
  if (header === undefined || !request.url.startsWith('/api/')) return false;
  try {
    const who = await authenticateApiToken(db, header);
    request.apiToken = { id: who.tokenId };
    request.user = who.user;
    request.actor = who.actor;
    return true;
  } catch (err) {
    reply.header('www-authenticate', 'Bearer realm="parley"');
    // Refused before the language is chosen (src/i18n/plugin.ts runs after who is asking): the
    // message still follows the caller's Accept-Language (or language cookie).
    request.locale = chooseLocale(
      { cookie: request.cookies[LANGUAGE_COOKIE], accepted: (offered) => (request.headers['accept-language'] ? request.languages(offered) : false) },
      request.locale,
    );
    throw err;
  }
}
