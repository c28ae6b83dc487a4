import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';

for (const kind of testDatabaseKinds()) {
  describe(`@mention e-mails on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let smtp: TestSmtp;
    before(async () => {
      database = await kind.open();
      smtp = await startSmtp();
      app = await testServer(database, { SMTP_URL: smtp.url, PUBLIC_URL: 'http://community.test' });
      await createBoard(database.db, null, { name: 'General', slug: 'general' });
      await createBoard(database.db, null, { name: 'Team', slug: 'team', visibility: 'staff' });
      await makeUser(database.db, [], 'writer_wes');
      await makeUser(database.db, [], 'reader_rui');
      await makeUser(database.db, ['moderator'], 'mod_mae');
    });
    after(async () => {
      await app.close();
      await smtp.close();
      await database.drop();
    });

    test('people mentioned in a new topic are e-mailed a link; the author and unknown names are not; staff boards only tell staff', async () => {
      const wes = new Agent(app);
      await wes.post('/signin', { login: 'writer_wes', password: 'correct horse battery staple' }, '/signin');
      const seen = smtp.messages.length;
      const res = await wes.post('/b/general/topics', { kind: 'discussion', title: 'Router firmware 2.4 is out', body: 'Thanks @reader_rui and @mod_mae, and @writer_wes and @nobody_here!' }, '/b/general/new');
      assert.equal(res.statusCode, 303);
      const first = await smtp.next(seen);
      const second = await smtp.next(seen + 1);
      const to = [first, second].map((m) => (m.to as { text: string }).text).sort();
      assert.deepEqual(to, ['mod_mae@example.com', 'reader_rui@example.com']);
      assert.equal(first.subject, 'writer wes mentioned you in “Router firmware 2.4 is out”');
      assert.match(first.text!, /Read and reply: http:\/\/community\.test\/t\/router-firmware-2-4-is-out\/\d+#post-1/);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(smtp.messages.length, seen + 2, 'nobody else was e-mailed');

      const mae = new Agent(app);
      await mae.post('/signin', { login: 'mod_mae', password: 'correct horse battery staple' }, '/signin');
      await mae.post('/b/team/topics', { kind: 'discussion', title: 'Team-only coordination', body: 'FYI @reader_rui' }, '/b/team/new');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(smtp.messages.length, seen + 2, 'a member is not told about a staff-only topic');
    });
  });
}
