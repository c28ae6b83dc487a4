// A board's old address after its slug changed: /b/<old>… pages redirect for good (301) to the
// new ones, with their page and query, through any number of renames; a staff board's new
// address is not told to those who cannot see it; a board that takes the old slug owns it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { updateBoard } from '../../src/community/update-board.ts';
import * as m035 from '../../src/db/migrations/035_board_slug_history.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { serverPerSuite } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';

for (const kind of testDatabaseKinds()) {
  describe(`board slug changes on ${kind.name}`, () => {
    const suite = serverPerSuite(kind);
    const board = (slug: string, visibility: 'public' | 'staff' = 'public') => ({ name: `Board ${slug}`, slug, description: '', visibility, topic_creators: 'members' as const });

    test('old addresses redirect to the board\'s pages, with their query, through renames', async () => {
      const db = suite.database.db;
      const [manager, author] = [await makeUser(db, ['community_manager']), await makeUser(db)];
      await createBoard(db, manager, board('routers'));
      await createTopic(db, author, { boardSlug: 'routers', kind: 'question', title: 'Which router for fibre?', body: 'Looking for advice on a router for my new fibre line.' });
      await updateBoard(db, manager, 'routers', board('modems'));
      const page = await suite.app.inject({ url: '/b/routers?sort=newest&page=1' });
      assert.equal(page.statusCode, 301);
      assert.equal(page.headers.location, '/b/modems?sort=newest&page=1');
      const feed = await suite.app.inject({ url: '/b/routers/feed.atom' });
      assert.equal(feed.statusCode, 301);
      assert.equal(feed.headers.location, '/b/modems/feed.atom');
      const head = await suite.app.inject({ method: 'HEAD', url: '/b/routers' });
      assert.equal(head.statusCode, 301);
      assert.equal(head.headers.location, '/b/modems');
      assert.match((await suite.app.inject({ url: '/b/modems' })).body, /Which router for fibre\?/);

      // Renamed again: both old addresses lead to the board, in one step.
      await updateBoard(db, manager, 'modems', board('home-network'));
      assert.equal((await suite.app.inject({ url: '/b/routers' })).headers.location, '/b/home-network');
      assert.equal((await suite.app.inject({ url: '/b/modems' })).headers.location, '/b/home-network');
      // Back to a name it had: that address is its own again, not a redirect to itself.
      await updateBoard(db, manager, 'home-network', board('routers'));
      assert.equal((await suite.app.inject({ url: '/b/routers' })).statusCode, 200);
      assert.equal((await suite.app.inject({ url: '/b/home-network' })).headers.location, '/b/routers');
      // A page past the end of the board is still "not found", not a redirect.
      assert.equal((await suite.app.inject({ url: '/b/routers?page=999' })).statusCode, 404);
      assert.equal((await suite.app.inject({ url: '/b/never-existed' })).statusCode, 404);
    });

    test('a new board that takes an old address owns it; a staff board\'s new address is not told to others', async () => {
      const db = suite.database.db;
      const manager = await makeUser(db, ['community_manager']);
      await createBoard(db, manager, board('billing'));
      await updateBoard(db, manager, 'billing', board('invoices'));
      assert.equal((await suite.app.inject({ url: '/b/billing' })).statusCode, 301);
      await createBoard(db, manager, board('billing'));
      const own = await suite.app.inject({ url: '/b/billing' });
      assert.equal(own.statusCode, 200);
      assert.match(own.body, /Board billing/);

      await createBoard(db, manager, board('team-room', 'staff'));
      await updateBoard(db, manager, 'team-room', board('staff-lounge', 'staff'));
      assert.equal((await suite.app.inject({ url: '/b/team-room' })).statusCode, 404, 'a visitor learns nothing');
      const cm = new Agent(suite.app);
      assert.equal((await cm.post('/signin', { login: manager.username, password: 'correct horse battery staple' }, '/signin')).statusCode, 303);
      const seen = await cm.get('/b/team-room');
      assert.equal(seen.statusCode, 301);
      assert.equal(seen.headers.location, '/b/staff-lounge');
    });

    test('migration 035 down and up', async () => {
      const db = suite.database.db as never as import('kysely').Kysely<any>;
      await m035.down(db, { dialect: suite.database.dialect });
      await m035.up(db, { dialect: suite.database.dialect });
      assert.deepEqual(await db.selectFrom('board_slug_history').selectAll().execute(), []);
    });
  });
}
