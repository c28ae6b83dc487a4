// Who a new conversation goes to: usernames as typed (commas or spaces), checked against live
// accounts. Unknown or deleted accounts, and a list with only oneself, are refused (400), as is
// anyone who ignores the sender (403), before anything is written.
import type { Kysely } from 'kysely';
import type { DB, Role } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { text, UserError } from '../shared/errors.ts';
import { CONVERSATION_LIMITS } from './settings.ts';
import { ignoringAmong } from '../accounts/ignore-user.ts';

export interface Recipient {
  id: number;
  username: string;
  display_name: string;
  roles: Role[];
}

export function parseUsernames(raw: string | readonly string[] | undefined): string[] {
  const list = typeof raw === 'string' ? raw.split(/[\s,;]+/) : [...(raw ?? [])];
  return [...new Set(list.map((n) => (typeof n === 'string' ? n.trim().replace(/^@/, '').toLowerCase() : '')).filter(Boolean))];
}

export async function resolveRecipients(db: Kysely<DB>, actor: Actor, names: string[], opts: { allowNone: boolean }): Promise<Recipient[]> {
  if (names.some((n) => n.length > 40)) throw new UserError(text('conversations:errors.usernameTooLong', { max: 40 }), 400, 'to');
  if (names.length > CONVERSATION_LIMITS.recipientsMax) throw new UserError(text('conversations:errors.tooManyRecipients', { max: CONVERSATION_LIMITS.recipientsMax }), 400, 'to');
  const rows = names.length
    ? await db.selectFrom('users').select(['id', 'username', 'username_lower', 'display_name']).where('username_lower', 'in', names).where('deleted_at', 'is', null).execute()
    : [];
  const found = new Set(rows.map((r) => r.username_lower));
  const unknown = names.filter((n) => !found.has(n));
  if (unknown.length) throw new UserError(text('conversations:errors.unknownMembers', { names: unknown.map((n) => `“${n}”`).join(', ') }), 400, 'to');
  const people = rows.filter((r) => r.id !== actor.id);
  if (!people.length && !opts.allowNone) {
    throw new UserError(text(names.length ? 'conversations:errors.onlyYourself' : 'conversations:errors.noRecipients'), 400, 'to');
  }
  // Someone who ignores the sender takes no private messages from them (src/accounts/ignore-user.ts).
  const ignoring = await ignoringAmong(db, actor.id, people.map((p) => p.id));
  if (ignoring.size) throw new UserError(text('conversations:errors.notAccepting', { names: people.filter((p) => ignoring.has(p.id)).map((p) => p.display_name).join(', ') }), 403, 'to');
  const roles = people.length ? await db.selectFrom('user_roles').select(['user_id', 'role']).where('user_id', 'in', people.map((p) => p.id)).execute() : [];
  return people.map((p) => ({ id: p.id, username: p.username, display_name: p.display_name, roles: ['member', ...roles.filter((r) => r.user_id === p.id).map((r) => r.role)] }));
}
