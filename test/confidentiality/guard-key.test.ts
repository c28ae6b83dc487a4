// The customer register's key lives outside the database: created at first start (mode 0600),
// checked (permissions, form), required when the register holds hashes, rotated by
// `parley guard rotate-key`; and a copy of the database alone cannot match a known value.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { installationSecret } from '../../src/accounts/installation-secret.ts';
import { GuardKeyError, guardKeyPath, resolveGuardKey, rotateGuardKey } from '../../src/confidentiality/guard-key.ts';
import { importCustomers, parseColumns } from '../../src/confidentiality/import-customers.ts';
import { customerRegisterKey, loadCustomerRegister } from '../../src/confidentiality/registers.ts';
import type { DB } from '../../src/db/schema.ts';
import { CustomerRegister } from '../../src/guard/index.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';

for (const kind of testDatabaseKinds()) {
  describe(`guard key on ${kind.name}`, () => {
    let database: TestDatabase;
    let db: Kysely<DB>;
    let dir: string;
    let config: { DATABASE_URL: string; GUARD_KEY_FILE: string };
    before(async () => {
      database = await kind.open();
      db = database.db;
      dir = mkdtempSync(join(tmpdir(), 'parley-guard-key-'));
      config = { DATABASE_URL: database.url, GUARD_KEY_FILE: join(dir, 'keys', 'guard.key') };
    });
    after(async () => {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    const importOne = async (secret: string) =>
      importCustomers(db, Readable.from(['name,phone,customer_number\nVera Brouwer,06 12345678,KL-8754185\n']), { columns: parseColumns('name,phone,customer_number'), secret, defaultRegion: 'NL', replace: true });

    test('created at first start, owner-only, the same on the next start; beside the SQLite file by default', async () => {
      const key = await resolveGuardKey(db, config);
      assert.match(key, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(statSync(config.GUARD_KEY_FILE).mode & 0o777, 0o600);
      assert.equal(await resolveGuardKey(db, config), key);
      assert.equal(guardKeyPath({ DATABASE_URL: 'file:/srv/parley/parley.db' }), '/srv/parley/guard.key');
      assert.equal(await resolveGuardKey(db, { ...config, GUARD_KEY: 'k'.repeat(40) }), 'k'.repeat(40));
    });

    test('a database copy alone cannot match a known value', async () => {
      const key = await resolveGuardKey(db, config);
      await importOne(key);
      // With the key: the known phone number is found.
      const withKey = (await loadCustomerRegister(db, key, 'NL'))!;
      assert.equal(withKey.lookup('phone', '0612345678').length, 1);
      // Everything the database holds: its hashes and every setting, including the installation secret.
      const settings = await db.selectFrom('settings').select(['key', 'value']).execute();
      assert.ok(settings.every((s) => !s.value.includes(key)), 'the guard key is not in the database');
      const dbSecret = await installationSecret(db, undefined);
      await assert.rejects(loadCustomerRegister(db, dbSecret, 'NL'), /another guard key/);
      const gen = await db.selectFrom('guard_customer_generations').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
      const bytes = Buffer.concat((await db.selectFrom('guard_customer_chunks').select('bytes').where('generation_id', '=', gen.id).orderBy('seq').execute()).map((c) => Buffer.from(c.bytes)));
      for (const guess of [dbSecret, ...settings.map((s) => s.value)]) {
        assert.throws(() => CustomerRegister.fromSerialized(bytes, customerRegisterKey(guess), { defaultRegion: 'NL' }));
      }
    });

    test('hashes but no key: refused with a clear message; wrong permissions or form: refused', async () => {
      const path = config.GUARD_KEY_FILE;
      const saved = readFileSync(path, 'utf8');
      rmSync(path);
      await assert.rejects(resolveGuardKey(db, config), (e: Error) => e instanceof GuardKeyError && /holds keyed hashes but the guard key is missing/.test(e.message));
      writeFileSync(path, saved, { mode: 0o644 });
      chmodSync(path, 0o644);
      await assert.rejects(resolveGuardKey(db, config), (e: Error) => e instanceof GuardKeyError && /chmod 600/.test(e.message));
      writeFileSync(path, 'too-short\n', { mode: 0o600 });
      chmodSync(path, 0o600);
      await assert.rejects(resolveGuardKey(db, config), (e: Error) => e instanceof GuardKeyError && /does not hold a guard key/.test(e.message));
      writeFileSync(path, saved, { mode: 0o600 });
    });

    test('rotate-key: a new key, the register emptied, the old hashes gone', async () => {
      const old = await resolveGuardKey(db, config);
      await importOne(old);
      const { path } = await rotateGuardKey(db, config);
      assert.equal(path, config.GUARD_KEY_FILE);
      const fresh = await resolveGuardKey(db, config);
      assert.notEqual(fresh, old);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.equal(await loadCustomerRegister(db, fresh, 'NL'), undefined);
      await importOne(fresh);
      assert.equal((await loadCustomerRegister(db, fresh, 'NL'))!.lookup('customer_number', 'KL-8754185').length, 1);
      await assert.rejects(rotateGuardKey(db, { ...config, GUARD_KEY: 'k'.repeat(40) }), /GUARD_KEY is set/);
    });
  });
}
