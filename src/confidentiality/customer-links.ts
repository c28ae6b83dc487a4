// A member's account linked by the community team to a record of the customer register, so that
// in a private conversation the guard can tell the member's own data (allowed) from another
// customer's (blocked). Like the register, only keyed hashes are stored: the community manager
// types one identifying value of the record (say the customer number); it is normalised, looked
// up in the register, and only its 64-bit keyed hash is kept. Record ids change with every import,
// so the hashes are resolved against the register loaded at check time.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { CUSTOMER_FIELDS, type CustomerField, type CustomerRegister } from '../guard/index.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, text, UserError } from '../shared/errors.ts';
import { loadGuardContext } from './registers.ts';

export const isCustomerField = (f: unknown): f is CustomerField => typeof f === 'string' && (CUSTOMER_FIELDS as readonly string[]).includes(f);

/** Link a member's account to the register record holding this value (community managers). */
export async function linkCustomerRecord(db: Kysely<DB>, actor: Actor, input: { username: string; field: string; value: string }): Promise<{ records: number }> {
  authorize(actor, 'conversation.manage', null);
  if (!isCustomerField(input.field)) throw new UserError(text('admin:errors.linkField'), 400, 'field');
  const user = await db.selectFrom('users').select('id').where('username_lower', '=', input.username.trim().toLowerCase()).where('deleted_at', 'is', null).executeTakeFirst();
  if (!user) throw new NotFoundError(text('admin:errors.noSuchMember'));
  const register = (await loadGuardContext(db)).registers.customers;
  if (!register) throw new UserError(text('admin:errors.noRegister'), 409);
  const keys = register.normalise(input.field, input.value);
  const hits = keys.filter((k) => register.lookupNormalised(input.field as CustomerField, k).length > 0);
  if (!hits.length) throw new UserError(text('admin:errors.noCustomerWithValue'), 400, 'value');
  const at = nowIso();
  for (const k of hits) {
    await db
      .insertInto('customer_links')
      .values({ user_id: user.id, field: input.field, value_hash: register.hashNormalised(input.field, k), linked_by: actor.id, linked_at: at })
      .onConflict((oc) => oc.columns(['user_id', 'field', 'value_hash']).doNothing())
      .execute();
  }
  return { records: new Set(hits.flatMap((k) => register.lookupNormalised(input.field as CustomerField, k))).size };
}

/** The register records the given accounts are linked to (ids of this loaded register). */
export async function linkedRecords(db: Kysely<DB>, register: CustomerRegister | undefined, userIds: readonly number[]): Promise<Set<number>> {
  const out = new Set<number>();
  if (!register || !userIds.length) return out;
  const rows = await db.selectFrom('customer_links').select(['field', 'value_hash']).where('user_id', 'in', [...userIds]).execute();
  for (const r of rows) if (isCustomerField(r.field)) for (const id of register.lookupHashed(r.field, r.value_hash)) out.add(id);
  return out;
}

export async function linkCount(db: Kysely<DB>, userId: number): Promise<number> {
  const r = await db.selectFrom('customer_links').select((eb) => eb.fn.countAll().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(r.n);
}
