// A draft the community team returned, from the API (issue 18, "edit and resubmit", as the web
// does it): the caller lists their drafts (waiting or returned, with the team's comment), posts a
// returned one edited (201 like creating a topic or reply, 202 when held again, 422 from the guard)
// or sends it to the team again (202, the same draft). Someone else's draft, or one not returned:
// 404. Bad input: 400 with a message, nothing written. A cookie session needs the CSRF header.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { reviewHeld } from '../../src/moderation/review-held.ts';
import { addWatchedWord } from '../../src/moderation/watched-words.ts';
import type { Actor } from '../../src/policy/policy.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';

const CARD = '4111 1111 1111 1111';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

for (const kind of testDatabaseKinds()) {
  describe(`API: returned drafts, listed, posted or sent again, on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let mod: Actor;
    let topicId = 0;
    const tokens: Record<string, string> = {};
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Billing', slug: 'billing' });
      mod = await makeUser(database.db, ['moderator'], 'dr_mod');
      const member = await makeUser(database.db, [], 'dr_member');
      topicId = (await createTopic(database.db, member, { boardSlug: 'billing', kind: 'question', title: 'Charged twice this month', body: 'Two charges on my bill.' })).id;
      for (const name of ['dr_rita', 'dr_olaf']) tokens[name] = (await createApiToken(database.db, await makeUser(database.db, ['employee'], name), { name: 'script' })).token;
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    const call = (method: 'GET' | 'POST', url: string, who = 'dr_rita', payload?: object) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}`, ...(payload ? { 'content-type': 'application/json' } : {}) }, ...(payload ? { payload } : {}) });
    const draftOf = (id: number) => database.db.selectFrom('held_drafts').select(['status', 'title', 'body_markdown', 'author_note', 'tags', 'topic_kind', 'published_post_id']).where('id', '=', id).executeTakeFirstOrThrow();
    const count = async (table: 'topics' | 'posts' | 'held_drafts') => Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    /** Asks the team with the API, and the moderator returns it with a comment. */
    async function returned(url: string, payload: object, comment: string): Promise<number> {
      const r = await call('POST', url, 'dr_rita', { ...payload, askTeam: true });
      assert.equal(r.statusCode, 202, r.body);
      const id = r.json().draftId as number;
      await reviewHeld(database.db, mod, { id, decision: 'return', comment });
      return id;
    }
    const topicDraft = (title: string, comment = 'Leave out the card number.') =>
      returned('/api/v1/boards/billing/topics', { kind: 'discussion', title, body: `My card ${CARD} was charged twice.`, tags: ['refund'] }, comment);

    test('GET /me/drafts: the caller\'s own drafts waiting or returned, with the team\'s comment, who and when', async () => {
      const waiting = await call('POST', `/api/v1/topics/${topicId}/replies`, 'dr_rita', { body: 'Is it fine to mention the refund date?', askTeam: true, note: 'Just checking' });
      assert.equal(waiting.statusCode, 202, waiting.body);
      const id = await topicDraft('Listed returned draft');
      const rejected = await topicDraft('Rejected later draft');
      await call('POST', `/api/v1/drafts/${rejected}/resubmit`, 'dr_rita', { body: 'Resent.' });
      await reviewHeld(database.db, mod, { id: rejected, decision: 'reject', comment: 'No.' });

      const res = await call('GET', '/api/v1/me/drafts');
      assert.equal(res.statusCode, 200, res.body);
      const drafts = res.json().drafts as Json[];
      assert.deepEqual(drafts.map((d) => [d.status, d.kind]), [['returned', 'topic'], ['pending', 'reply']], 'newest first; a rejected draft is not listed');
      const [r, p] = drafts as [Json, Json];
      assert.equal(r.id, id);
      assert.equal(r.title, 'Listed returned draft');
      assert.equal(r.topicKind, 'discussion');
      assert.deepEqual(r.tags, ['refund']);
      assert.equal(r.board.slug, 'billing');
      assert.equal(r.topic, null);
      assert.equal(r.returned.comment, 'Leave out the card number.');
      assert.equal(r.returned.by, 'dr mod');
      assert.ok(!Number.isNaN(Date.parse(r.returned.at)) && !Number.isNaN(Date.parse(r.createdAt)));
      assert.equal(r.publishUrl, `${app.config.publicUrl}/api/v1/drafts/${id}/publish`);
      assert.equal(r.resubmitUrl, `${app.config.publicUrl}/api/v1/drafts/${id}/resubmit`);
      assert.equal(p.kind, 'reply');
      assert.equal(p.title, null);
      assert.equal(p.topic.id, topicId);
      assert.equal(p.note, 'Just checking');
      assert.equal(p.returned, null);
      assert.equal(p.publishUrl, null);
      assert.doesNotMatch(res.body, /findings|email/i, 'what the guard found, and addresses, stay out');

      assert.deepEqual((await call('GET', '/api/v1/me/drafts', 'dr_olaf')).json().drafts, [], 'only the caller\'s own');
      assert.equal((await app.inject({ url: '/api/v1/me/drafts' })).statusCode, 401);
    });

    test('publish a topic draft: the guard\'s 422 keeps it returned, bad input is 400, then 201 like a new topic; done after', async () => {
      const id = await topicDraft('Double charge on my bill');
      const topics = await count('topics');
      const stopped = await call('POST', `/api/v1/drafts/${id}/publish`, 'dr_rita', { body: `Still ${CARD} here.` });
      assert.equal(stopped.statusCode, 422, stopped.body);
      assert.equal(stopped.json().guard.canAskCommunityTeam, true);
      for (const bad of [{ body: '' }, { body: 'Fine text.', title: 'No' }, { body: 'Fine text.', kind: 'poll' }, { title: 'Only a title here' }]) {
        const r = await call('POST', `/api/v1/drafts/${id}/publish`, 'dr_rita', bad);
        assert.equal(r.statusCode, 400, JSON.stringify(bad));
        assert.ok(r.json().message, 'says what to fix');
      }
      assert.equal((await draftOf(id)).status, 'returned', 'nothing written');
      assert.equal(await count('topics'), topics);

      const posted = await call('POST', `/api/v1/drafts/${id}/publish`, 'dr_rita', { body: 'Please use the contact page about the double charge.', kind: 'question' });
      assert.equal(posted.statusCode, 201, posted.body);
      const page = posted.json();
      assert.equal(page.topic.title, 'Double charge on my bill', 'its title kept when left out');
      assert.equal(page.topic.kind, 'question');
      assert.deepEqual(page.topic.tags, ['refund']);
      assert.equal(page.topic.board.slug, 'billing');
      assert.match(page.posts[0].bodyText, /contact page/);
      assert.equal(posted.headers.location, `${app.config.publicUrl}/api/v1/topics/${page.topic.id}`);
      const done = await draftOf(id);
      assert.equal(done.status, 'published');
      assert.ok(done.published_post_id);
      assert.equal((await call('POST', `/api/v1/drafts/${id}/publish`, 'dr_rita', { body: 'Again.' })).statusCode, 404, 'not posted twice');
      assert.equal((await call('POST', `/api/v1/drafts/${id}/resubmit`, 'dr_rita', { body: 'Again.' })).statusCode, 404);
    });

    test('publish a reply draft: 201 with the post in its topic; a title for a reply is 400', async () => {
      const id = await returned(`/api/v1/topics/${topicId}/replies`, { body: 'Refund to IBAN NL91ABNA0417164300.' }, 'No account numbers.');
      const titled = await call('POST', `/api/v1/drafts/${id}/publish`, 'dr_rita', { body: 'The refund went out.', title: 'A reply title' });
      assert.equal(titled.statusCode, 400);
      assert.match(titled.json().message, /reply draft/);
      const posted = await call('POST', `/api/v1/drafts/${id}/publish`, 'dr_rita', { body: 'The refund went out today.' });
      assert.equal(posted.statusCode, 201, posted.body);
      assert.equal(posted.json().post.topicId, topicId);
      assert.match(posted.json().post.bodyText, /The refund went out today\./);
      assert.equal((await draftOf(id)).status, 'published');
    });

    test('publish held by a check (a watched word): 202, this same draft back with the team', async () => {
      await addWatchedWord(database.db, await makeUser(database.db, ['community_manager'], 'dr_cm'), { pattern: 'lawsuit', isRegex: false, action: 'hold' });
      const id = await topicDraft('Rumour question');
      const drafts = await count('held_drafts');
      const held = await call('POST', `/api/v1/drafts/${id}/publish`, 'dr_rita', { body: 'There is no lawsuit that we know of.', title: 'About the lawsuit rumour' });
      assert.equal(held.statusCode, 202, held.body);
      assert.equal(held.json().held.id, id);
      assert.equal(held.json().held.reason, 'watched_word');
      assert.equal(await count('held_drafts'), drafts, 'not a copy');
      assert.deepEqual({ ...(await draftOf(id)), published_post_id: null }, { status: 'pending', title: 'About the lawsuit rumour', body_markdown: 'There is no lawsuit that we know of.', author_note: '', tags: 'refund', topic_kind: 'discussion', published_post_id: null });
    });

    test('resubmit: 202, the same draft and queue item wait again with the edited text and note', async () => {
      const id = await topicDraft('Send it again please');
      const drafts = await count('held_drafts');
      const sent = await call('POST', `/api/v1/drafts/${id}/resubmit`, 'dr_rita', { body: 'My card ending 1111 was charged twice.', title: 'Charged twice, card ending 1111', tags: ['billing', 'refund'], note: 'Shortened it' });
      assert.equal(sent.statusCode, 202, sent.body);
      assert.deepEqual([sent.json().held.id, sent.json().held.reason, sent.json().heldForReview, sent.json().draftId], [id, 'asked', true, id]);
      assert.equal(await count('held_drafts'), drafts, 'not a second draft');
      const d = await draftOf(id);
      assert.deepEqual([d.status, d.title, d.body_markdown, d.author_note, d.tags], ['pending', 'Charged twice, card ending 1111', 'My card ending 1111 was charged twice.', 'Shortened it', 'billing,refund']);
      const items = await database.db.selectFrom('review_items').select(['status', 'detail']).where('kind', '=', 'draft').where('subject_id', '=', id).execute();
      assert.deepEqual(items, [{ status: 'open', detail: 'Shortened it' }], 'its one item, open again');
      assert.equal((await call('POST', `/api/v1/drafts/${id}/resubmit`, 'dr_rita', { body: 'Twice?' })).statusCode, 404, 'waiting, not returned');
      assert.equal((await call('POST', `/api/v1/drafts/${id}/publish`, 'dr_rita', { body: 'Twice?' })).statusCode, 404);
      const listed = (await call('GET', '/api/v1/me/drafts')).json().drafts.find((x: Json) => x.id === id);
      assert.equal(listed.status, 'pending');
      assert.equal(listed.returned, null);
    });

    test('someone else\'s draft is 404 and unchanged; a cookie session needs the CSRF header', async () => {
      const id = await topicDraft('Rita asks the team');
      for (const path of ['publish', 'resubmit']) {
        const r = await call('POST', `/api/v1/drafts/${id}/${path}`, 'dr_olaf', { body: 'Mine now.' });
        assert.equal(r.statusCode, 404, r.body);
        assert.deepEqual(Object.keys(r.json()).sort(), ['error', 'message', 'statusCode']);
      }
      assert.equal((await call('POST', '/api/v1/drafts/999999/publish', 'dr_rita', { body: 'Nothing.' })).statusCode, 404);
      assert.equal((await app.inject({ method: 'POST', url: `/api/v1/drafts/${id}/publish`, payload: { body: 'x' } })).statusCode, 401);

      const agent = new Agent(app);
      assert.equal((await agent.post('/signin', { login: 'dr_rita', password: 'correct horse battery staple' }, '/signin')).statusCode, 303);
      const cookie = [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const forged = await app.inject({ method: 'POST', url: `/api/v1/drafts/${id}/resubmit`, headers: { cookie, 'content-type': 'application/json' }, payload: { body: 'From a page.' } });
      assert.equal(forged.statusCode, 403);
      assert.match(forged.json().message, /x-csrf-token/);
      const d = await draftOf(id);
      assert.deepEqual([d.status, d.title], ['returned', 'Rita asks the team']);
      const csrf = (await agent.get('/api/v1/me')).json().csrfToken; // (its secret comes as a cookie)
      const withHeader = { cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': csrf, 'content-type': 'application/json' };
      const sent = await app.inject({ method: 'POST', url: `/api/v1/drafts/${id}/resubmit`, headers: withHeader, payload: { body: 'From a page.' } });
      assert.equal(sent.statusCode, 202, sent.body);
    });
  });
}
