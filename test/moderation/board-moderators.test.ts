// Board moderators (issue 13): "Board moderators see the items of their boards only." Community
// managers assign them on the board's edit page; a board moderator sees and decides the queue
// items of their boards (the header's Review count too) and moderates their topics; another
// board's item is a 404, another board's topic a 403; global moderators keep seeing everything.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { publishReplyOrHold } from '../../src/moderation/post-or-hold.ts';
import { holdDraft } from '../../src/moderation/hold-draft.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import type { Actor } from '../../src/policy/policy.ts';

const PASSWORD = 'correct horse battery staple';

for (const kind of testDatabaseKinds()) {
  describe(`board moderators on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    const as: Record<string, Agent> = {};
    let olga: Actor;
    const topics: Record<string, { id: number; url: string }> = {};
    const items: Record<string, number> = {};
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Help', slug: 'help' });
      await createBoard(database.db, null, { name: 'Billing', slug: 'billing' });
      olga = await makeUser(database.db, [], 'olga');
      await makeUser(database.db, [], 'bea');
      await makeUser(database.db, ['moderator'], 'mark');
      await makeUser(database.db, ['community_manager'], 'carl');
      for (const name of ['olga', 'bea', 'mark', 'carl']) {
        as[name] = new Agent(app);
        assert.equal((await as[name]!.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
      }
      assert.equal((await as.carl!.post('/moderation/watched-words', { pattern: 'refund now', action: 'flag' }, '/moderation/settings')).statusCode, 303);
      assert.equal((await as.carl!.post('/moderation/watched-words', { pattern: 'lawsuit', action: 'hold' }, '/moderation/settings')).statusCode, 303);
      for (const slug of ['help', 'billing']) {
        const t = await createTopic(database.db, olga, { boardSlug: slug, kind: 'discussion', title: `A question about ${slug}`, body: 'Some text here.' });
        topics[slug] = { id: t.id, url: `/t/${t.slug}/${t.id}` };
        const r = await publishReplyOrHold(database.db, olga, { topicId: t.id, body: `I want a refund now (${slug}).` });
        assert.ok('id' in r);
        const item = await database.db.selectFrom('review_items').select(['id', 'board_id']).where('subject_id', '=', r.id).where('kind', '=', 'post').executeTakeFirstOrThrow();
        items[slug] = item.id;
      }
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('community managers assign board moderators on the board edit page; others get 403; unknown names are 400', async () => {
      assert.equal((await as.bea!.get('/moderation/queue')).statusCode, 403, 'not a moderator yet');
      assert.equal((await as.mark!.post('/admin/boards/help/moderators', { username: 'bea' }, '/admin/boards/help/edit')).statusCode, 403);
      const unknown = await as.carl!.post('/admin/boards/help/moderators', { username: 'nobody' }, '/admin/boards/help/edit');
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.body, /No member is called/);
      assert.equal((await as.carl!.post('/admin/boards/help/moderators', { username: 'bea' }, '/admin/boards/help/edit')).statusCode, 303);
      assert.equal((await as.carl!.post('/admin/boards/help/moderators', { username: 'bea' }, '/admin/boards/help/edit')).statusCode, 409);
      assert.match((await as.carl!.get('/admin/boards/help/edit')).body, /@bea/);
      assert.doesNotMatch((await as.carl!.get('/admin/boards/billing/edit')).body, /@bea/);
    });

    test('a board moderator sees and counts their board\'s items only; another board\'s item is 404', async () => {
      const queue = await as.bea!.get('/moderation/queue');
      assert.equal(queue.statusCode, 200);
      assert.match(queue.body, new RegExp(`/moderation/items/${items.help}"`));
      assert.doesNotMatch(queue.body, new RegExp(`/moderation/items/${items.billing}"`));
      assert.match(queue.body, /Review \(1\)/);
      const global = await as.mark!.get('/moderation/queue');
      assert.match(global.body, new RegExp(`/moderation/items/${items.billing}"`));
      assert.match(global.body, /Review \(2\)/);
      assert.equal((await as.bea!.get(`/moderation/items/${items.billing}`)).statusCode, 404);
      assert.equal((await as.bea!.post(`/moderation/items/${items.billing}/claim`, {}, '/moderation/queue')).statusCode, 404);
      assert.equal((await as.bea!.post(`/moderation/items/${items.billing}`, { decision: 'hide', reason: 'no' }, '/moderation/queue')).statusCode, 404);
      const billing = await database.db.selectFrom('review_items').select('status').where('id', '=', items.billing!).executeTakeFirstOrThrow();
      assert.equal(billing.status, 'open');
      // Their own board: decided.
      assert.equal((await as.bea!.get(`/moderation/items/${items.help}`)).statusCode, 200);
      assert.equal((await as.bea!.post(`/moderation/items/${items.help}`, { decision: 'hide', reason: 'Please ask billing privately.' }, `/moderation/items/${items.help}`)).statusCode, 303);
      const help = await database.db.selectFrom('review_items').select(['status', 'decided_by']).where('id', '=', items.help!).executeTakeFirstOrThrow();
      assert.equal(help.status, 'done');
      assert.doesNotMatch((await app.inject({ url: topics.help!.url })).body, /refund now \(help\)/);
      assert.match((await as.bea!.get(topics.help!.url)).body, /refund now \(help\)/, 'a board moderator reads hidden posts of their board');
    });

    test('held drafts: a board moderator opens and decides those of their board; another board\'s draft is 404', async () => {
      const drafts: Record<string, number> = {};
      for (const slug of ['help', 'billing']) {
        const r = await publishReplyOrHold(database.db, olga, { topicId: topics[slug]!.id, body: `A lawsuit about ${slug}.` });
        assert.ok('held' in r);
        drafts[slug] = r.held.id;
      }
      assert.equal((await as.bea!.get(`/moderation/held/${drafts.billing}`)).statusCode, 404);
      assert.equal((await as.bea!.post(`/moderation/held/${drafts.billing}`, { decision: 'reject', comment: 'no' }, '/moderation/queue')).statusCode, 404);
      assert.equal((await as.bea!.get(`/moderation/held/${drafts.help}`)).statusCode, 200);
      assert.doesNotMatch((await as.bea!.get('/moderation/queue')).body, new RegExp(`/moderation/held/${drafts.billing}"`));
      assert.match((await as.mark!.get('/moderation/queue')).body, new RegExp(`/moderation/held/${drafts.billing}"`));
      const billing = await database.db.selectFrom('held_drafts').select('status').where('id', '=', drafts.billing!).executeTakeFirstOrThrow();
      assert.equal(billing.status, 'pending');
    });

    test('what the guard found stays with the global team: sent-to-the-team drafts, holds with guard findings, boards turned staff-only', async () => {
      // An employee's draft sent to the community team, holding a customer's details (as the
      // composer's "ask the community team" stores it), and a watched-word hold that also lists what
      // the guard found: both on bea's own board, neither hers to read.
      const phone = { type: 'phone', field: 'body' as const, start: 14, end: 24, reason: 'phone number' };
      const asked = await holdDraft(database.db, olga, { kind: 'reply', topicId: topics.help!.id, body: 'Our customer, 0612121212, has this too.', reason: 'asked', findings: [phone] });
      const mixed = await holdDraft(database.db, olga, { kind: 'reply', topicId: topics.help!.id, body: 'A lawsuit: call 0612121212.', reason: 'watched_word', findings: [{ type: 'watched_word', field: 'body', start: 2, end: 9, reason: 'lawsuit' }, phone] });
      const plain = await holdDraft(database.db, olga, { kind: 'reply', topicId: topics.help!.id, body: 'A lawsuit, nothing else.', reason: 'watched_word', findings: [{ type: 'watched_word', field: 'body', start: 2, end: 9, reason: 'lawsuit' }] });
      const queue = (await as.bea!.get('/moderation/queue')).body;
      for (const id of [asked.id, mixed.id]) {
        assert.doesNotMatch(queue, new RegExp(`/moderation/held/${id}"`));
        assert.equal((await as.bea!.get(`/moderation/held/${id}`)).statusCode, 404);
        assert.equal((await as.bea!.post(`/moderation/held/${id}`, { decision: 'approve', confirm_unmasked: '1' }, '/moderation/queue')).statusCode, 404);
        assert.equal((await database.db.selectFrom('held_drafts').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status, 'pending');
        assert.match((await as.mark!.get('/moderation/queue')).body, new RegExp(`/moderation/held/${id}"`), 'the global team sees it');
      }
      assert.match(queue, new RegExp(`/moderation/held/${plain.id}"`), 'a watched-word hold alone is community moderation');
      assert.equal((await as.bea!.get(`/moderation/held/${plain.id}`)).statusCode, 200);
      const open = await database.db.selectFrom('review_items').select((eb) => eb.fn.countAll().as('n')).where('board_id', '=', (await database.db.selectFrom('boards').select('id').where('slug', '=', 'help').executeTakeFirstOrThrow()).id).where('status', '=', 'open').where('confidential', '=', 0).executeTakeFirstOrThrow();
      assert.match(queue, new RegExp(`Review \\(${Number(open.n)}\\)`), 'the header count leaves them out too');

      // A board turned staff-only: its moderator, a member, no longer reads its items.
      await database.db.updateTable('boards').set({ visibility: 'staff' }).where('slug', '=', 'help').execute();
      try {
        assert.doesNotMatch((await as.bea!.get('/moderation/queue')).body, new RegExp(`/moderation/held/${plain.id}"`));
        assert.equal((await as.bea!.get(`/moderation/held/${plain.id}`)).statusCode, 404);
      } finally {
        await database.db.updateTable('boards').set({ visibility: 'public' }).where('slug', '=', 'help').execute();
      }
    });

    test('a board moderator moderates topics of their board only (403 elsewhere); a plain member cannot', async () => {
      assert.equal((await as.bea!.post(`/t/${topics.billing!.id}/moderate`, { action: 'lock' }, topics.billing!.url)).statusCode, 403);
      assert.equal((await as.olga!.post(`/t/${topics.help!.id}/moderate`, { action: 'lock' }, topics.help!.url)).statusCode, 403);
      assert.equal((await as.bea!.post(`/t/${topics.help!.id}/moderate`, { action: 'lock' }, topics.help!.url)).statusCode, 303);
      const t = await database.db.selectFrom('topics').select('locked').where('id', '=', topics.help!.id).executeTakeFirstOrThrow();
      assert.equal(Number(t.locked), 1);
    });

    test('removed, the board moderator has no queue any more', async () => {
      const bea = await database.db.selectFrom('users').select('id').where('username', '=', 'bea').executeTakeFirstOrThrow();
      assert.equal((await as.carl!.post(`/admin/boards/help/moderators/${bea.id}/delete`, {}, '/admin/boards/help/edit')).statusCode, 303);
      assert.equal((await as.bea!.get('/moderation/queue')).statusCode, 403);
      assert.equal((await as.carl!.post(`/admin/boards/help/moderators/${bea.id}/delete`, {}, '/admin/boards/help/edit')).statusCode, 404);
    });
  });
}
