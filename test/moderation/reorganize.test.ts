// Issue 13, point 7: moving, merging and splitting topics, with notices in the threads, counters
// kept right, the staff log, and 403 for those without the role.
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
import { withCharacters } from '../helpers/html.ts';

const PASSWORD = 'correct horse battery staple';

for (const kind of testDatabaseKinds()) {
  describe(`move, merge and split on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    const as: Record<string, Agent> = {};
    const ids: Record<string, number> = {};
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Billing', slug: 'billing' });
      await createBoard(database.db, null, { name: 'Mobile', slug: 'mobile' });
      const member = await makeUser(database.db, [], 'ro_member');
      const other = await makeUser(database.db, [], 'ro_other');
      await makeUser(database.db, ['moderator'], 'ro_mod');
      for (const name of ['ro_member', 'ro_mod']) {
        const a = new Agent(app);
        assert.equal((await a.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
        as[name] = a;
      }
      const a = await createTopic(database.db, member, { boardSlug: 'billing', kind: 'question', title: 'Roaming in Spain does not work', body: 'No data in Spain.' });
      await createReply(database.db, other, { topicId: a.id, body: 'Same here in Madrid.' });
      await createReply(database.db, member, { topicId: a.id, body: 'Off-topic: my invoice is late.' });
      await createReply(database.db, other, { topicId: a.id, body: 'Mine is late too.' });
      const b = await createTopic(database.db, other, { boardSlug: 'mobile', kind: 'discussion', title: 'No data while roaming', body: 'Roaming data fails since Monday.' });
      ids.a = a.id;
      ids.b = b.id;
    });
    after(async () => {
      await app.close();
      await database.drop();
    });
    const boards = async () => Object.fromEntries((await database.db.selectFrom('boards').select(['slug', 'topic_count', 'post_count']).execute()).map((b) => [b.slug, [b.topic_count, b.post_count]]));
    const page = async (id: number) => (await app.inject({ url: `/t/${id}` })).headers.location as string;

    test('members cannot move, merge or split (403) and nothing changes', async () => {
      const before = await boards();
      assert.equal((await as.ro_member!.post(`/t/${ids.a}/move`, { board: 'mobile' }, `/t/x/${ids.a}`.replace('/t/x', await page(ids.a!).then((u) => u.replace(/\/\d+$/, ''))))).statusCode, 403);
      assert.equal((await as.ro_member!.post(`/t/${ids.a}/merge`, { into: String(ids.b) }, await page(ids.a!))).statusCode, 403);
      assert.equal((await as.ro_member!.post(`/t/${ids.a}/split`, { posts: '3, 4', title: 'Late invoices' }, await page(ids.a!))).statusCode, 403);
      assert.deepEqual(await boards(), before);
    });

    test('split: chosen replies become a new topic; both threads get a notice; numbering stays dense', async () => {
      const url = await page(ids.a!);
      assert.equal((await as.ro_mod!.post(`/t/${ids.a}/split`, { posts: '1', title: 'Late invoices' }, url)).statusCode, 400, 'the opening post stays');
      assert.equal((await as.ro_mod!.post(`/t/${ids.a}/split`, { posts: '3, 99', title: 'Late invoices' }, url)).statusCode, 400);
      assert.equal((await as.ro_mod!.post(`/t/${ids.a}/split`, { posts: '3, 4', title: 'x' }, url)).statusCode, 400);
      const res = await as.ro_mod!.post(`/t/${ids.a}/split`, { posts: '3, 4', title: 'Late invoices' }, url);
      assert.equal(res.statusCode, 303);
      const newUrl = res.headers.location as string;
      const split = (await app.inject({ url: newUrl })).body;
      assert.match(split, /Off-topic: my invoice is late\./);
      assert.match(split, /Mine is late too\./);
      assert.match(withCharacters(split), /Split from “Roaming in Spain does not work” by a moderator/);
      const original = (await app.inject({ url: await page(ids.a!) })).body;
      assert.doesNotMatch(original, /my invoice is late/);
      assert.match(withCharacters(original), /2 replies were split into “Late invoices” by a moderator/);
      const nums = (await database.db.selectFrom('posts').select('post_number').where('topic_id', '=', ids.a!).orderBy('post_number').execute()).map((p) => p.post_number);
      assert.deepEqual(nums, [1, 2]);
      assert.deepEqual((await boards()).billing, [2, 4]);
    });

    test('move: to another board with a notice and both boards\' counts', async () => {
      assert.equal((await as.ro_mod!.post(`/t/${ids.a}/move`, { board: 'nowhere' }, await page(ids.a!))).statusCode, 400);
      assert.equal((await as.ro_mod!.post(`/t/${ids.a}/move`, { board: 'mobile' }, await page(ids.a!))).statusCode, 303);
      const body = (await app.inject({ url: await page(ids.a!) })).body;
      assert.match(body, /Moved from Billing to Mobile by a moderator/);
      assert.deepEqual(await boards(), { billing: [1, 2], mobile: [2, 3] });
    });

    test('merge: posts appended in order, the merged topic gone with a pointer, the log has every action', async () => {
      assert.equal((await as.ro_mod!.post(`/t/${ids.b}/merge`, { into: String(ids.b) }, await page(ids.b!))).statusCode, 400);
      const res = await as.ro_mod!.post(`/t/${ids.b}/merge`, { into: String(ids.a) }, await page(ids.b!));
      assert.equal(res.statusCode, 303);
      const body = (await app.inject({ url: await page(ids.a!) })).body;
      assert.match(body, /Roaming data fails since Monday\./);
      assert.match(withCharacters(body), /Posts from “No data while roaming” merged into this topic by a moderator/);
      const nums = (await database.db.selectFrom('posts').select('post_number').where('topic_id', '=', ids.a!).orderBy('post_number').execute()).map((p) => p.post_number);
      assert.deepEqual(nums, [1, 2, 3]);
      assert.equal((await app.inject({ url: `/t/${ids.b}` })).statusCode, 404, 'the merged topic is gone for visitors');
      assert.deepEqual((await boards()).mobile, [1, 3]);
      const log = (await database.db.selectFrom('staff_actions').select('action').orderBy('id').execute()).map((l) => l.action);
      assert.deepEqual(log, ['topic.split', 'topic.move', 'topic.merge']);
    });
  });
}
