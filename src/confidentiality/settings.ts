// Guard settings kept in the `settings` table: the policy (validated by the guard library), the
// scanning options (price-plan catalogue, customer-number formats, phone region) and the
// version counter that running processes watch to reload registers and settings.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CountryCode } from 'libphonenumber-js';
import type { DB } from '../db/schema.ts';
import { DEFAULT_POLICY, mergePolicy, validatePolicy, type CustomerNumberPattern, type GuardPolicy } from '../guard/index.ts';
import { text, UserError } from '../shared/errors.ts';

export const GUARD_POLICY_KEY = 'guard_policy';
export const GUARD_OPTIONS_KEY = 'guard_options';
export const GUARD_VERSION_KEY = 'guard_version';

/** What community managers maintain besides the policy. Unset fields take the defaults. */
export interface StoredGuardOptions {
  /** Overrides DEFAULT_PHONE_REGION from the configuration. */
  defaultRegion?: CountryCode;
  pricePlans?: string[];
  customerNumberPatterns?: CustomerNumberPattern[];
}

async function readSetting(db: Kysely<DB>, key: string): Promise<string | undefined> {
  return (await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
}

async function writeSetting(db: Kysely<DB>, key: string, value: string): Promise<void> {
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/** Tell every running process to reload the guard's registers and settings (within ~5 s). */
export async function bumpGuardVersion(db: Kysely<DB>): Promise<string> {
  const v = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  await writeSetting(db, GUARD_VERSION_KEY, v);
  return v;
}

export async function readGuardVersion(db: Kysely<DB>): Promise<string> {
  return (await readSetting(db, GUARD_VERSION_KEY)) ?? '0';
}

export async function readGuardPolicy(db: Kysely<DB>): Promise<GuardPolicy> {
  const raw = await readSetting(db, GUARD_POLICY_KEY);
  if (!raw) return DEFAULT_POLICY;
  return validatePolicy(JSON.parse(raw));
}

/**
 * Save an edited policy. Partial rules are merged over the defaults (so a policy that only says
 * `{"rules": {"member": {"address": "mask"}}}` keeps every other default).
 */
export async function saveGuardPolicy(db: Kysely<DB>, input: unknown): Promise<GuardPolicy> {
  let policy: GuardPolicy;
  try {
    policy = mergePolicy(validatePolicy(input));
    if (!Number.isFinite(policy.maskRetentionDays) || policy.maskRetentionDays < 0 || policy.maskRetentionDays > 3650) {
      throw new Error('maskRetentionDays must be between 0 and 3650');
    }
  } catch (err) {
    throw new UserError(`Invalid guard policy: ${(err as Error).message}`, 400, 'policy');
  }
  await writeSetting(db, GUARD_POLICY_KEY, JSON.stringify(policy));
  await bumpGuardVersion(db);
  return policy;
}

export function validateStoredOptions(input: unknown): StoredGuardOptions {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new UserError('Guard options must be a JSON object', 400, 'options');
  const o = input as Record<string, unknown>;
  const out: StoredGuardOptions = {};
  if (o.defaultRegion !== undefined) {
    if (typeof o.defaultRegion !== 'string' || !/^[A-Z]{2}$/.test(o.defaultRegion)) throw new UserError('defaultRegion must be a two-letter country code such as NL', 400, 'options');
    out.defaultRegion = o.defaultRegion as CountryCode;
  }
  if (o.pricePlans !== undefined) {
    if (!Array.isArray(o.pricePlans) || !o.pricePlans.every((p) => typeof p === 'string' && p.trim().length >= 2 && p.length <= 100)) {
      throw new UserError(text('admin:errors.pricePlans'), 400, 'options');
    }
    out.pricePlans = [...new Set((o.pricePlans as string[]).map((p) => p.trim()))];
  }
  if (o.customerNumberPatterns !== undefined) {
    if (!Array.isArray(o.customerNumberPatterns)) throw new UserError('customerNumberPatterns must be a list', 400, 'options');
    out.customerNumberPatterns = o.customerNumberPatterns.map((p, i) => {
      const q = p as Record<string, unknown>;
      if (!q || typeof q.name !== 'string' || typeof q.source !== 'string') throw new UserError(text('admin:errors.patternNeedsSource', { i }), 400, 'options');
      try {
        new RegExp(q.source);
      } catch (err) {
        throw new UserError(text('admin:errors.patternInvalid', { i, reason: (err as Error).message }), 400, 'options');
      }
      if (q.checkDigit !== undefined && !['none', 'mod11', 'luhn', 'mod97'].includes(q.checkDigit as string)) {
        throw new UserError(text('admin:errors.patternCheckDigit', { i }), 400, 'options');
      }
      return { name: q.name, source: q.source, ...(q.checkDigit ? { checkDigit: q.checkDigit as CustomerNumberPattern['checkDigit'] } : {}), ...(typeof q.ignoreCase === 'boolean' ? { ignoreCase: q.ignoreCase } : {}) };
    });
  }
  return out;
}

export async function readGuardOptions(db: Kysely<DB>): Promise<StoredGuardOptions> {
  const raw = await readSetting(db, GUARD_OPTIONS_KEY);
  return raw ? validateStoredOptions(JSON.parse(raw)) : {};
}

export async function saveGuardOptions(db: Kysely<DB>, input: unknown): Promise<StoredGuardOptions> {
  const options = validateStoredOptions(input);
  await writeSetting(db, GUARD_OPTIONS_KEY, JSON.stringify(options));
  await bumpGuardVersion(db);
  return options;
}
