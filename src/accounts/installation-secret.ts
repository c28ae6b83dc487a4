import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/**
 * The installation's secret (cookie signatures, keyed hashes): SECRET_KEY when set, otherwise
 * one generated on first start and kept in the database, so every process of the installation
 * shares it and restarts keep sessions valid.
 */
export async function installationSecret(db: Kysely<DB>, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const existing = await db.selectFrom('settings').select('value').where('key', '=', 'secret_key').executeTakeFirst();
  if (existing) return existing.value;
  const value = randomBytes(48).toString('base64url');
  // Two processes starting at once: the first insert wins, both read it back.
  await db.insertInto('settings').values({ key: 'secret_key', value }).onConflict((oc) => oc.column('key').doNothing()).execute();
  const row = await db.selectFrom('settings').select('value').where('key', '=', 'secret_key').executeTakeFirstOrThrow();
  return row.value;
}
