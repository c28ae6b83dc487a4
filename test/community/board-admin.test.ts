// Community managers manage boards on the web pages: list, create, edit, reorder, visibility.
// Bad input gets the message with what was typed, and writes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { withCharacters } from '../helpers/html.ts';

const PASSWORD = 'correct horse battery staple';

for (const kind of testDatabaseKinds()) {
  describe(`board administration on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let cm: Agent, member: Agent, employee: Agent, moderator: Agent;
    let topicUrl = '';
    const as = async (login: string) => {
      const a = new Agent(app);
      assert.equal((await a.post('/signin', { login, password: PASSWORD }, '/signin')).statusCode, 303);
      return a;
    };
    const boards = () => database.db.selectFrom('boards').selectAll().orderBy('position').orderBy('id').execute();
    /** Board slugs in the order the home page shows them to this agent. */
    const homeOrder = async (a: Agent) => {
      const body = (await a.get('/')).body;
      return [...body.matchAll(/<h3><a href="\/b\/([a-z0-9-]+)">/g)].map((m) => m[1]);
    };

    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await makeUser(database.db, ['community_manager'], 'cm_cora');
      const mem = await makeUser(database.db, [], 'member_max');
      await makeUser(database.db, ['employee'], 'emp_eve');
      await makeUser(database.db, ['moderator'], 'mod_mo');
      await createBoard(database.db, null, { name: 'Alpha', slug: 'alpha', description: 'First board' });
      await createBoard(database.db, null, { name: 'Bravo', slug: 'bravo' });
      await createBoard(database.db, null, { name: 'Charlie', slug: 'charlie', visibility: 'members' });
      const t = await createTopic(database.db, mem, { boardSlug: 'bravo', kind: 'discussion', title: 'Billing changes this spring', body: 'What changes for me?' });
      topicUrl = `/t/${t.slug}/${t.id}`;
      [cm, member, employee, moderator] = await Promise.all([as('cm_cora'), as('member_max'), as('emp_eve'), as('mod_mo')]);
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('community managers get a "Manage boards" link and a list with position, visibility and counts', async () => {
      assert.match((await cm.get('/')).body, /href="\/admin\/boards">Manage boards</);
      assert.doesNotMatch((await member.get('/')).body, /Manage boards/);
      assert.doesNotMatch((await app.inject({ url: '/' })).body, /Manage boards/);
      const page = await cm.get('/admin/boards');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<tr id="board-bravo">\s*<td>2<\/td>[\s\S]*?<td>Public<\/td>\s*<td>1<\/td>\s*<td>1<\/td>/);
      assert.match(page.body, /<tr id="board-charlie">\s*<td>3<\/td>[\s\S]*?<td>Members only<\/td>/);
    });

    test('creating a board; bad input keeps what was typed and writes nothing', async () => {
      const before = (await boards()).length;
      const cases: [Record<string, string>, number, RegExp][] = [
        [{ name: '', description: 'Kept text' }, 400, /Board name must be at least 2 characters/],
        [{ name: 'x'.repeat(61), description: 'Kept text' }, 400, /Board name must be at most 60 characters/],
        [{ name: 'Delta', slug: 'Bad Slug!', description: 'Kept text' }, 400, /Slug may use lower-case letters, digits and single dashes/],
        [{ name: 'Delta', slug: 'alpha', description: 'Kept text' }, 409, /A board with the address &quot;alpha&quot; already exists/],
        [{ name: 'Alpha', description: 'Kept text' }, 409, /already exists/],
        [{ name: 'Delta', description: 'x'.repeat(501) }, 400, /Description must be at most 500 characters/],
        [{ name: 'Delta', description: 'Kept text', visibility: 'secret' }, 400, /Visibility must be public, members or staff/],
      ];
      for (const [form, status, message] of cases) {
        const res = await cm.post('/admin/boards', { visibility: 'members', ...form }, '/admin/boards');
        assert.equal(res.statusCode, status, JSON.stringify(form));
        assert.match(res.body, message);
        if (form.description === 'Kept text') assert.match(res.body, />Kept text<\/textarea>/);
        if (form.name) assert.match(res.body, new RegExp(`name="name"[^>]*value="${form.name}"`));
      }
      const keptVisibility = await cm.post('/admin/boards', { name: '', visibility: 'staff' }, '/admin/boards');
      assert.match(keptVisibility.body, /<option value="staff" selected>/);
      assert.equal((await boards()).length, before, 'nothing written');

      const ok = await cm.post('/admin/boards', { name: 'Delta Force', slug: '', description: 'Fourth', visibility: 'members' }, '/admin/boards');
      assert.equal(ok.statusCode, 303);
      assert.equal(ok.headers.location, '/admin/boards?saved=delta-force');
      assert.match(withCharacters((await cm.get(ok.headers.location as string)).body), /Saved the board “Delta Force”/);
      const delta = (await boards()).at(-1)!;
      assert.deepEqual([delta.slug, delta.name, delta.description, delta.visibility, delta.position], ['delta-force', 'Delta Force', 'Fourth', 'members', 4]);
    });

    test('editing a board: rename and a new address (the old one then redirects to it); bad input is refused', async () => {
      const form = (await cm.get('/admin/boards/alpha/edit'));
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /name="slug"[^>]*value="alpha"/);
      const snapshot = await boards();
      const bad: [Record<string, string>, number, RegExp][] = [
        [{ name: ' ', slug: 'alpha' }, 400, /Board name must be at least 2 characters/],
        [{ name: 'y'.repeat(61), slug: 'alpha' }, 400, /Board name must be at most 60 characters/],
        [{ name: 'Alpha Two', slug: 'alpha_two' }, 400, /Slug may use lower-case letters/],
        [{ name: 'Alpha Two', slug: '' }, 400, /Slug \(the board address\) is required/],
        [{ name: 'Alpha Two', slug: 'bravo' }, 409, /A board with the address &quot;bravo&quot; already exists/],
      ];
      for (const [f, status, message] of bad) {
        const res = await cm.post('/admin/boards/alpha/edit', { description: 'Typed description', visibility: 'public', ...f }, '/admin/boards/alpha/edit');
        assert.equal(res.statusCode, status, JSON.stringify(f));
        assert.match(res.body, message);
        assert.match(res.body, />Typed description<\/textarea>/);
        assert.match(res.body, new RegExp(`name="slug"[^>]*value="${f.slug}"`));
      }
      assert.deepEqual(await boards(), snapshot, 'nothing written');

      assert.equal((await cm.get('/admin/boards/nope/edit')).statusCode, 404);
      assert.equal((await cm.post('/admin/boards/nope/edit', { name: 'Nope', slug: 'nope', description: '', visibility: 'public' }, '/admin/boards')).statusCode, 404);

      const ok = await cm.post('/admin/boards/alpha/edit', { name: 'Alpha Centauri', slug: 'alpha-centauri', description: 'Renamed', visibility: 'public' }, '/admin/boards/alpha/edit');
      assert.equal(ok.statusCode, 303);
      assert.equal(ok.headers.location, '/admin/boards?saved=alpha-centauri');
      const old = await member.get('/b/alpha');
      assert.equal(old.statusCode, 301, 'the old address redirects (board-slug-redirect.test.ts)');
      assert.equal(old.headers.location, '/b/alpha-centauri');
      const renamed = await member.get('/b/alpha-centauri');
      assert.equal(renamed.statusCode, 200);
      assert.match(renamed.body, /Alpha Centauri/);
      const same = await cm.post('/admin/boards/alpha-centauri/edit', { name: 'Alpha Centauri', slug: 'alpha-centauri', description: 'Same address', visibility: 'public' }, '/admin/boards/alpha-centauri/edit');
      assert.equal(same.statusCode, 303, 'keeping the address is not a conflict with itself');
    });

    test('turning a board staff-only hides it and its topics from members and visitors at once', async () => {
      assert.equal((await member.get('/b/bravo')).statusCode, 200);
      assert.equal((await member.get(topicUrl)).statusCode, 200);
      assert.match((await member.get('/')).body, /Billing changes this spring/);
      const res = await cm.post('/admin/boards/bravo/edit', { name: 'Bravo', slug: 'bravo', description: '', visibility: 'staff' }, '/admin/boards/bravo/edit');
      assert.equal(res.statusCode, 303);
      assert.equal((await member.get('/b/bravo')).statusCode, 404);
      assert.equal((await member.get(topicUrl)).statusCode, 404);
      const home = (await member.get('/')).body;
      assert.doesNotMatch(home, /href="\/b\/bravo"/);
      assert.doesNotMatch(home, /Billing changes this spring/);
      assert.equal((await app.inject({ url: topicUrl })).statusCode, 404);
      assert.equal((await employee.get(topicUrl)).statusCode, 404, 'employees are not staff');
      assert.equal((await moderator.get(topicUrl)).statusCode, 200);
      assert.match((await moderator.get('/')).body, /href="\/b\/bravo"/);
    });

    test('moving boards up and down changes the home page order; positions stay 1..n', async () => {
      assert.deepEqual(await homeOrder(cm), ['alpha-centauri', 'bravo', 'charlie', 'delta-force']);
      const down = await cm.post('/admin/boards/alpha-centauri/move', { direction: 'down' }, '/admin/boards');
      assert.equal(down.statusCode, 303);
      assert.equal(down.headers.location, '/admin/boards#board-alpha-centauri');
      assert.deepEqual(await homeOrder(cm), ['bravo', 'alpha-centauri', 'charlie', 'delta-force']);
      await cm.post('/admin/boards/delta-force/move', { direction: 'up' }, '/admin/boards');
      assert.deepEqual(await homeOrder(cm), ['bravo', 'alpha-centauri', 'delta-force', 'charlie']);
      assert.deepEqual(await homeOrder(member), ['alpha-centauri', 'delta-force', 'charlie'], 'members see the same order without the staff board');
      // At the edge nothing moves; gaps left by other writers are closed.
      await database.db.updateTable('boards').set({ position: 40 }).where('slug', '=', 'charlie').execute();
      assert.equal((await cm.post('/admin/boards/charlie/move', { direction: 'down' }, '/admin/boards')).statusCode, 303);
      assert.deepEqual((await boards()).map((b) => [b.slug, b.position]), [['bravo', 1], ['alpha-centauri', 2], ['delta-force', 3], ['charlie', 4]]);
      await cm.post('/admin/boards/bravo/move', { direction: 'up' }, '/admin/boards');
      assert.deepEqual((await boards()).map((b) => b.position), [1, 2, 3, 4]);

      const snapshot = await boards();
      const bad = await cm.post('/admin/boards/bravo/move', { direction: 'sideways' }, '/admin/boards');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Choose to move the board up or down/);
      assert.equal((await cm.post('/admin/boards/nope/move', { direction: 'up' }, '/admin/boards')).statusCode, 404);
      assert.deepEqual(await boards(), snapshot);
    });

    test('members, employees and moderators get 403; visitors 401; nothing is written', async () => {
      const snapshot = await boards();
      for (const a of [member, employee, moderator]) {
        assert.equal((await a.get('/admin/boards')).statusCode, 403);
        assert.equal((await a.get('/admin/boards/charlie/edit')).statusCode, 403);
        assert.equal((await a.post('/admin/boards', { name: 'Sneaky', visibility: 'public' }, '/settings')).statusCode, 403);
        assert.equal((await a.post('/admin/boards/charlie/edit', { name: 'Sneaky', slug: 'charlie', visibility: 'public' }, '/settings')).statusCode, 403);
        assert.equal((await a.post('/admin/boards/charlie/move', { direction: 'up' }, '/settings')).statusCode, 403);
        assert.equal((await a.get('/admin/boards/nope/edit')).statusCode, 403, 'no hint whether a board exists');
      }
      assert.equal((await app.inject({ url: '/admin/boards' })).statusCode, 401);
      assert.equal((await app.inject({ url: '/admin/boards/charlie/edit' })).statusCode, 401);
      const visitor = new Agent(app);
      assert.equal((await visitor.post('/admin/boards', { name: 'Sneaky', visibility: 'public' }, '/signin')).statusCode, 401);
      assert.equal((await visitor.post('/admin/boards/charlie/move', { direction: 'up' }, '/signin')).statusCode, 401);
      assert.deepEqual(await boards(), snapshot);
    });
  });
}
