import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, databaseConnections, loadConfig, workerCount } from '../src/config.ts';
import { availableParallelism } from 'node:os';

test('defaults: SQLite under ./data, port 3000 on loopback', () => {
  const c = loadConfig({});
  assert.equal(c.PORT, 3000);
  assert.equal(c.HOST, '127.0.0.1');
  assert.equal(c.DATABASE_URL, 'file:./data/parley.db');
  assert.equal(c.publicUrl, 'http://127.0.0.1:3000');
  assert.equal(c.SEED_DEMO, true);
});

test('a bad value stops start-up with a message naming the setting', () => {
  assert.throws(() => loadConfig({ PORT: 'eighty' }), (e: Error) => e instanceof ConfigError && /PORT/.test(e.message));
  assert.throws(() => loadConfig({ PORT: '70000' }), /PORT/);
  assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL: must be file:PATH/);
  assert.throws(() => loadConfig({ PUBLIC_URL: 'not a url' }), /PUBLIC_URL/);
  assert.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
});

test('several bad settings are all named at once', () => {
  assert.throws(
    () => loadConfig({ PORT: '-1', SEED_DEMO: 'maybe' }),
    (e: Error) => /PORT/.test(e.message) && /SEED_DEMO/.test(e.message),
  );
});

test('company e-mail domains are a trimmed, lower-cased list', () => {
  assert.deepEqual(loadConfig({ COMPANY_EMAIL_DOMAINS: ' Brightwave.example, ,corp.example ' }).COMPANY_EMAIL_DOMAINS, ['brightwave.example', 'corp.example']);
});

test('a config file adds settings; the environment wins over it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-config-'));
  const file = join(dir, 'parley.json');
  writeFileSync(file, JSON.stringify({ PORT: 4100, SITE_NAME: 'Acme Community' }));
  const c = loadConfig({ PARLEY_CONFIG: file, PORT: '4200' });
  assert.equal(c.PORT, 4200);
  assert.equal(c.SITE_NAME, 'Acme Community');
  writeFileSync(file, '{ not json');
  assert.throws(() => loadConfig({ PARLEY_CONFIG: file }), /PARLEY_CONFIG: cannot read/);
  assert.throws(() => loadConfig({ PARLEY_CONFIG: join(dir, 'missing.json') }), /PARLEY_CONFIG/);
});

test('WORKERS: one process in development, one per CPU in production or with "auto", a number as given', () => {
  assert.equal(workerCount(loadConfig({})), 1);
  assert.equal(workerCount(loadConfig({ NODE_ENV: 'production' })), Math.min(availableParallelism(), 16));
  assert.equal(workerCount(loadConfig({ WORKERS: 'auto' })), Math.min(availableParallelism(), 16));
  assert.equal(workerCount(loadConfig({ WORKERS: '24' })), 24);
  assert.equal(workerCount(loadConfig({ NODE_ENV: 'production', WORKERS: '3' })), 3);
  for (const bad of ['0', 'many', '2.5']) assert.throws(() => loadConfig({ WORKERS: bad }), (err: Error) => err instanceof ConfigError && /WORKERS/.test(err.message));
});

test('DATABASE_CONNECTIONS: shared among the workers, at least one each; a bad value names the setting', () => {
  assert.equal(databaseConnections(loadConfig({ DATABASE_CONNECTIONS: '8', WORKERS: '2' })), 4);
  assert.equal(databaseConnections(loadConfig({ DATABASE_CONNECTIONS: '5', WORKERS: '2' })), 3);
  assert.equal(databaseConnections(loadConfig({ DATABASE_CONNECTIONS: '2', WORKERS: '8' })), 1);
  assert.equal(databaseConnections(loadConfig({ DATABASE_CONNECTIONS: '6' })), 6);
  for (const bad of ['0', 'some', '1.5']) assert.throws(() => loadConfig({ DATABASE_CONNECTIONS: bad }), (err: Error) => err instanceof ConfigError && /DATABASE_CONNECTIONS/.test(err.message));
});

test('DATABASE_CONNECTIONS unset: two per CPU for the server (at most 20), at least 2 a worker, at most 10 a process', () => {
  const unset = loadConfig({});
  // [workers, cores, connections of each process]
  for (const [workers, cores, each] of [[1, 2, 4], [2, 2, 2], [1, 4, 8], [1, 8, 10], [4, 4, 2], [8, 8, 2], [16, 32, 2], [3, 4, 3]]) {
    assert.equal(databaseConnections(unset, workers, cores), each, `${workers} workers on ${cores} cores`);
  }
  assert.equal(databaseConnections(loadConfig({ DATABASE_CONNECTIONS: '20' }), 2, 2), 10, 'the setting wins over the CPUs');
});

test('REDIS_URL: redis:// or rediss:// with a host; anything else names the setting', () => {
  assert.equal(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379/5' }).REDIS_URL, 'redis://127.0.0.1:6379/5');
  assert.equal(loadConfig({ REDIS_URL: 'rediss://user:pw@cache.example:6380' }).REDIS_URL, 'rediss://user:pw@cache.example:6380');
  assert.equal(loadConfig({}).REDIS_URL, undefined);
  for (const bad of ['127.0.0.1:6379', 'http://127.0.0.1:6379', 'redis://', 'redis://host/notadb']) {
    assert.throws(() => loadConfig({ REDIS_URL: bad }), (err: Error) => err instanceof ConfigError && /REDIS_URL: must be redis:\/\//.test(err.message), bad);
  }
});
