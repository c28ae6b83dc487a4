// The HTTP layer's own pieces: security headers worked out once by helmet, pages rendered by
// src/web/views.ts and sent as UTF-8 bytes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import { helmetHeaders } from '../../src/web/security-headers.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createUser } from '../../src/accounts/create-user.ts';
import { seedDemo } from '../../src/seed/seed-demo.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { withCharacters } from '../helpers/html.ts';

const OPTIONS = { contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], upgradeInsecureRequests: null } }, strictTransportSecurity: false } as const;

/** The headers helmet's middleware sets on a real Node response. */
async function headersOnARealResponse(options: Parameters<typeof helmet>[0]): Promise<Record<string, string>> {
  const apply = helmet(options);
  const server = createServer((req, res) => apply(req, res, () => res.end('ok')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      httpRequest({ port, host: '127.0.0.1', path: '/' }, (res) => {
        res.resume();
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (!['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(k)) h[k] = String(v);
        resolve(h);
      }).on('error', reject).end();
    });
  } finally {
    server.close();
  }
}

test('the security headers are exactly those helmet sets on a response, worked out once', async () => {
  for (const options of [OPTIONS, { ...OPTIONS, strictTransportSecurity: true }, {}]) {
    const once = helmetHeaders(options);
    assert.deepEqual(once, await headersOnARealResponse(options));
    assert.ok(once['content-security-policy'] && once['x-content-type-options'] === 'nosniff' && once['x-frame-options']);
  }
  assert.equal('strict-transport-security' in helmetHeaders(OPTIONS), false);
  assert.match(helmetHeaders({ ...OPTIONS, strictTransportSecurity: true })['strict-transport-security']!, /max-age=/);
});

for (const kind of testDatabaseKinds()) {
  describe(`HTTP layer on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    before(async () => {
      database = await kind.open();
      await seedDemo(database.db);
      app = await testServer(database);
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('every kind of response carries the security headers', async () => {
      const first = await app.inject({ url: '/' });
      for (const url of ['/', '/b/home-internet', '/no-such-page', '/assets/style.css', '/api/v1/boards', '/signin']) {
        const res = await app.inject({ url });
        for (const name of ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy', 'cross-origin-opener-policy']) {
          assert.equal(res.headers[name], first.headers[name], `${name} on ${url}`);
          assert.ok(res.headers[name], `${name} on ${url}`);
        }
        assert.equal(res.headers['x-powered-by'], undefined);
      }
    });

    test('pages are sent as UTF-8 with the length of their bytes, whatever the script', async () => {
      const author = await createUser(database.db, { username: 'zoe_n', email: 'zoe@example.com', displayName: 'Zoë 日本', password: 'velvet Lantern orbit 42', emailVerified: true });
      const title = 'Ünïcödé 日本語 — emoji 🎉 in a title';
      const body = 'Ελληνικά, русский, 中文 and 🚀 in a post: «quotes» → arrows.';
      const t = await createTopic(database.db, { id: author.id, roles: new Set(['member']) }, { boardSlug: 'home-internet', kind: 'discussion', title, body });
      const res = await app.inject({ url: `/t/${t.slug}/${t.id}` });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(Number(res.headers['content-length']), res.rawPayload.length);
      assert.equal(res.rawPayload.toString('utf8'), res.body);
      // Characters above U+00FF come as numeric references (src/web/one-byte-html.ts): the same text once decoded, as a browser does.
      const text = withCharacters(res.body);
      assert.ok(text.includes(`<span itemprop="headline">${title}</span>`), 'the title arrives intact');
      assert.ok(text.includes('中文 and 🚀'), 'the post arrives intact');
      assert.ok(text.includes('<span itemprop="name">Zoë 日本</span>'), "the author's name arrives intact");
    });

    test('in development (templates re-read on every render, as npm start runs) pages come out the same', async () => {
      const dev = await testServer(database, { NODE_ENV: 'development' });
      try {
        const topic = await database.db.selectFrom('topics').select(['id', 'slug']).where('solved_post_id', 'is not', null).orderBy('id').executeTakeFirstOrThrow();
        for (const url of ['/', '/b/home-internet', `/t/${topic.slug}/${topic.id}`, '/no-such-page']) {
          const [a, b] = [await app.inject({ url }), await dev.inject({ url })];
          assert.equal(b.statusCode, a.statusCode, url);
          assert.ok(b.body.length > 500, url);
          assert.equal(b.body, a.body, url);
        }
      } finally {
        await dev.close();
      }
    });

    test('an error page is a rendered view too, for a visitor and with the right status', async () => {
      const res = await app.inject({ url: '/t/nothing-here/999999' });
      assert.equal(res.statusCode, 404);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
      assert.match(res.body, /<h1>Page not found<\/h1>/);
      assert.match(res.body, /href="\/signin\?next=%2Ft%2Fnothing-here%2F999999"/, 'the layout knows nobody is signed in (and offers to come back here)');
      const json = await app.inject({ url: '/t/nothing-here/999999', headers: { accept: 'application/json' } });
      assert.equal(json.statusCode, 404);
      assert.equal(json.json().statusCode, 404);
    });
  });
}
