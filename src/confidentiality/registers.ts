// Loads the guard's registers and settings from the database, once per database handle, and
// reloads them when the version counter (settings.guard_version) changes: an import by the CLI
// in another process is picked up by running servers within a few seconds, without a restart.
import { hkdfSync } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { CountryCode } from 'libphonenumber-js';
import { loadConfig } from '../config.ts';
import type { DB } from '../db/schema.ts';
import { cacheLifetime, onResync, publish, subscribe } from '../cluster/bus.ts';
import { CustomerRegister, DocumentRegister, type GuardOptions, type GuardPolicy, type GuardRegisters } from '../guard/index.ts';
import { readGuardOptions, readGuardPolicy, readGuardVersion } from './settings.ts';
import { resolveGuardKey } from './guard-key.ts';

export interface GuardContext {
  registers: GuardRegisters;
  options: Partial<GuardOptions>;
  policy: GuardPolicy;
  /** The version counter this context was loaded at. */
  version: string;
  customerRecords: number;
  documents: number;
  /** What a scanning worker thread needs to build the same registers (src/confidentiality/scan-pool.ts). */
  workerSeed: () => WorkerSeed;
}

/** The registers as plain data a worker thread can be sent: hashes and fingerprints, no plaintext. */
export interface WorkerSeed {
  customers?: { bytes: Uint8Array; key: Uint8Array };
  documents: Array<{ id: string; fingerprints: Uint8Array; label: 'confidential' | 'public' }>;
}

/**
 * The HMAC key of the customer register: derived with HKDF from the guard key (GUARD_KEY or the
 * key file, never kept in the database). Another key makes the stored register unreadable (the
 * library refuses it): import the customers again.
 */
export function customerRegisterKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'parley-guard', 'customer-register-v1', 32));
}

export function docRegisterId(id: number, fileName: string): string {
  return `${fileName} (#${id})`;
}

/** Fingerprint hashes ↔ bytes (Float64 little-endian: the 53-bit hashes are exact). */
export function fingerprintsToBytes(hashes: readonly number[]): Buffer {
  const b = Buffer.alloc(hashes.length * 8);
  hashes.forEach((h, i) => b.writeDoubleLE(h, i * 8));
  return b;
}
export function fingerprintsFromBytes(b: Uint8Array): number[] {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = new Array(Math.floor(buf.length / 8));
  for (let i = 0; i < out.length; i++) out[i] = buf.readDoubleLE(i * 8);
  return out;
}

interface Setup {
  secret?: string;
  defaultRegion?: CountryCode;
}
const setups = new WeakMap<object, Setup>();

/** Called by the server at start: the installation secret and configured phone region for this handle. */
export function configureGuard(db: Kysely<DB>, setup: Setup): void {
  setups.set(db, { ...setups.get(db), ...setup });
}

/**
 * The guard key for a handle: as configured by the server, else GUARD_KEY / the key file (never a
 * value kept in the database: see guard-key.ts).
 */
export async function guardSecret(db: Kysely<DB>): Promise<string> {
  const s = setups.get(db)?.secret;
  if (s) return s;
  let config: Parameters<typeof resolveGuardKey>[1];
  try {
    config = loadConfig();
  } catch {
    config = { DATABASE_URL: process.env.DATABASE_URL ?? 'file:./data/parley.db', GUARD_KEY: process.env.GUARD_KEY || undefined, GUARD_KEY_FILE: process.env.GUARD_KEY_FILE || undefined };
  }
  return resolveGuardKey(db, config);
}

function configuredRegion(db: Kysely<DB>): CountryCode {
  const r = setups.get(db)?.defaultRegion;
  if (r) return r;
  try {
    return loadConfig().DEFAULT_PHONE_REGION as CountryCode;
  } catch {
    return 'NL';
  }
}

let checkEveryMs = 5000;
/** How often a cached context checks the version counter (tests shorten it). */
export function setGuardReloadInterval(ms: number): void {
  checkEveryMs = ms;
}

interface Cached {
  ctx?: GuardContext;
  checkedAt: number;
  loading?: Promise<GuardContext>;
  secret: string;
}
const cache = new WeakMap<object, Cached>();

/** Forget the cached context of a handle (next call reloads), in every worker of the server:
 * a policy a manager just tightened applies to the next post whichever worker takes it. */
