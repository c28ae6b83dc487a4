import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../policy/policy.ts';
import { nowIso } from '../../shared/clock.ts';
import { text, UserError } from '../../shared/errors.ts';
import { hashToken } from '../../shared/tokens.ts';
import { randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'parley_';
export const MAX_TOKENS_PER_USER = 25;
export const TOKEN_NAME_MAX = 60;

export interface CreateApiTokenInput {
  name: string;
  /** Days until the token stops working; none = until revoked. */
  expiresInDays?: number | null;
}

/**
 * Creates an API token for the actor's own account. The plaintext is returned this once and
 * never stored: the table keeps its SHA-256 only, like sessions.
 */
export async function createApiToken(db: Kysely<DB>, actor: Actor, input: CreateApiTokenInput) {
  const name = (input.name ?? '').replace(/\s+/g, ' ').trim();
  if (name.length === 0) throw new UserError(text('api:errors.tokenName'), 400, 'name');
  if (name.length > TOKEN_NAME_MAX) throw new UserError(text('api:errors.tokenNameLong', { max: TOKEN_NAME_MAX }), 400, 'name');
  const days = input.expiresInDays ?? null;
  if (days !== null && (!Number.isInteger(days) || days < 1 || days > 3650)) throw new UserError(text('api:errors.tokenDays', { min: 1, max: 3650 }), 400, 'expiresInDays');
  const active = await db
    .selectFrom('api_tokens')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('user_id', '=', actor.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  if (Number(active.n) >= MAX_TOKENS_PER_USER) throw new UserError(text('api:errors.tooManyTokens', { count: MAX_TOKENS_PER_USER }), 409);

  // A recognisable prefix lets secret scanners and people tell what a leaked string is.
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const now = new Date();
  const createdAt = nowIso();
  const expiresAt = days === null ? null : new Date(now.getTime() + days * 86_400_000).toISOString();
  const { id } = await db
    .insertInto('api_tokens')
    .values({ user_id: actor.id, name, token_hash: hashToken(token), created_at: createdAt, last_used_at: null, expires_at: expiresAt, revoked_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, name, token, createdAt, expiresAt };
}
