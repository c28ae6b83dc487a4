import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createUser } from '../../src/accounts/create-user.ts';
import { changeRole, parseRole } from '../../src/accounts/change-role.ts';
import { findUserByLogin, loadActor, rolesOf } from '../../src/accounts/find-user.ts';
import { verifyPassword } from '../../src/accounts/passwords.ts';
import { badgesFor } from '../../src/accounts/badges.ts';
import { UserError } from '../../src/shared/errors.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';

const valid = { username: 'Anna.Jansen', email: 'Anna@Example.com', displayName: 'Anna Jansen', password: 'a long enough passphrase' };

for (const kind of testDatabaseKinds()) {
  describe(`accounts on ${kind.name}`, () => {
    let database: TestDatabase;
    before(async () => (database = await kind.open()));
    after(() => database.drop());

    test('creates a member with an argon2id hash, found by username or e-mail in any case', async () => {
      const { id } = await createUser(database.db, valid);
      const byName = await findUserByLogin(database.db, 'anna.jansen');
      const byMail = await findUserByLogin(database.db, ' ANNA@example.COM ');
      assert.equal(byName?.id, id);
      assert.equal(byMail?.id, id);
      assert.match(byName!.password_hash!, /^\$argon2id\$/);
      assert.ok(await verifyPassword(byName!.password_hash!, valid.password));
      assert.ok(!(await verifyPassword(byName!.password_hash!, 'wrong password')));
      assert.deepEqual(await rolesOf(database.db, id), ['member']);
      assert.equal(byName!.email_verified_at, null, 'not verified unless said so');
    });

    test('duplicate username or e-mail is a 409 and writes nothing', async () => {
      const before = await database.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      await assert.rejects(createUser(database.db, { ...valid, email: 'other@example.com', username: 'ANNA.JANSEN' }), (e: UserError) => e.status === 409 && e.field === 'username');
      await assert.rejects(createUser(database.db, { ...valid, username: 'someone_else', email: 'anna@EXAMPLE.com' }), (e: UserError) => e.status === 409 && e.field === 'email');
      const afterCount = await database.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      assert.equal(afterCount.n, before.n);
    });

    test('bad input is refused with a message naming the field', async () => {
      const cases: [Partial<typeof valid>, string, RegExp][] = [
        [{ username: 'ab' }, 'username', /at least 3/],
        [{ username: 'has space' }, 'username', /letters, digits/],
        [{ email: 'not-an-address' }, 'email', /valid e-mail/],
        [{ password: 'short' }, 'password', /at least 10/],
        [{ displayName: '   ' }, 'displayName', /required/],
      ];
      for (const [patch, field, message] of cases) {
        await assert.rejects(createUser(database.db, { ...valid, username: 'fresh_user', email: 'fresh@example.com', ...patch }), (e: UserError) => {
          assert.equal(e.field, field);
          assert.match(e.message, message);
          return true;
        });
      }
      assert.equal(await findUserByLogin(database.db, 'fresh_user'), undefined);
    });

    test('roles are granted and revoked with a log of who did it', async () => {
      const { id } = await createUser(database.db, { ...valid, username: 'pieter', displayName: 'Pieter', email: 'pieter@brightwave.example' });
      const { id: adminId } = await createUser(database.db, { ...valid, username: 'root_admin', displayName: 'Rita Admin', email: 'root@brightwave.example', roles: ['admin'] });
      assert.equal(await changeRole(database.db, { userId: id, role: 'moderator', action: 'grant', actorId: adminId, reason: 'new team member' }), true);
      assert.equal(await changeRole(database.db, { userId: id, role: 'moderator', action: 'grant', actorId: adminId }), false, 'already held');
      assert.deepEqual((await rolesOf(database.db, id)).sort(), ['member', 'moderator']);
      const actor = await loadActor(database.db, id);
      assert.ok(actor?.roles.has('moderator'));
      assert.equal(await changeRole(database.db, { userId: id, role: 'moderator', action: 'revoke', actorId: adminId }), true);
      assert.deepEqual(await rolesOf(database.db, id), ['member']);
      const log = await database.db.selectFrom('role_changes').selectAll().where('user_id', '=', id).orderBy('id').execute();
      assert.deepEqual(log.map((l) => [l.role, l.action, l.actor_id]), [['member', 'grant', null], ['moderator', 'grant', adminId], ['moderator', 'revoke', adminId]]);
      assert.equal(log[1]!.reason, 'new team member');
      await assert.rejects(changeRole(database.db, { userId: id, role: 'member', action: 'revoke', actorId: adminId }), /Every account is a member/);
      await assert.rejects(changeRole(database.db, { userId: 999999, role: 'employee', action: 'grant', actorId: null }), /No such user/);
    });
  });
}

test('parseRole accepts friendly spellings and refuses unknown roles', () => {
  assert.equal(parseRole('Community-Manager'), 'community_manager');
  assert.equal(parseRole('employee'), 'employee');
  assert.throws(() => parseRole('overlord'), /Unknown role "overlord"/);
});

test('badges: Employee, Moderator, Community Manager in that order; member and admin show none', () => {
  assert.deepEqual(badgesFor(['member', 'community_manager', 'employee', 'admin']).map((b) => b.label), ['Employee', 'Community Manager']);
  assert.deepEqual(badgesFor(['member', 'admin']), []);
});