export function invalidateGuardContext(db: Kysely<DB>): void {
  cache.delete(db);
  publish(GUARD_CHANNEL, null);
}

/** What the other workers of a clustered server do when one of them changed the guard's settings. */
export function followGuardChanges(db: Kysely<DB>): () => void {
  const unsubscribe = subscribe(GUARD_CHANNEL, () => cache.delete(db));
  const unresync = onResync(() => cache.delete(db));
  return () => (unsubscribe(), unresync());
}
const GUARD_CHANNEL = 'guard';

/**
 * The guard context (registers, options, policy) of this database, cached per handle. The
 * version counter is read at most every ~5 s; when it changed, everything is reloaded (callers
 * meanwhile share one load).
 */
export async function loadGuardContext(db: Kysely<DB>, secret?: string): Promise<GuardContext> {
  const key = secret ?? (await guardSecret(db));
  let c = cache.get(db);
  if (!c || c.secret !== key) {
    c = { checkedAt: 0, secret: key };
    cache.set(db, c);
  }
  const entry = c;
  const now = Date.now();
  if (entry.ctx && now - entry.checkedAt < cacheLifetime(checkEveryMs)) return entry.ctx;
  if (entry.loading) return entry.loading;
  entry.loading = (async () => {
    const version = await readGuardVersion(db);
    entry.checkedAt = Date.now();
    if (entry.ctx && entry.ctx.version === version) return entry.ctx;
    const ctx = await readContext(db, key, version);
    entry.ctx = ctx;
    return ctx;
  })().finally(() => {
    entry.loading = undefined;
  });
  return entry.loading;
}

async function readContext(db: Kysely<DB>, secret: string, version: string): Promise<GuardContext> {
  const [policy, stored] = await Promise.all([readGuardPolicy(db), readGuardOptions(db)]);
  const defaultRegion = stored.defaultRegion ?? configuredRegion(db);
  const options: Partial<GuardOptions> = {
    defaultRegion,
    ...(stored.pricePlans ? { pricePlans: stored.pricePlans } : {}),
    ...(stored.customerNumberPatterns ? { customerNumberPatterns: stored.customerNumberPatterns } : {}),
    minConfidence: Math.min(policy.minConfidence, 0.4),
  };
  const customers = await loadCustomerRegister(db, secret, defaultRegion);
  const documents = new DocumentRegister();
  const docs = await db.selectFrom('guard_documents').select(['id', 'file_name', 'label', 'fingerprints']).orderBy('id').execute();
  for (const d of docs) documents.addFingerprints(docRegisterId(d.id, d.file_name), fingerprintsFromBytes(d.fingerprints), d.label);
  let seed: WorkerSeed | undefined;
  return {
    registers: { ...(customers ? { customers } : {}), documents },
    options,
    policy,
    version,
    customerRecords: customers?.recordCount ?? 0,
    documents: docs.length,
    // Made when a worker first needs it (serialising a large customer register takes a moment).
    workerSeed: () =>
      (seed ??= {
        ...(customers ? { customers: { bytes: customers.serialize(), key: customerRegisterKey(secret) } } : {}),
        documents: docs.map((d) => ({ id: docRegisterId(d.id, d.file_name), fingerprints: new Uint8Array(d.fingerprints), label: d.label as 'confidential' | 'public' })),
      }),
  };
}

/** The current customer register from its stored hashes, or undefined when none was imported. */
export async function loadCustomerRegister(db: Kysely<DB>, secret: string, defaultRegion: CountryCode): Promise<CustomerRegister | undefined> {
  const gen = await db.selectFrom('guard_customer_generations').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!gen) return undefined;
  const chunks = await db.selectFrom('guard_customer_chunks').select('bytes').where('generation_id', '=', gen.id).orderBy('seq').execute();
  const bytes = Buffer.concat(chunks.map((c) => Buffer.from(c.bytes)));
  try {
    return CustomerRegister.fromSerialized(bytes, customerRegisterKey(secret), { defaultRegion });
  } catch (err) {
    // Fail closed: a guard without its register must not let posts through as if it had one.
    throw new Error(`cannot load the customer register: ${(err as Error).message} (the register was made with another guard key: restore the key file or GUARD_KEY it was made with, or run \`parley guard rotate-key\` and import the customers again)`);
  }
}
