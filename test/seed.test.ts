import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { findUserByLogin, rolesOf } from '../src/accounts/find-user.ts';
import { verifyPassword } from '../src/accounts/passwords.ts';
import { seedDemo, type DemoLogin } from '../src/seed/seed-demo.ts';
import { listInbox } from '../src/conversations/list-inbox.ts';
import { showConversation } from '../src/conversations/show-conversation.ts';
import { testDatabaseKinds, type TestDatabase } from './helpers/databases.ts';

for (const kind of testDatabaseKinds()) {
  describe(`demo seed on ${kind.name}`, () => {
    let database: TestDatabase;
    let logins: DemoLogin[];
    const progress: number[] = [];
    before(async () => {
      database = await kind.open();
      logins = await seedDemo(database.db, (done) => progress.push(done));
    });
    after(() => database.drop());

    test('a community of several boards and about 30 threads, with complaints, answers and staff replies', async () => {
      const db = database.db;
      const boards = await db.selectFrom('boards').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      const topics = await db.selectFrom('topics').select(['id', 'solved_post_id', 'kind']).execute();
      assert.ok(Number(boards.n) >= 4);
      assert.ok(topics.length >= 25 && topics.length <= 40, `${topics.length} threads`);
      assert.ok(topics.filter((t) => t.solved_post_id).length >= 5, 'answered questions');
      const staffReplies = await db
        .selectFrom('posts')
        .innerJoin('user_roles', 'user_roles.user_id', 'posts.user_id')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('user_roles.role', '=', 'employee')
        .where('posts.post_number', '>', 1)
        .executeTakeFirstOrThrow();
      assert.ok(Number(staffReplies.n) >= 10, 'employees reply');
      assert.ok(progress.length > 30 && progress.at(-1) === progress.length, 'progress reported');
    });

    test('the story\'s notifications are in the app and none is left to e-mail', async () => {
      const all = await database.db.selectFrom('notifications').select(['emailed_at']).execute();
      assert.ok(all.length > 0, 'accepted answers notify their authors in the app');
      assert.deepEqual(all.filter((n) => n.emailed_at === null), []);
    });

    test('the private side of the story: the member writes to an employee, who adds billing; the member has its last message unread', async () => {
      const db = database.db;
      const id = async (username: string) => (await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
      const member = { id: await id('demo-member'), roles: new Set(['member'] as const) };
      const inbox = await listInbox(db, member, 1);
      assert.equal(inbox.unread, 1);
      assert.equal(inbox.items[0]!.subject, 'Evening speed: is my street on the node being split?');
      const shown = await showConversation(db, member, inbox.items[0]!.id);
      assert.deepEqual(shown.participants.map((p) => p.username), ['demo-member', 'pieter-jansen', 'mei-lin']);
      assert.equal(shown.messages.length, 3);
      assert.deepEqual(shown.added.map((a) => [a.by.username, a.who.username]), [['pieter-jansen', 'mei-lin']]);
      assert.equal((await listInbox(db, member, 1)).unread, 0, 'read once shown');
    });

    test('demo accounts for each role, with working random passwords', async () => {
      const byRole = new Map(logins.map((l) => [l.roles.find((r) => r !== 'member') ?? 'member', l]));
      for (const role of ['member', 'employee', 'moderator', 'community_manager'] as const) {
        const login = byRole.get(role);
        assert.ok(login, `a demo ${role}`);
        const user = await findUserByLogin(database.db, login.username);
        assert.ok(user && (await verifyPassword(user.password_hash!, login.password)));
        assert.ok((await rolesOf(database.db, user.id)).includes(role));
      }
    });

    test('seeding again is refused: demo data never mixes into a real community', async () => {
      await assert.rejects(seedDemo(database.db), /only seeded into an empty database/);
    });
  });
}
