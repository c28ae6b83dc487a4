// A board's "latest" on the home page (boards.last_topic_id, last_post_at) after moving, merging
// and splitting topics: the old board no longer names a topic it lost (never one moved to a staff
// board, for visitors or members, even through the visitors' page cache), and the board that
// gained the newest topic names it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { repairBoardLatest } from '../../src/db/migrations/029_board_latest_and_notice_keys.ts';

const PASSWORD = 'correct horse battery staple';
const at = (minute: number) => `2026-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

for (const kind of testDatabaseKinds()) {
  describe(`board latest after move, merge and split on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    const as: Record<string, Agent> = {};
    let member: Awaited<ReturnType<typeof makeUser>>;
    before(async () => {
      database = await kind.open();
      app = await testServer(database, { ANON_CACHE_SECONDS: '60' }); // the visitors' cache on: a move must drop it
      await createBoard(database.db, null, { name: 'Billing & Plans', slug: 'billing' });
      await createBoard(database.db, null, { name: 'Mobile & SIM', slug: 'mobile' });
      await createBoard(database.db, null, { name: 'Staff Lounge', slug: 'staff-lounge', visibility: 'staff' });
      member = await makeUser(database.db, [], 'bl_member');
      await makeUser(database.db, ['moderator'], 'bl_mod');
      for (const name of ['bl_member', 'bl_mod']) {
        const a = new Agent(app);
        assert.equal((await a.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
        as[name] = a;
      }
    });
    after(async () => {
      await app.close();
      await database.drop();
    });
    const latest = async (slug: string) => {
      const b = await database.db.selectFrom('boards').select(['last_topic_id', 'last_post_at']).where('slug', '=', slug).executeTakeFirstOrThrow();
      return [b.last_topic_id, b.last_post_at];
    };
    const topic = (boardSlug: string, title: string, minute: number) => createTopic(database.db, member, { boardSlug, kind: 'discussion', title, body: `About ${title}.`, at: at(minute) });
    const topicUrl = async (id: number) => (await app.inject({ url: `/t/${id}` })).headers.location as string;
    const card = (html: string, board: string) => {
      const start = html.indexOf(`>${board}</a>`);
      assert.ok(start > 0, `the home page has a card for ${board}`);
      return html.slice(start, html.indexOf('</p>', html.indexOf('board-latest', start)));
    };

    test('a topic moved to the staff board leaves the home page of visitors and members; its old board names its next newest', async () => {
      const older = await topic('billing', 'Paying by direct debit', 1);
      const secret = await topic('billing', 'Invoice shows the wrong VAT rate', 2);
      // A visitor's home page, twice: the second visit stores it in the page cache.
      for (let i = 0; i < 2; i++) assert.match((await app.inject({ url: '/' })).body, /Invoice shows the wrong VAT rate/);
      assert.equal((await as.bl_mod!.post(`/t/${secret.id}/move`, { board: 'staff-lounge' }, await topicUrl(secret.id))).statusCode, 303);
      const visitor = await app.inject({ url: '/' });
      assert.notEqual(visitor.headers['x-parley-cache'], 'hit', 'the move dropped the cached home page');
      assert.doesNotMatch(visitor.body, /Invoice shows the wrong VAT rate/);
      assert.match(card(visitor.body, 'Billing &amp; Plans'), /Paying by direct debit/);
      const forMember = (await as.bl_member!.get('/')).body;
      assert.doesNotMatch(forMember, /Invoice shows the wrong VAT rate/);
      assert.match(card(forMember, 'Billing &amp; Plans'), /Paying by direct debit/);
      assert.deepEqual(await latest('billing'), [older.id, at(1)]);
      assert.deepEqual(await latest('staff-lounge'), [secret.id, at(2)]);
      assert.match(card((await as.bl_mod!.get('/')).body, 'Staff Lounge'), /Invoice shows the wrong VAT rate/);
    });

    test('a move between public boards: the old board names its next newest, the new one the moved topic when newest', async () => {
      const sim = await topic('mobile', 'eSIM activation', 3);
      const moved = await topic('billing', 'Roaming charges on my bill', 4);
      assert.deepEqual(await latest('mobile'), [sim.id, at(3)]);
      assert.equal((await as.bl_mod!.post(`/t/${moved.id}/move`, { board: 'mobile' }, await topicUrl(moved.id))).statusCode, 303);
      const billing = await latest('billing');
      assert.notEqual(billing[0], moved.id);
      assert.equal(billing[1], at(1));
      assert.deepEqual(await latest('mobile'), [moved.id, at(4)]);
      const home = (await app.inject({ url: '/' })).body;
      assert.match(card(home, 'Mobile &amp; SIM'), /Roaming charges on my bill/);
      assert.doesNotMatch(card(home, 'Billing &amp; Plans'), /Roaming charges on my bill/);
      // Moving an older topic in does not take the newer one's place.
      const old = await topic('billing', 'Old PIN question', 0);
      assert.equal((await as.bl_mod!.post(`/t/${old.id}/move`, { board: 'mobile' }, await topicUrl(old.id))).statusCode, 303);
      assert.deepEqual(await latest('mobile'), [moved.id, at(4)]);
    });

    test('merge: the merged topic\'s board names its next newest, the other board the topic that took its posts', async () => {
      const into = await topic('mobile', 'No signal in the tunnel', 5);
      const from = await topic('billing', 'Dropped calls charged twice', 6);
      await createReply(database.db, member, { topicId: from.id, body: 'And again today.', at: at(7) });
      assert.deepEqual(await latest('billing'), [from.id, at(7)]);
      assert.equal((await as.bl_mod!.post(`/t/${from.id}/merge`, { into: String(into.id) }, await topicUrl(from.id))).statusCode, 303);
      assert.equal((await latest('billing'))[1], at(1));
      assert.deepEqual(await latest('mobile'), [into.id, at(7)]);
      assert.doesNotMatch(card((await app.inject({ url: '/' })).body, 'Billing &amp; Plans'), /Dropped calls charged twice/);
    });

    test('split: the board names the new topic when it holds the newest reply', async () => {
      const t = await topic('billing', 'Direct debit failed', 8);
      await createReply(database.db, member, { topicId: t.id, body: 'Also: can I get paper invoices?', at: at(9) });
      assert.deepEqual(await latest('billing'), [t.id, at(9)]);
      const res = await as.bl_mod!.post(`/t/${t.id}/split`, { posts: '2', title: 'Paper invoices' }, await topicUrl(t.id));
      assert.equal(res.statusCode, 303);
      const split = Number(String(res.headers.location).split('/').at(-1));
      assert.deepEqual(await latest('billing'), [split, at(9)]);
      assert.match(card((await app.inject({ url: '/' })).body, 'Billing &amp; Plans'), /Paper invoices/);
    });

    test('a pointer left stale by an earlier move: the home page does not follow it, and migration 029 sets it right', async () => {
      const staffTopic = (await database.db.selectFrom('topics').innerJoin('boards', 'boards.id', 'topics.board_id').select('topics.id').where('boards.slug', '=', 'staff-lounge').executeTakeFirstOrThrow()).id;
      const billingBefore = await latest('billing');
      await database.db.updateTable('boards').set({ last_topic_id: staffTopic }).where('slug', '=', 'billing').execute();
      assert.doesNotMatch((await app.inject({ url: '/' })).body, /Invoice shows the wrong VAT rate/);
      assert.doesNotMatch((await as.bl_member!.get('/')).body, /Invoice shows the wrong VAT rate/);
      await repairBoardLatest(database.db);
      assert.deepEqual(await latest('billing'), billingBefore);
    });
  });
}
