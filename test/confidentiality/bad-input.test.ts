// Bad input to the guard's commands: a register CSV in the wrong encoding, a malformed corpus line,
// a key file with wrong permissions or length: each a clear message and a non-zero exit, nothing half-done.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { importCustomers, parseColumns } from '../../src/confidentiality/import-customers.ts';
import { loadCustomerRegister } from '../../src/confidentiality/registers.ts';
import type { DB } from '../../src/db/schema.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../../bin/parley.js');
const SECRET = 'k'.repeat(43);

for (const kind of testDatabaseKinds()) {
  describe(`bad input to the guard on ${kind.name}`, () => {
    let database: TestDatabase;
    let db: Kysely<DB>;
    before(async () => {
      database = await kind.open();
      db = database.db;
    });
    after(() => database.drop());

    const csv = 'name,phone\nJosé Müller,06 12345678\nRenée Dubois,06 87654321\n';
    for (const [label, bytes, hint] of [
      ['Latin-1', Buffer.from(csv, 'latin1'), /Latin-1/],
      ['UTF-16 with a byte order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, 'utf16le')]), /UTF-16/],
      ['UTF-16 without a byte order mark', Buffer.from(csv, 'utf16le'), /UTF-16/],
    ] as const) {
      test(`a register CSV in ${label}: refused with a clear message, nothing imported`, async () => {
        await assert.rejects(
          importCustomers(db, Readable.from([bytes]), { columns: parseColumns('name,phone'), secret: SECRET, defaultRegion: 'NL' }),
          (e: Error) => /not UTF-8 text/.test(e.message) && hint.test(e.message) && /Nothing was imported/.test(e.message),
        );
        assert.equal(await loadCustomerRegister(db, SECRET, 'NL'), undefined);
      });
    }
  });
}

describe('bad input to the guard CLI', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-bad-input-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const parley = (args: string[], env: Record<string, string>, input?: string) => {
    const { SECRET_KEY: _s, GUARD_KEY: _g, ...base } = process.env;
    const r = spawnSync(process.execPath, [bin, ...args], { env: { ...base, SEED_DEMO: 'false', DATABASE_URL: `file:${join(dir, 'p.db')}`, ...env }, encoding: 'utf8', timeout: 120_000, ...(input !== undefined ? { input } : {}) });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  test('a malformed corpus line: a message naming the line, a non-zero exit, no output', () => {
    const r = parley(['guard', 'scan', '--jsonl', '-'], { GUARD_KEY_FILE: join(dir, 'ok.key') }, '{"text":"call 0612345678"}\n{"text": broken\n');
    assert.notEqual(r.code, 0);
    assert.match(r.err, /line 2 is not valid JSON/);
    assert.equal(r.out, '');
  });

  test('a register CSV in Latin-1 through the CLI: the encoding named, a non-zero exit, nothing imported', () => {
    const key = { GUARD_KEY_FILE: join(dir, 'csv.key') };
    const file = join(dir, 'latin1.csv');
    writeFileSync(file, Buffer.from('name,phone\nJosé Müller,06 12345678\n', 'latin1'));
    const r = parley(['guard', 'import-customers', file, '--columns', 'name,phone'], key);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /not UTF-8 text.*Latin-1.*Nothing was imported/s);
    const scan = parley(['guard', 'scan', '-'], key, 'hello');
    assert.match(scan.out, /Registers: 0 customer record\(s\)/);
  });

  test('a key file readable by others, or of the wrong length: a message, a non-zero exit', () => {
    const loose = join(dir, 'loose.key');
    writeFileSync(loose, 'a'.repeat(43) + '\n');
    chmodSync(loose, 0o644);
    const r1 = parley(['guard', 'scan', '-'], { GUARD_KEY_FILE: loose }, 'hello');
    assert.notEqual(r1.code, 0);
    assert.match(r1.err, /can be read by other users .*chmod 600/);
    const short = join(dir, 'short.key');
    writeFileSync(short, 'abc\n', { mode: 0o600 });
    chmodSync(short, 0o600);
    const r2 = parley(['guard', 'scan', '-'], { GUARD_KEY_FILE: short }, 'hello');
    assert.notEqual(r2.code, 0);
    assert.match(r2.err, /does not hold a guard key/);
  });
});
