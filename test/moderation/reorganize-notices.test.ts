// The notices that moving, merging and splitting leave in a thread are stored as a catalogue key
// with values (board names, titles) and shown in the reader's language: English and Dutch. Notices
// stored as plain English words (before migration 029) still show as they are.
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
  describe(`move, merge and split notices in the reader's language on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    const as: Record<string, Agent> = {};
    const ids: Record<string, number> = {};
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Ideas & Feedback', slug: 'ideas' });
      await createBoard(database.db, null, { name: 'Mobile & SIM', slug: 'mobile' });
      const member = await makeUser(database.db, [], 'rn_member');
      await makeUser(database.db, [], 'rn_lezer');
      await makeUser(database.db, ['moderator'], 'rn_mod');
      await database.db.updateTable('users').set({ locale: 'nl' }).where('username', '=', 'rn_lezer').execute();
      for (const name of ['rn_lezer', 'rn_mod']) {
        const a = new Agent(app);
        assert.equal((await a.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
        as[name] = a;
      }
      const a = await createTopic(database.db, member, { boardSlug: 'ideas', kind: 'discussion', title: 'Dark mode for the app', body: 'Please add a dark mode.' });
      await createReply(database.db, member, { topicId: a.id, body: 'And a bigger font.' });
      await createReply(database.db, member, { topicId: a.id, body: 'Yes, a bigger font please.' });
      const b = await createTopic(database.db, member, { boardSlug: 'mobile', kind: 'discussion', title: 'Night theme', body: 'A night theme would be nice.' });
      ids.a = a.id;
      ids.b = b.id;
      const url = async (id: number) => (await app.inject({ url: `/t/${id}` })).headers.location as string;
      const mod = as.rn_mod!;
      assert.equal((await mod.post(`/t/${a.id}/move`, { board: 'mobile' }, await url(a.id))).statusCode, 303);
      const split = await mod.post(`/t/${a.id}/split`, { posts: '2, 3', title: 'Bigger fonts' }, await url(a.id));
      assert.equal(split.statusCode, 303);
      ids.split = Number(String(split.headers.location).split('/').at(-1));
      assert.equal((await mod.post(`/t/${b.id}/merge`, { into: String(a.id) }, await url(b.id))).statusCode, 303);
      // A notice written before notices had keys: plain English, kept as it is.
      await database.db.insertInto('topic_notices').values({ topic_id: a.id, text: 'Pinned for a week by a moderator', notice_key: null, notice_params: null, created_at: new Date().toISOString() }).execute();
    });
    after(async () => {
      await app.close();
      await database.drop();
    });
    const page = async (id: number, get: (url: string) => Promise<{ body: string; statusCode: number }>) => {
      const first = await app.inject({ url: `/t/${id}` });
      const res = await get(first.headers.location as string);
      assert.equal(res.statusCode, 200);
      return withCharacters(res.body).replaceAll('&amp;', '&');
    };
    const visitor = (lang: string) => (url: string) => app.inject({ url, headers: { 'accept-language': lang } });

    test('stored as a key and values, with the English words beside them', async () => {
      const rows = await database.db.selectFrom('topic_notices').select(['topic_id', 'text', 'notice_key', 'notice_params']).where('notice_key', 'is not', null).orderBy('id').execute();
      assert.deepEqual(rows.map((r) => [r.topic_id, r.notice_key, JSON.parse(r.notice_params!)]), [
        [ids.a, 'moderation:notice.moved', { from: 'Ideas & Feedback', to: 'Mobile & SIM' }],
        [ids.a, 'moderation:notice.splitInto', { count: 2, title: 'Bigger fonts' }],
        [ids.split, 'moderation:notice.splitFrom', { title: 'Dark mode for the app' }],
        [ids.a, 'moderation:notice.mergedHere', { title: 'Night theme' }],
        [ids.b, 'moderation:notice.mergedInto', { title: 'Dark mode for the app' }],
      ]);
      assert.equal(rows[0]!.text, 'Moved from Ideas & Feedback to Mobile & SIM by a moderator');
    });

    test('in English for an English reader', async () => {
      const body = await page(ids.a!, visitor('en'));
      assert.match(body, /Moved from Ideas & Feedback to Mobile & SIM by a moderator/);
      assert.match(body, /2 replies were split into “Bigger fonts” by a moderator/);
      assert.match(body, /Posts from “Night theme” merged into this topic by a moderator/);
      assert.match(body, /Pinned for a week by a moderator/);
      assert.match(await page(ids.split!, visitor('en')), /Split from “Dark mode for the app” by a moderator/);
    });

    test('in Dutch for a Dutch member and a Dutch visitor; an old plain notice as written', async () => {
      for (const get of [(url: string) => as.rn_lezer!.get(url), visitor('nl')]) {
        const body = await page(ids.a!, get);
        assert.match(body, /<html lang="nl"/);
        assert.match(body, /Door een moderator verplaatst van Ideas & Feedback naar Mobile & SIM/);
        assert.match(body, /2 reacties zijn door een moderator afgesplitst naar “Bigger fonts”/);
        assert.match(body, /Berichten uit “Night theme” zijn door een moderator bij dit onderwerp gevoegd/);
        assert.doesNotMatch(body, /by a moderator<|Moved from|replies were split|merged into this topic/);
        assert.match(body, /Pinned for a week by a moderator/);
        assert.match(await page(ids.split!, get), /Door een moderator afgesplitst van “Dark mode for the app”/);
      }
    });

    test('one reply split: the singular, in both languages', async () => {
      const url = async (id: number) => (await app.inject({ url: `/t/${id}` })).headers.location as string;
      await createReply(database.db, { id: (await database.db.selectFrom('users').select('id').where('username', '=', 'rn_member').executeTakeFirstOrThrow()).id, roles: new Set(['member']) }, { topicId: ids.split!, body: 'Font size 20 would do.' });
      assert.equal((await as.rn_mod!.post(`/t/${ids.split}/split`, { posts: '3', title: 'Font size twenty' }, await url(ids.split!))).statusCode, 303);
      assert.match(await page(ids.split!, visitor('en')), /1 reply was split into “Font size twenty” by a moderator/);
      assert.match(await page(ids.split!, visitor('nl')), /1 reactie is door een moderator afgesplitst naar “Font size twenty”/);
    });
  });
}
