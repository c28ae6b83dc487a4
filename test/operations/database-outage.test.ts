// PostgreSQL going away mid-service (issue 15, point 4): requests meet a clear 503 page (or JSON
// for the API) with Retry-After — not a 500 "Server error", not a crash — a write refused then
// leaves nothing behind, and the same server serves again once the database is back. The outage
// is real: the server reaches PostgreSQL through a TCP relay that the test cuts and restores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { testServer } from '../helpers/server.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { openDatabase } from '../../src/db/database.ts';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { makeUser } from '../helpers/fixtures.ts';

/** A relay to PostgreSQL that can be cut (every connection closed, new ones refused) and restored. */
async function relay(target: URL): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server;
  const open = (port: number) =>
    new Promise<number>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => {});
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
  // A port of this project's test range (4100-4199).
  const port = await open(4150);
  const cut = async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  };
  return { port, cut, restore: async () => void (await open(port)), close: cut };
}

const postgres = testDatabaseKinds().find((k) => k.name === 'postgres');

test('PostgreSQL out of reach: 503 pages with Retry-After, no half-written post, service resumes by itself', { skip: postgres ? false : 'PARLEY_TEST_DATABASE_URL is not set' }, async () => {
  const base = await postgres!.open();
  const url = new URL(base.url);
  const pgRelay = await relay(new URL(base.url));
  url.host = `127.0.0.1:${pgRelay.port}`;
  const viaRelay = await openDatabase(url.toString());
  const app = await testServer({ ...viaRelay, url: url.toString(), drop: async () => {} });
  try {
    const board = await createBoard(base.db, null, { name: 'Help', slug: 'help' });
    const member = await makeUser(base.db);
    const topic = await createTopic(base.db, member, { boardSlug: board.slug, kind: 'question', title: 'Router keeps rebooting', body: 'It restarts every evening around eight.' });
    const { token } = await createApiToken(base.db, member, { name: 'outage test', expiresInDays: 1 });
    const reply = () =>
      app.inject({ method: 'POST', url: `/api/v1/topics/${topic.id}/replies`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: { body: 'Same here, since the last update.' } });
    const posts = async () => Number((await base.db.selectFrom('posts').select((eb) => eb.fn.countAll().as('n')).where('topic_id', '=', topic.id).executeTakeFirstOrThrow()).n);

    assert.equal((await app.inject({ url: `/t/${topic.slug}/${topic.id}` })).statusCode, 200);

    await pgRelay.cut();
    const page = await app.inject({ url: `/t/${topic.slug}/${topic.id}`, headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 503);
    assert.equal(page.headers['retry-after'], '5');
    assert.match(page.body, /cannot reach its database for a moment/);
    assert.doesNotMatch(page.body, /Server error/);
    const write = await reply();
    assert.equal(write.statusCode, 503);
    assert.equal(write.json().error, 'Service unavailable');
    assert.equal(await posts(), 1, 'the refused reply left nothing behind');

    await pgRelay.restore();
    const back = await app.inject({ url: `/t/${topic.slug}/${topic.id}` });
    assert.equal(back.statusCode, 200);
    assert.equal((await reply()).statusCode, 201);
    assert.equal(await posts(), 2);
  } finally {
    await app.close();
    await viaRelay.close();
    await pgRelay.close();
    await base.drop();
  }
});
