// Names that pretend to be staff, the system or another member are refused (issue 17, point 7):
// at sign-up, on the profile page, when `parley user create` (createUser) makes an account, and
// when single sign-on creates one (there the directory's name is replaced, as refusing would
// lock the employee out).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { withCharacters } from '../helpers/html.ts';
import { createUser } from '../../src/accounts/create-user.ts';
import { displayNameProblem, nameKey, roleWordProblem, skeleton, usernameProblem } from '../../src/accounts/impersonation.ts';
import { signInWithSso } from '../../src/accounts/sign-in-with-sso.ts';
import { say, UserError, type Text } from '../../src/shared/errors.ts';
import { en } from '../../src/i18n/index.ts';

/** A problem in English words (problems are catalogue texts, said in the reader's language). */
const words = (m: string | Text | null) => (m ? say(en, m) : '');
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';

const PASSWORD = 'correct horse battery staple';

describe('impersonation rules (no database)', () => {
  test('the UTS #39 skeleton makes look-alikes equal, and only them', () => {
    assert.equal(skeleton('demo-rnoderator'), skeleton('demo-moderator'));
    assert.equal(nameKey('Tom Веcker'), nameKey('Tom Becker'), 'Cyrillic В and е');
    assert.equal(nameKey('TOM ВЕCKER'), nameKey('tom becker'));
    assert.equal(nameKey('T0m Becker'), nameKey('tom becker'));
    assert.equal(nameKey('tom.becker ⭐'), nameKey('Tom Becker'));
    assert.equal(nameKey('Ｔｏｍ Ｂｅｃｋｅｒ'), nameKey('Tom Becker'), 'full-width letters');
    assert.notEqual(nameKey('Tom Baker'), nameKey('Tom Becker'));
    assert.notEqual(nameKey('Anna'), nameKey('Anne'));
  });

  test('display names: controls, bidi, invisible-only, badge-like symbols and reserved names are refused for everyone', () => {
    for (const bad of ['Tom\u202eroderatoM', 'Tom \u2067Becker\u2069', '\u200b\u200b', '\u3164', ' \u2060 ', 'Tom\u0000', 'Tom ✔', 'Tom Becker 🛡️', 'Admin', 'SYSTEM']) {
      assert.ok(displayNameProblem(bad), JSON.stringify(bad));
    }
    for (const good of ['Tom Becker', 'Sofía García', 'مريم الحسن', '李明', 'Jean-Luc O’Neill', 'Modesty Blaise', 'Staffordshire Sam', 'Tom 🎸']) {
      assert.equal(displayNameProblem(good), null, good);
      assert.equal(roleWordProblem(good, ['member']), null, good);
    }
  });

  test('role words: refused unless the account holds the role, also disguised or decorated', () => {
    for (const name of ['Community Manager', 'Tom Becker 🎸 Moderator', 'Tom (mod)', 'CommunityManager', 'Parley Staff', 'Support Team', 'Mοderator Tom' /* Greek omicron */, 'M0DERATOR', 'the team', 'Employee of the month']) {
      assert.match(words(roleWordProblem(name, ['member'])), /may not contain/, name);
    }
    assert.equal(roleWordProblem('Mia, Moderator', ['member', 'moderator']), null, 'a moderator may say so');
    assert.match(words(roleWordProblem('Mia, Admin', ['member', 'moderator'])), /admin/);
    assert.equal(roleWordProblem('Eli (Employee)', ['member', 'employee']), null);
  });

  test('reserved usernames, also in other case, with separators or confusable letters', () => {
    for (const u of ['admin', 'Admin', 'moderator', 'root', 'system', 'support', 'staff', 'community-team', 'community_team', 'parley', 'adrnin', 'ADMlN']) {
      assert.ok(usernameProblem(u), u);
    }
    for (const u of ['demo-admin', 'admin-tom', 'rootbeer', 'tom']) assert.equal(usernameProblem(u), null, u);
  });
});

