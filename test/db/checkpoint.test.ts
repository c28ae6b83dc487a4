import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { checkpointInBackground, openDatabase } from '../../src/db/database.ts';

// ~1,600 pages of 4 KiB per batch: more than SQLite's own checkpoint threshold (1,000 pages).
async function writeBatch(db: Awaited<ReturnType<typeof openDatabase>>['db'], batch: number) {
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < 1600; i++) await sql`insert into filler (batch, body) values (${batch}, ${'x'.repeat(3500)})`.execute(tx);
  });
}

async function walPagesAfterThreeBatches(background: boolean): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-wal-'));
  const database = await openDatabase(`file:${join(dir, 'test.db')}`);
  try {
    if (background) checkpointInBackground(database, 20);
    else await sql.raw('pragma wal_autocheckpoint = 10000').execute(database.db); // the same backstop, no worker
    await sql`create table filler (batch integer, body text)`.execute(database.db);
    for (let batch = 0; batch < 3; batch++) {
      await writeBatch(database.db, batch);
      await sleep(300); // the worker checkpoints; the next write then starts the log from the beginning
    }
    return statSync(join(dir, 'test.db-wal')).size / 4096;
  } finally {
    await database.close();
  }
}

test('SQLite WAL checkpoints run in a worker thread: the log stays near one batch instead of growing', async () => {
  const without = await walPagesAfterThreeBatches(false);
  const withWorker = await walPagesAfterThreeBatches(true);
  assert.ok(without > 4000, `without the worker the log holds all three batches (${without} pages)`);
  assert.ok(withWorker < 2500, `with the worker the log is reused (${withWorker} pages)`);
});
