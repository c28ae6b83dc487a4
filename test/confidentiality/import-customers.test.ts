// Importing many customers who share a name ("Jan Jansen") or an address must stay linear: the
// register once gave every such record its own slot in one probe run, so each insert (during the
// import, and again when a server loads the stored register) walked all the earlier ones.
// The work is counted (the register's probe steps), never timed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import { installationSecret } from '../../src/accounts/installation-secret.ts';
import { importCustomers, parseColumns } from '../../src/confidentiality/import-customers.ts';
import { loadCustomerRegister } from '../../src/confidentiality/registers.ts';
import type { DB } from '../../src/db/schema.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';

for (const kind of testDatabaseKinds()) {
  describe(`customer import on ${kind.name}`, () => {
    let database: TestDatabase;
    let db: Kysely<DB>;
    before(async () => {
      database = await kind.open();
      db = database.db;
    });
    after(() => database.drop());

    test('10,000 records with the same name and street: imported and loaded with a bounded number of probes per value', async () => {
      const N = 10_000;
      const rows = ['name,address,customer_number'];
      for (let i = 0; i < N; i++) rows.push(`Jan Jansen,"Kerkstraat ${1 + (i % 4)}, 3511 AB Utrecht",KL${1000000 + i}`);
      const secret = await installationSecret(db, undefined);
      const r = await importCustomers(db, Readable.from([rows.join('\n')]), { columns: parseColumns('name,address,customer_number'), secret, defaultRegion: 'NL', expectedRecords: N });
      assert.equal(r.imported, N);
      assert.equal(r.entries, N * 5); // name, address (2 keys), customer number, and its digits without the prefix
      const reg = (await loadCustomerRegister(db, secret, 'NL'))!;
      assert.equal(reg.entryCount, N * 5);
      assert.ok(reg.probes / reg.entryCount < 4, `${(reg.probes / reg.entryCount).toFixed(1)} probes per value while loading`);
      assert.equal(reg.lookup('name', 'Jan Jansen').length, N);
      assert.equal(reg.lookup('address', 'Kerkstraat 3, 3511 AB Utrecht').length, N / 4);
      // Lookups of unique values stay short too. Averaged over many: where one value's slot lands
      // depends on the keyed hash, and so on the installation's random secret.
      const before = reg.probes;
      for (let i = 0; i < 1000; i++) assert.deepEqual(reg.lookup('customer_number', `KL${1000000 + i * 7}`), [i * 7]);
      assert.ok((reg.probes - before) / 1000 < 4, `${((reg.probes - before) / 1000).toFixed(1)} probes per lookup`);
    });
  });
}
