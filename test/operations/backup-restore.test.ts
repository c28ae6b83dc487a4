// Backups (issue 15, point 6): `parley backup` / `parley restore` for the embedded SQLite database,
// and the pg_dump / pg_restore path the README gives for PostgreSQL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { guardSecret } from '../../src/confidentiality/registers.ts';
import { evaluateDraft } from '../../src/confidentiality/check.ts';
import { addDocument } from '../../src/confidentiality/documents.ts';
import { importCustomers, parseColumns } from '../../src/confidentiality/import-customers.ts';
import { openDatabase } from '../../src/db/database.ts';
import type { DB } from '../../src/db/schema.ts';
import { SQLite } from '../../src/db/sqlite-native.js';
import { backupDatabase } from '../../src/operations/backup-database.ts';
import { restoreDatabase, rowCounts } from '../../src/operations/restore-database.ts';
import type { Actor } from '../../src/policy/policy.ts';
import { seedDemo } from '../../src/seed/seed-demo.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';

const bin = fileURLToPath(new URL('../../bin/parley.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'parley-backup-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function parley(args: string[], env: Record<string, string>) {
  const { SECRET_KEY: _drop, ...base } = process.env;
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...base, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const CUSTOMER = { name: 'Hendrik Wolters', phone: '06 41 27 93 58', email: 'h.wolters@mailbox.example', number: 'KL-7391046' };
const CONFIDENTIAL = `Retention playbook 2027 (internal). When a customer threatens to cancel, agents may offer the loyalty discount of
thirty percent for twelve months, but only after the second call and never in writing. Churn among fibre customers in the
northern region rose to eleven percent last quarter because the migration of the old copper network ran four months late.`;
const employee: Actor = { id: 1, roles: new Set(['member', 'employee']) };

/** Demo community + a customer register + a registered confidential document. */
async function fillInstallation(db: Kysely<DB>): Promise<void> {
  await seedDemo(db);
  const secret = await guardSecret(db);
  const csv = `name,phone,email,customer_number\n${CUSTOMER.name},${CUSTOMER.phone},${CUSTOMER.email},${CUSTOMER.number}\nAnnelies Brouwer,+31 30 298 4471,annelies.brouwer@example.org,KL-5521870\n`;
  const imported = await importCustomers(db, Readable.from([csv]), { columns: parseColumns('name,phone,email,customer_number'), secret, defaultRegion: 'NL' });
  assert.equal(imported.imported, 2);
  await addDocument(db, { fileName: 'retention-playbook.md', text: CONFIDENTIAL, label: 'confidential' });
}

/** The guard of the database at `url` still recognises the registered customer and document. */
async function assertGuardMatches(url: string): Promise<void> {
  const database = await openDatabase(url);
  try {
    const customer = await evaluateDraft(database.db, { actor: employee, body: `I called ${CUSTOMER.name} back on ${CUSTOMER.phone} about ${CUSTOMER.number}.` });
    assert.ok(customer.findings.some((f) => f.type === 'customer_record'), JSON.stringify(customer.findings));
    const pasted = `Churn among fibre customers in the northern region rose to eleven percent last quarter because the migration of the old copper network ran four months late.`;
    const doc = await evaluateDraft(database.db, { actor: employee, body: pasted });
    assert.ok(doc.findings.some((f) => f.type === 'confidential_document'), JSON.stringify(doc.findings));
  } finally {
    await database.close();
  }
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function registerBytes(path: string): string {
  const db = new SQLite(path, { readonly: true });
  try {
    const chunks = db.prepare('select * from guard_customer_chunks order by 1, 2').all();
    const docs = db.prepare('select id, file_name, fingerprints from guard_documents order by id').all();
    return createHash('sha256').update(JSON.stringify({ chunks, docs }, (_k, v) => (Buffer.isBuffer(v) ? v.toString('base64') : v))).digest('hex');
  } finally {
    db.close();
  }
}

describe('parley backup / restore on SQLite', () => {
  const source = join(scratch, 'live', 'parley.db');
  const backupFile = join(scratch, 'parley-backup.db');
  let sourceCounts: Record<string, number>;

  before(async () => {
    const database = await openDatabase(`file:${source}`);
    try {
      const { migrateToLatest } = await import('../../src/db/migrate.ts');
      await migrateToLatest(database);
      await fillInstallation(database.db);
      // Online: the installation's connection is open (WAL, uncheckpointed) while the backup runs.
      const reports: Array<[number, number]> = [];
      const r = await backupDatabase(`file:${source}`, backupFile, (done, total) => reports.push([done, total]));
      assert.ok(r.pages > 50 && r.bytes === r.pages * 4096, JSON.stringify(r));
      assert.deepEqual(reports.at(-1), [r.pages, r.pages]);
    } finally {
      await database.close();
    }
    sourceCounts = rowCounts(source);
  });

  test('a restore into an empty installation brings back every row, register hash and fingerprint, and the guard still matches', async () => {
    const target = join(scratch, 'fresh', 'sub', 'parley.db');
    const r = parley(['restore', backupFile], { DATABASE_URL: `file:${target}` });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Restored 1\d users, \d+ posts, 1 registered documents/);
    const restored = rowCounts(target);
    assert.deepEqual(restored, sourceCounts);
    assert.ok(sourceCounts.posts! > 50 && sourceCounts.users! > 5 && sourceCounts.guard_customer_chunks! > 0 && sourceCounts.guard_documents === 1, JSON.stringify(sourceCounts));
    assert.equal(registerBytes(target), registerBytes(source));
    await assertGuardMatches(`file:${target}`);
  });

  test('the backup file is one self-contained file (no WAL beside it), and backup never overwrites a file', () => {
    assert.ok(!existsSync(`${backupFile}-wal`));
    const again = parley(['backup', backupFile], { DATABASE_URL: `file:${source}` });
    assert.equal(again.code, 2);
    assert.match(again.err, /already exists/);
    const viaCli = join(scratch, 'cli-backup.db');
    const r = parley(['backup', viaCli], { DATABASE_URL: `file:${source}` });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Backed up \d+ pages/);
    assert.deepEqual(rowCounts(viaCli), sourceCounts);
  });

  test('a database that holds data is replaced only with --force', async () => {
    const target = join(scratch, 'busy', 'parley.db');
    const other = await openDatabase(`file:${target}`);
    const { migrateToLatest } = await import('../../src/db/migrate.ts');
    await migrateToLatest(other);
    await other.db.insertInto('boards').values({ slug: 'only-here', name: 'Only here', description: '', position: 1, created_at: new Date().toISOString() } as never).execute();
    await other.close();
    const before = rowCounts(target);
    const refused = parley(['restore', backupFile], { DATABASE_URL: `file:${target}` });
    assert.equal(refused.code, 2);
    assert.match(refused.err, /is not empty \(boards hold data\).*--force/);
    assert.deepEqual(rowCounts(target), before);
    const forced = parley(['restore', '--force', backupFile], { DATABASE_URL: `file:${target}` });
    assert.equal(forced.code, 0, forced.err);
    assert.deepEqual(rowCounts(target), sourceCounts);
    await assertGuardMatches(`file:${target}`);
  });

  test('a bad backup file (not SQLite, truncated, damaged, another schema, a newer Parley) is refused and changes nothing', async () => {
    // The target holds data and --force is given: only the file check stands between it and a bad restore.
    const target = join(scratch, 'keep', 'parley.db');
    const t = await openDatabase(`file:${target}`);
    const { migrateToLatest } = await import('../../src/db/migrate.ts');
    await migrateToLatest(t);
    await t.db.insertInto('boards').values({ slug: 'keep-me', name: 'Keep me', description: '', position: 1, created_at: new Date().toISOString() } as never).execute();
    await t.close();
    const before = sha(target);

    const notSqlite = join(scratch, 'notes.txt');
    writeFileSync(notSqlite, 'these are not the rows you are looking for\n'.repeat(100));
    const truncated = join(scratch, 'truncated.db');
    writeFileSync(truncated, readFileSync(backupFile).subarray(0, 64 * 1024));
    const damaged = join(scratch, 'damaged.db');
    const bytes = Buffer.from(readFileSync(backupFile));
    for (let i = 20 * 4096; i < 40 * 4096; i += 7) bytes[i] = 0xa5; // scribbled over b-tree pages
    writeFileSync(damaged, bytes);
    const otherSchema = join(scratch, 'other.db');
    const o = new SQLite(otherSchema);
    o.exec('create table recipes (id integer primary key, name text); insert into recipes (name) values (\'soup\')');
    o.close();
    const newer = join(scratch, 'newer.db');
    copyFileSync(backupFile, newer);
    const n = new SQLite(newer);
    n.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('999_from_the_future', new Date().toISOString());
    n.close();

    const cases: Array<[string, RegExp]> = [
      [notSqlite, /is not a Parley backup: it is not a SQLite database/],
      [truncated, /is truncated: 65536 bytes of \d+/],
      [damaged, /is damaged/],
      [otherSchema, /is not a Parley backup: it lacks the tables kysely_migration, users/],
      [newer, /made by a newer version of Parley \(migrations 999_from_the_future\)/],
      [join(scratch, 'missing.db'), /There is no file/],
    ];
    for (const [file, message] of cases) {
      const r = parley(['restore', '--force', file], { DATABASE_URL: `file:${target}` });
      assert.equal(r.code, 2, `${file}: ${r.err}`);
      assert.match(r.err, message);
      assert.equal(sha(target), before, `${file} changed the database`);
    }
    // Into a path with no database yet: nothing is created either.
    const nowhere = join(scratch, 'nowhere', 'parley.db');
    await assert.rejects(restoreDatabase(`file:${nowhere}`, truncated), /truncated/);
    assert.ok(!existsSync(nowhere));
  });

  test('online: a backup taken while another connection keeps writing is consistent and finishes', async () => {
    // ~20 MB, so the copy takes several steps; the writer commits pairs of rows between steps.
    const path = join(scratch, 'busy-writes.db');
    const w = new SQLite(path);
    w.pragma('journal_mode = WAL');
    w.exec('create table pairs (id integer primary key, pair integer not null, filler blob not null)');
    const insert = w.prepare('insert into pairs (pair, filler) values (?, randomblob(1000))');
    const pair = w.transaction((p: number) => (insert.run(p), insert.run(p)));
    for (let p = 0; p < 10_000; p++) pair(p);
    let next = 10_000;
    let writes = 0;
    const writer = setInterval(() => (pair(next++), writes++), 0);
    const steps: number[] = [];
    const copy = join(scratch, 'busy-writes-backup.db');
    try {
      await backupDatabase(`file:${path}`, copy, (done) => steps.push(done));
    } finally {
      clearInterval(writer);
      w.close();
    }
    assert.ok(steps.length >= 4, `${steps.length} progress reports`);
    assert.ok(writes > 0, 'the writer committed during the backup');
    const c = new SQLite(copy, { readonly: true });
    const total = (c.prepare('select count(*) as n from pairs').get() as { n: number }).n;
    const unpaired = (c.prepare('select count(*) as n from (select pair from pairs group by pair having count(*) <> 2)').get() as { n: number }).n;
    assert.equal(c.pragma('integrity_check', { simple: true }), 'ok');
    c.close();
    assert.equal(unpaired, 0);
    assert.ok(total >= 20_000 && total % 2 === 0, String(total));
  });
});

for (const kind of testDatabaseKinds().filter((k) => k.name === 'postgres')) {
  describe('backups on PostgreSQL', () => {
    test('parley backup / restore point to pg_dump / pg_restore and exit non-zero', async () => {
      const database = await kind.open();
      try {
        const b = parley(['backup', join(scratch, 'pg.db')], { DATABASE_URL: database.url });
        assert.equal(b.code, 2);
        assert.match(b.err, /DATABASE_URL names PostgreSQL.*pg_dump --format=custom/);
        assert.ok(!existsSync(join(scratch, 'pg.db')));
        const r = parley(['restore', backupFileForPg()], { DATABASE_URL: database.url });
        assert.equal(r.code, 2);
        assert.match(r.err, /pg_restore/);
      } finally {
        await database.drop();
      }
    });

    test('the README path (pg_dump --format=custom, pg_restore) brings back every row and the guard still matches', async (t) => {
      if (spawnSync('pg_dump', ['--version']).status !== 0) return t.skip('pg_dump is not installed');
      const database = await kind.open();
      const schema = new URL(database.url).searchParams.get('options')!.replace('-c search_path=', '');
      const base = process.env.PARLEY_TEST_DATABASE_URL!;
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      try {
        await fillInstallation(database.db);
        await database.close();
        const countsOf = async (s: string) => {
          const tables = (await admin.query('select table_name from information_schema.tables where table_schema = $1 order by 1', [s])).rows.map((r) => r.table_name as string);
          const out: Record<string, number> = {};
          for (const t of tables) out[t] = Number((await admin.query(`select count(*) as n from "${s}"."${t}"`)).rows[0].n);
          return out;
        };
        const before = await countsOf(schema);
        const dump = join(scratch, 'parley.dump');
        // The test's installation is one schema of a shared database, hence --schema; the README dumps the whole database.
        const d = spawnSync('pg_dump', ['--format=custom', `--schema=${schema}`, `--file=${dump}`, base], { encoding: 'utf8' });
        assert.equal(d.status, 0, d.stderr);
        await admin.query(`alter schema ${schema} rename to ${schema}_old`);
        const r = spawnSync('pg_restore', ['--no-owner', `--dbname=${base}`, dump], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(await countsOf(schema), before);
        assert.ok(before.posts! > 50 && before.guard_documents === 1 && before.guard_customer_chunks! > 0);
        await assertGuardMatches(database.url);
      } finally {
        await admin.query(`drop schema if exists ${schema}_old cascade`);
        await admin.query(`drop schema if exists ${schema} cascade`);
        await admin.end();
      }
    });
  });
}

function backupFileForPg(): string {
  const f = join(scratch, 'any.db');
  writeFileSync(f, '');
  return f;
}
