import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { NotFoundError, text, UserError } from '../shared/errors.ts';
import { hashToken } from '../shared/tokens.ts';
import { SESSION_KEY_LENGTH } from './list-sessions.ts';
import { destroyOtherSessions } from './sessions.ts';

const KEY = new RegExp(`^[0-9a-f]{${SESSION_KEY_LENGTH}}$`);

/**
 * Signs one of the actor's other sessions out (a browser they no longer use, or do not
 * recognise). Only their own: another person's session is "no such session", as is one that
 * has ended. The session in use is signed out with "Sign out", not here.
 */
export async function endSession(db: Kysely<DB>, actor: Actor, key: string, currentToken: string | null): Promise<void> {
  if (typeof key !== 'string' || !KEY.test(key)) throw new UserError(text('accounts:errors.sessionKey'), 400);
  const rows = await db.selectFrom('sessions').select('id').where('user_id', '=', actor.id).execute();
  const match = rows.find((r) => r.id.startsWith(key));
  if (!match) throw new NotFoundError(text('accounts:errors.noSuchSession'));
  if (currentToken && match.id === hashToken(currentToken)) throw new UserError(text('accounts:errors.currentSession'), 400);
  await db.deleteFrom('sessions').where('id', '=', match.id).where('user_id', '=', actor.id).execute();
}

/** Signs the actor out everywhere but this session; how many were ended. */
export function endOtherSessions(db: Kysely<DB>, actor: Actor, currentToken: string | null): Promise<number> {
  return destroyOtherSessions(db, actor.id, currentToken);
}
