import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLite as Database } from '../src/db/sqlite-native.js';
import { startParley } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

test('stopping the server saves the view counts it still held, then closes the database', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-app-'));
  const file = join(dir, 'parley.db');
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: `file:${file}`, HOST: '127.0.0.1', PORT: '0', SEED_DEMO: 'true', ANON_CACHE_SECONDS: '0', UPLOADS_DIR: join(dir, 'up'), OUTBOX_DIR: join(dir, 'out') });
  const running = await startParley(config, { logger: false });
  const topic = await running.database.db.selectFrom('topics').select(['id', 'slug', 'view_count']).orderBy('id').executeTakeFirstOrThrow();
  for (let i = 0; i < 3; i++) assert.equal((await fetch(`${running.url}/t/${topic.slug}/${topic.id}`)).status, 200);
  await running.stop();
  const sqlite = new Database(file, { readonly: true });
  const after = sqlite.prepare('select view_count from topics where id = ?').get(topic.id) as { view_count: number };
  sqlite.close();
  assert.equal(after.view_count, topic.view_count + 3);
});
