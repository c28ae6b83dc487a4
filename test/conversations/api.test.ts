// Private conversations in the REST API and its OpenAPI description: the same rules as the
// pages (404 for those who may not see it, 4xx for bad input with nothing stored).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { makeUser } from '../helpers/fixtures.ts';

for (const kind of testDatabaseKinds()) {
  describe(`conversations API on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    const token: Record<string, string> = {};
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      for (const [name, roles] of [['ann', []], ['ben', []], ['emp', ['employee']], ['mod', ['moderator']]] as const) {
        const u = await makeUser(database.db, [...roles], `api_${name}`);
        token[name] = (await createApiToken(database.db, u, { name: 'test' })).token;
      }
    });
    after(async () => {
      await app.close();
      await database.drop();
    });
    const call = (who: string | null, method: 'GET' | 'POST', url: string, payload?: object) =>
      app.inject({ method, url: `/api/v1${url}`, headers: who ? { authorization: `Bearer ${token[who]}` } : {}, ...(payload ? { payload } : {}) });
    const stored = async () => Number((await database.db.selectFrom('conversation_messages').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    test('start, read, reply, inbox; others get 404; visitors 401', async () => {
      const res = await call('ann', 'POST', '/conversations', { to: ['api_ben'], subject: 'Hello', body: 'First *message*' });
      assert.equal(res.statusCode, 201, res.body);
      const { id } = res.json() as { id: number };
      const ben = await call('ben', 'GET', '/conversations');
      assert.equal((ben.json() as { unread: number }).unread, 1);
      const page = await call('ben', 'GET', `/conversations/${id}`);
      assert.equal(page.statusCode, 200);
      const body = page.json() as { messages: Array<{ html: string; author: { username: string } }>; participants: unknown[] };
      assert.equal(body.messages[0]!.html, '<p>First <em>message</em></p>\n');
      assert.equal(body.messages[0]!.author.username, 'api_ann');
      assert.equal((await call('ben', 'GET', '/conversations')).json().unread, 0, 'read now');
      assert.equal((await call('ben', 'POST', `/conversations/${id}/messages`, { body: 'Hi Ann' })).statusCode, 201);
      for (const who of ['emp', 'mod']) {
        assert.equal((await call(who, 'GET', `/conversations/${id}`)).statusCode, 404, who);
        assert.equal((await call(who, 'POST', `/conversations/${id}/messages`, { body: 'x' })).statusCode, 404, who);
        assert.equal((await call(who, 'POST', `/conversations/${id}/leave`)).statusCode, 404, who);
      }
      assert.equal((await call(null, 'GET', `/conversations/${id}`)).statusCode, 401);
      assert.equal((await call(null, 'GET', '/conversations')).statusCode, 401);
      assert.equal((await call('ben', 'POST', `/conversations/${id}/mute`, { muted: true })).statusCode, 204);
      assert.equal((await call('ben', 'GET', '/conversations')).json().conversations[0].muted, true);
    });

    test('text attachments through the API: sent with a message, listed with a download address; a binary file is 415 and nothing is stored', async () => {
      const res = await call('ann', 'POST', '/conversations', { to: ['api_ben'], subject: 'Logs', body: 'The router log is attached.', attachments: [{ name: 'router.log', content: 'boot ok\nwan up\n' }] });
      assert.equal(res.statusCode, 201, res.body);
      const { id } = res.json() as { id: number };
      const reply = await call('ben', 'POST', `/conversations/${id}/messages`, { body: 'And mine', attachments: [{ name: 'notes.txt', content: Buffer.from('line one\n').toString('base64'), encoding: 'base64' }] });
      assert.equal(reply.statusCode, 201, reply.body);
      const page = (await call('ann', 'GET', `/conversations/${id}`)).json() as { messages: Array<{ attachments: Array<{ name: string; size: number; url: string }> }> };
      assert.deepEqual(page.messages.map((m) => m.attachments.map((a) => [a.name, a.size])), [[['router.log', 15]], [['notes.txt', 9]]]);
      assert.match(page.messages[0]!.attachments[0]!.url, new RegExp(`/messages/${id}/attachments/\\d+$`));
      const before = await stored();
      const binary = await call('ann', 'POST', `/conversations/${id}/messages`, { body: 'A picture', attachments: [{ name: 'x.txt', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]).toString('base64'), encoding: 'base64' }] });
      assert.equal(binary.statusCode, 415, binary.body);
      assert.equal(await stored(), before);
    });

    test('bad input: a clear 4xx, nothing stored', async () => {
      const before = await stored();
      const cases: Array<[object, number]> = [
        [{ to: ['nobody_at_all'], subject: 'Hi', body: 'Hello' }, 400],
        [{ to: ['api_ann'], subject: 'Hi', body: 'Hello' }, 400],
        [{ to: [], subject: 'Hi', body: 'Hello' }, 400],
        [{ to: ['api_ben'], subject: 'Hi', body: '' }, 400],
        [{ to: ['api_ben'], subject: 'Hi', body: 'x'.repeat(50_001) }, 413],
        [{ to: ['api_ben'], subject: '', body: 'Hello' }, 400],
        [{ to: ['api_ben'], subject: 'x'.repeat(151), body: 'Hello' }, 400],
        [{ to: Array.from({ length: 21 }, (_, i) => `u${i}`), subject: 'Hi', body: 'Hello' }, 400],
        [{ to: [{ username: 'api_ben' }], subject: 'Hi', body: 'Hello' }, 400],
      ];
      for (const [payload, status] of cases) assert.equal((await call('ann', 'POST', '/conversations', payload)).statusCode, status, JSON.stringify(payload).slice(0, 80));
      for (const forged of ['999999', '0', '-1', 'abc', '1e3']) {
        const r = await call('ann', 'POST', `/conversations/${forged}/messages`, { body: 'Hello' });
        assert.ok(r.statusCode === 404 || r.statusCode === 400, `${forged}: ${r.statusCode}`);
      }
      assert.equal(await stored(), before);
    });

    test('the OpenAPI description covers the conversation routes', async () => {
      const doc = (await app.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
      for (const [path, method] of [['/api/v1/conversations', 'get'], ['/api/v1/conversations', 'post'], ['/api/v1/conversations/{id}', 'get'], ['/api/v1/conversations/{id}/messages', 'post'], ['/api/v1/conversations/{id}/mute', 'post'], ['/api/v1/conversations/{id}/leave', 'post'], ['/api/v1/conversations/{id}/report', 'post']] as const) {
        assert.ok(doc.paths[path]?.[method], `${method} ${path}`);
      }
    });
  });
}
