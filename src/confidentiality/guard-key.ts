// The key of the customer register's keyed hashes, kept OUTSIDE the database: a copy of the
// database (a backup, a stolen disk) holds the hashes but not the key, so nobody can try the
// 10^8 Dutch mobile numbers or every customer number against them. The key is GUARD_KEY when
// set, otherwise a key file (GUARD_KEY_FILE, by default guard.key beside the SQLite file, or
// ./data/guard.key) created at first start, readable by its owner only. Back it up apart from
// the database; `parley guard rotate-key` makes a new one and empties the register (import again).
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { DB } from '../db/schema.ts';
import { UserError } from '../shared/errors.ts';
import { bumpGuardVersion } from './settings.ts';

/** A missing, unreadable or unsafe guard key: the guard does not run without it. */
export class GuardKeyError extends UserError {
  override name = 'GuardKeyError';
}

type KeyConfig = Pick<Config, 'DATABASE_URL'> & { GUARD_KEY?: string | undefined; GUARD_KEY_FILE?: string | undefined };

const KEY_FORM = /^[A-Za-z0-9_-]{43}$/; // 32 random bytes, base64url

/** Where the key file is: GUARD_KEY_FILE, else guard.key beside the SQLite database, else ./data/guard.key. */
export function guardKeyPath(config: KeyConfig): string {
  if (config.GUARD_KEY_FILE) return resolve(config.GUARD_KEY_FILE);
  const m = /^file:(.+)$/.exec(config.DATABASE_URL);
  return m && m[1] !== ':memory:' ? join(dirname(resolve(m[1]!)), 'guard.key') : resolve('data', 'guard.key');
}

/** Read and check a key file; undefined when there is none. */
export function readKeyFile(path: string): string | undefined {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new GuardKeyError(`cannot read the guard key file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!st.isFile()) throw new GuardKeyError(`the guard key file ${path} is not a file`);
  // Owner only: a key others can read protects nothing (POSIX permissions; Windows has none of these bits).
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new GuardKeyError(`the guard key file ${path} can be read by other users (mode ${(st.mode & 0o777).toString(8)}): run chmod 600 ${path}`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new GuardKeyError(`cannot read the guard key file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!KEY_FORM.test(text)) throw new GuardKeyError(`the guard key file ${path} does not hold a guard key (43 base64url characters: 32 random bytes); restore it from your backup`);
  return text;
}

function writeKeyFile(path: string, key: string, exclusive: boolean): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, exclusive ? 'wx' : 'w', 0o600);
  try {
    writeSync(fd, key + '\n');
  } finally {
    closeSync(fd);
  }
}

export function newGuardKey(): string {
  return randomBytes(32).toString('base64url');
}

async function registerHoldsHashes(db: Kysely<DB>): Promise<boolean> {
  return (await db.selectFrom('guard_customer_generations').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/**
 * The guard key: GUARD_KEY, or the key file, created (mode 0600) when there is none and the
 * register holds no hashes yet. Hashes but no key: GuardKeyError (the guard refuses to run).
 */
export async function resolveGuardKey(db: Kysely<DB>, config: KeyConfig): Promise<string> {
  if (config.GUARD_KEY) return config.GUARD_KEY;
  const path = guardKeyPath(config);
  const existing = readKeyFile(path);
  if (existing) return existing;
  if (await registerHoldsHashes(db)) {
    throw new GuardKeyError(
      `the customer register holds keyed hashes but the guard key is missing (no GUARD_KEY, no ${path}): restore the key file from your backup or set GUARD_KEY, or run \`parley guard rotate-key\` and import the customers again`,
    );
  }
  try {
    writeKeyFile(path, newGuardKey(), true);
  } catch (err) {
    // Another process of the installation created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new GuardKeyError(`cannot create the guard key file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const created = readKeyFile(path);
  if (!created) throw new GuardKeyError(`cannot create the guard key file ${path}`);
  return created;
}

/**
 * A new key in the key file (written beside it and renamed over it), and an empty customer
 * register: its hashes were made with the old key. Refused when GUARD_KEY is set (change it there).
 */
export async function rotateGuardKey(db: Kysely<DB>, config: KeyConfig): Promise<{ path: string }> {
  if (config.GUARD_KEY) throw new GuardKeyError('GUARD_KEY is set: put a new value there (e.g. `openssl rand -base64 32`), run `parley guard clear-customers` and import the customers again');
  const path = guardKeyPath(config);
  if (existsSync(path)) readKeyFile(path); // a broken file is reported, not silently replaced
  const tmp = `${path}.new`;
  writeKeyFile(tmp, newGuardKey(), false);
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('guard_customer_generations').execute();
    await bumpGuardVersion(tx);
  });
  renameSync(tmp, path);
  return { path };
}
