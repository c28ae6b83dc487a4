import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { spawn } from 'node:child_process';
import { DatabaseUnavailableError, openDatabase, redactUrl } from '../../src/db/database.ts';
import { migrateToLatest, migrationNames } from '../../src/db/migrate.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';

test('SQLite: file:PATH creates the file and its folder, in WAL mode', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-db-'));
  const path = join(dir, 'nested', 'parley.db');
  const database = await openDatabase(`file:${path}`);
  try {
    assert.equal(database.dialect, 'sqlite');
    assert.ok(existsSync(path));
    const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(database.db);
    assert.equal(rows[0]?.journal_mode, 'wal');
  } finally {
    await database.close();
  }
});

test('an unreachable PostgreSQL gives a clear error without the password', async () => {
  await assert.rejects(
    openDatabase('postgres://parley:s3cret@127.0.0.1:1/parley'),
    (e: Error) => e instanceof DatabaseUnavailableError && /cannot reach PostgreSQL/.test(e.message) && !e.message.includes('s3cret'),
  );
});

test('an unopenable SQLite path gives a clear error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-db-'));
  const notAFolder = join(dir, 'plain-file');
  writeFileSync(notAFolder, 'x');
  await assert.rejects(openDatabase(`file:${notAFolder}/parley.db`), (e: Error) => e instanceof DatabaseUnavailableError && e.message.includes('cannot open SQLite'));
});

test('redactUrl hides the password only', () => {
  assert.equal(redactUrl('postgres://u:p@h:5432/d'), 'postgres://u:***@h:5432/d');
  assert.equal(redactUrl('postgres://h/d'), 'postgres://h/d');
});

for (const kind of testDatabaseKinds()) {
  describe(`migrations on ${kind.name}`, () => {
    test('apply once, then report nothing pending; the schema is usable', async () => {
      const database = await kind.open({ migrate: false });
      try {
        assert.deepEqual(await migrateToLatest(database), migrationNames());
        assert.equal(migrationNames()[0], '001_initial');
        assert.deepEqual(await migrateToLatest(database), [], 'nothing pending the second time');
        const { id } = await database.db
          .insertInto('boards')
          .values({ slug: 'b', name: 'B', description: '', position: 1, visibility: 'public', last_post_at: null, last_topic_id: null, created_at: new Date().toISOString() })
          .returning('id')
          .executeTakeFirstOrThrow();
        assert.equal(typeof id, 'number');
        const count = await database.db.selectFrom('boards').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
        assert.strictEqual(count.n, 1, 'count is a number on both databases');
      } finally {
        await database.drop();
      }
    });
  });
}

test('SQLite: a transaction that reads first still commits when another process wrote meanwhile', async () => {
  // Another process on the same file (a second worker, the CLI): with SQLite's deferred BEGIN the
  // first write of a transaction that had read fails at once with SQLITE_BUSY once the other
  // process committed; Parley's transactions take the write lock when they begin instead.
  const dir = mkdtempSync(join(tmpdir(), 'parley-lock-'));
  const url = `file:${join(dir, 'lock.db')}`;
  const database = await openDatabase(url);
  try {
    await sql`create table notes (id integer primary key, text text not null)`.execute(database.db);
    const native = new URL('../../src/db/sqlite-native.js', import.meta.url).pathname;
    let other: ReturnType<typeof spawn> | undefined;
    let otherExit: Promise<number | null> | undefined;
    await database.db.transaction().execute(async (trx) => {
      await sql`select count(*) from notes`.execute(trx);
      // The other process writes now (it waits for the lock if this transaction holds it).
      const script = `const { SQLite } = await import(${JSON.stringify(native)}); const d = new SQLite(${JSON.stringify(join(dir, 'lock.db'))}); d.pragma('busy_timeout = 5000'); d.prepare("insert into notes (text) values ('other process')").run(); d.close();`;
      other = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
      otherExit = new Promise((resolve) => other!.once('exit', resolve));
      await new Promise((r) => setTimeout(r, 500));
      await sql`insert into notes (text) values ('this process')`.execute(trx);
    });
    assert.equal(await otherExit, 0, 'the other process waited for the lock and wrote too');
    const rows = await sql<{ text: string }>`select text from notes order by id`.execute(database.db);
    assert.deepEqual(rows.rows.map((r) => r.text), ['this process', 'other process']);
  } finally {
    await database.close();
  }
});
