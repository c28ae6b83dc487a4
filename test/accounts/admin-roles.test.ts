import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { rolesOf } from '../../src/accounts/find-user.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';

const PASSWORD = 'correct horse battery staple';

for (const kind of testDatabaseKinds()) {
  describe(`role administration on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await makeUser(database.db, ['community_manager'], 'cm_role');
      await makeUser(database.db, ['employee'], 'emp_role');
      await makeUser(database.db, [], 'target_tina');
    });
    after(async () => {
      await app.close();
      await database.drop();
    });
    const as = async (login: string) => {
      const a = new Agent(app);
      assert.equal((await a.post('/signin', { login, password: PASSWORD }, '/signin')).statusCode, 303);
      return a;
    };

    test('a community manager grants and revokes a role on the page; the log names them and the reason', async () => {
      const cm = await as('cm_role');
      const page = await cm.get('/admin/users/target_tina');
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /<option value="admin">/, 'community managers cannot grant admin');
      const granted = await cm.post('/admin/users/target_tina/roles', { role: 'moderator', action: 'grant', reason: 'helps a lot' }, '/admin/users/target_tina');
      assert.match(granted.body, /Granted moderator/);
      const tina = (await database.db.selectFrom('users').select('id').where('username', '=', 'target_tina').executeTakeFirstOrThrow()).id;
      assert.ok((await rolesOf(database.db, tina)).includes('moderator'));
      assert.match(granted.body, /<td>grant moderator<\/td><td>cm_role<\/td><td>helps a lot<\/td>/);
      const admin = await cm.post('/admin/users/target_tina/roles', { role: 'admin', action: 'grant' }, '/admin/users/target_tina');
      assert.equal(admin.statusCode, 403);
      const bad = await cm.post('/admin/users/target_tina/roles', { role: 'overlord', action: 'grant' }, '/admin/users/target_tina');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Unknown role/);
      await cm.post('/admin/users/target_tina/roles', { role: 'moderator', action: 'revoke', reason: 'stepped down' }, '/admin/users/target_tina');
      assert.ok(!(await rolesOf(database.db, tina)).includes('moderator'));
    });

    test('employees and members cannot administer roles', async () => {
      const emp = await as('emp_role');
      assert.equal((await emp.get('/admin/users/target_tina')).statusCode, 403);
      const res = await emp.post('/admin/users/target_tina/roles', { role: 'moderator', action: 'grant' }, '/settings');
      assert.equal(res.statusCode, 403);
      assert.equal((await app.inject({ url: '/admin/users/target_tina' })).statusCode, 401);
    });
  });
}