for (const kind of testDatabaseKinds()) {
  describe(`impersonation at every door on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createUser(database.db, { username: 'demo-moderator', email: 'mod@example.com', displayName: 'Mia Moderator', password: PASSWORD, roles: ['moderator'], emailVerified: true });
      await createUser(database.db, { username: 'tbecker', email: 'tom@example.com', displayName: 'Tom Becker', password: PASSWORD, roles: ['employee'], emailVerified: true });
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    const signUp = (fields: Record<string, string>) =>
      new Agent(app).post('/signup', { email: `${Math.random().toString(36).slice(2)}@example.com`, username: `new_${Math.random().toString(36).slice(2, 8)}`, displayName: 'A New Member', password: PASSWORD, ...fields }, '/signup');
    const users = async () => Number((await database.db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n);

    test('sign-up refuses each kind of impersonation with a clear message, and creates nothing', async () => {
      const before = await users();
      const cases: Array<[Record<string, string>, number, RegExp]> = [
        [{ displayName: 'Community Manager' }, 400, /“Community Manager” is reserved/],
        [{ displayName: 'Jo, Community Manager' }, 400, /may not contain “community manager”/],
        [{ displayName: 'Tom Becker 🛡️ Moderator' }, 400, /badge-like symbols/],
        [{ displayName: 'Tom Becker Moderator' }, 400, /may not contain “moderator”/],
        [{ displayName: 'Tom \u202eresU' }, 400, /override/],
        [{ displayName: '\u200b\u200d\u2060' }, 400, /invisible/],
        [{ displayName: 'Tom Веcker' }, 409, /looks the same as the name of another member \(@tbecker\)/],
        [{ displayName: 'Tom Becker' }, 409, /another member/],
        [{ username: 'admin' }, 400, /reserved/],
        [{ username: 'Moderator' }, 400, /reserved/],
        [{ username: 'community-team' }, 400, /reserved/],
        [{ username: 'demo-rnoderator' }, 409, /@demo-moderator/],
        [{ username: 'tom_becker' }, 409, /@tbecker/],
      ];
      for (const [fields, status, message] of cases) {
        const res = await signUp(fields);
        assert.equal(res.statusCode, status, `${JSON.stringify(fields)}: ${/class="error"[^>]*>([^<]*)/.exec(res.body)?.[1] ?? res.body.slice(0, 300)}`);
        assert.match(withCharacters(res.body).replace(/&quot;/g, '"').replace(/&#39;/g, "'"), message, JSON.stringify(fields));
      }
      assert.equal(await users(), before, 'no account was created');
      assert.equal((await signUp({ displayName: 'Tom Baker', username: 'tbaker' })).statusCode, 200, 'a different name passes');
    });

    test('profile edit: the same rules, the own name may stay, and staff may name their role', async () => {
      const agent = new Agent(app);
      assert.equal((await agent.post('/signin', { login: 'tbecker', password: PASSWORD }, '/signin')).statusCode, 303);
      const edit = (displayName: string) => agent.post('/settings/profile', { displayName, bio: '' }, '/settings');
      assert.equal((await edit('Mia Moderator')).statusCode, 400, 'an employee may not call himself moderator (role word)');
      const rtl = await edit('Tom \u202eBecker');
      assert.equal(rtl.statusCode, 400);
      assert.match(rtl.body, /override/);
      assert.equal((await edit('Demo Moderator')).statusCode, 400);
      assert.equal((await edit('demo rnoderat0r')).statusCode, 400);
      const twin = await edit('Tom Bakér');
      assert.equal(twin.statusCode, 409, 'Tom Baker signed up above');
      assert.match(twin.body, /looks the same as the name of another member \(@tbaker\)/);
      assert.equal((await edit('Tom Becker')).statusCode, 303, 'keeping one’s own name is fine');
      assert.equal((await edit('Tom Becker (Employee)')).statusCode, 303, 'an employee may say so');
      const row = await database.db.selectFrom('users').select('display_name').where('username', '=', 'tbecker').executeTakeFirstOrThrow();
      assert.equal(row.display_name, 'Tom Becker (Employee)');
    });

    test('createUser (as `parley user create` and the seed use it) refuses the same', async () => {
      const base = { email: 'cli@example.com', password: PASSWORD, emailVerified: true };
      await assert.rejects(createUser(database.db, { ...base, username: 'root', displayName: 'Rooty' }), (e: UserError) => e.status === 400 && /reserved/.test(e.message));
      await assert.rejects(createUser(database.db, { ...base, username: 'tom-b2', displayName: 'Тоm Baker' /* Cyrillic Т and о */ }), (e: UserError) => e.status === 409 && e.field === 'displayName');
      await assert.rejects(createUser(database.db, { ...base, username: 'helper', displayName: 'Staff' }), (e: UserError) => e.status === 400 && e.field === 'displayName');
      const { id } = await createUser(database.db, { ...base, username: 'cm_carla', displayName: 'Carla, Community Manager', roles: ['community_manager'] });
      assert.ok(id > 0, 'a community manager may be called one');
    });

    test('single sign-on: a directory name that impersonates is replaced, a reserved username is not taken', async () => {
      const made = await signInWithSso(database.db, 'https://idp.example', { sub: 'sso-1', email: 'admin@corp.example', email_verified: true, name: 'Community Manager', preferred_username: 'admin' });
      const u1 = await database.db.selectFrom('users').select(['username', 'display_name']).where('id', '=', made.userId).executeTakeFirstOrThrow();
      assert.notEqual(u1.username.toLowerCase(), 'admin');
      assert.equal(usernameProblem(u1.username), null);
      assert.equal(u1.display_name, u1.username, 'the role-word name gave way to the username');
      await createUser(database.db, { username: 'glind', email: 'greta@example.com', displayName: 'Greta Lind', password: PASSWORD, emailVerified: true });
      const twin = await signInWithSso(database.db, 'https://idp.example', { sub: 'sso-2', email: 'greta.lind@corp.example', email_verified: true, name: 'Greta Lind', preferred_username: 'demo-rnoderator' });
      const u2 = await database.db.selectFrom('users').select(['username', 'display_name']).where('id', '=', twin.userId).executeTakeFirstOrThrow();
      assert.notEqual(nameKey(u2.username), nameKey('demo-moderator'), 'not a look-alike of demo-moderator');
      assert.match(u2.display_name, /^Greta Lind \(.+\)$/, 'a second Greta Lind is told apart by the username');
    });
  });
}
