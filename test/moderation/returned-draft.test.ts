// A draft the community team returned is edited and goes on (QA, #16.5 / issue 18): its author opens
// it from their drafts, sees the team's note and what the guard finds in it, and either sends it to
// the team again (the same draft and queue item, not a copy) or posts it (through the guard; the draft
// is then done). Topic and reply drafts alike, without JavaScript (plain form posts); nobody else may.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { addWatchedWord } from '../../src/moderation/watched-words.ts';
import { withCharacters } from '../helpers/html.ts';

const PASSWORD = 'correct horse battery staple';
const PHONE = '06 12345678';
const count = (s: string, sub: string) => s.split(sub).length - 1;

for (const kind of testDatabaseKinds()) {
  describe(`a returned draft: edit, then post or send again, on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let topic: { id: number; slug: string };
    const as: Record<string, Agent> = {};
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Billing', slug: 'billing' });
      const customer = await makeUser(database.db, [], 'cust_cora');
      topic = await createTopic(database.db, customer, { boardSlug: 'billing', kind: 'question', title: 'Why was I charged twice?', body: 'Two charges this month.' });
      for (const [name, roles] of [['emp_rita', ['employee']], ['mod_max', ['moderator']], ['emp_olaf', ['employee']]] as const) {
        await makeUser(database.db, [...roles], name);
        const a = new Agent(app);
        assert.equal((await a.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
        as[name] = a;
      }
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    const draftOf = (id: number) => database.db.selectFrom('held_drafts').select(['status', 'body_markdown', 'title', 'author_note', 'published_post_id']).where('id', '=', id).executeTakeFirstOrThrow();
    const itemsOf = (id: number) => database.db.selectFrom('review_items').select(['status', 'decision', 'reason']).where('kind', '=', 'draft').where('subject_id', '=', id).execute();
    const returnIt = async (id: number, comment: string) => {
      const r = await as.mod_max!.post(`/moderation/held/${id}`, { decision: 'return', comment }, `/moderation/held/${id}`);
      assert.equal(r.statusCode, 303, r.body);
    };

    test('a topic draft: opened with the note and findings, sent again as the same draft, then posted', async () => {
      const title = 'Double charge on your bill';
      const sent = await as.emp_rita!.postMultipart('/b/billing/topics', { kind: 'discussion', title, body: `Call me on ${PHONE} about the double charge.`, note: 'Can I give my number?', askTeam: '1' }, [], '/b/billing/new');
      assert.equal(sent.statusCode, 200, sent.body);
      const { id } = await database.db.selectFrom('held_drafts').select('id').where('title', '=', title).executeTakeFirstOrThrow();
      await returnIt(id, 'Leave out the phone number, point to the contact page.');

      // From their drafts: a link to edit it; the form has the text, the note, the findings, and carries the draft.
      const drafts = await as.emp_rita!.get('/my/drafts');
      assert.match(drafts.body, new RegExp(`href="/b/billing/new\\?draft=${id}"`));
      const form = await as.emp_rita!.get(`/b/billing/new?draft=${id}`);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /The community team returned this draft to you: Leave out the phone number, point to the contact page\./);
      assert.match(form.body, new RegExp(`<input type="hidden" name="draft" value="${id}">`));
      assert.match(form.body, /value="Double charge on your bill"/);
      assert.match(form.body, /<textarea[^>]*>Call me on 06 12345678 about the double charge\./);
      assert.equal(count(form.body, 'class="findings'), 1, 'one findings panel');
      assert.match(form.body, /<mark>06 12345678<\/mark>/);
      assert.match(form.body, /<details class="ask-team" open>/);

      // Sent again: the same draft waits again, its one queue item open again; no second draft.
      const again = await as.emp_rita!.postMultipart('/b/billing/topics', { kind: 'discussion', title, body: `Call me on ${PHONE}, or use the contact page.`, note: 'Shortened it', askTeam: '1', draft: String(id) }, [], '/b/billing/new');
      assert.equal(again.statusCode, 200, again.body);
      assert.match(again.body, /Your draft is with the community team/);
      assert.equal((await database.db.selectFrom('held_drafts').select('id').where('title', '=', title).execute()).length, 1, 'not a second draft');
      const pending = await draftOf(id);
      assert.equal(pending.status, 'pending');
      assert.equal(pending.body_markdown, `Call me on ${PHONE}, or use the contact page.`);
      assert.equal(pending.author_note, 'Shortened it');
      assert.deepEqual((await itemsOf(id)).map((i) => [i.status, i.decision]), [['open', null]], 'one item, open again');
      assert.match((await as.mod_max!.get('/moderation/queue')).body, /Double charge on your bill/);
      assert.equal((await as.emp_rita!.get(`/b/billing/new?draft=${id}`)).statusCode, 404, 'no longer returned: nothing to edit');
      // Their drafts say the comment came with the return, not that the team has answered the text sent again.
      const waiting = (await as.emp_rita!.get('/my/drafts')).body;
      assert.match(waiting, /When it was returned, the team said: Leave out the phone number/);
      assert.doesNotMatch(waiting, /Team: Leave out/);

      // Returned once more; posting it with the number still in is blocked (back on the form, still the draft).
      await returnIt(id, 'Still the phone number, sorry.');
      const blocked = await as.emp_rita!.postMultipart('/b/billing/topics', { kind: 'discussion', title, body: `Call me on ${PHONE}.`, draft: String(id) }, [], '/b/billing/new');
      assert.equal(blocked.statusCode, 422);
      assert.match(blocked.body, new RegExp(`<input type="hidden" name="draft" value="${id}">`));
      assert.match(blocked.body, /The community team returned this draft to you: Still the phone number, sorry\./);
      assert.equal((await draftOf(id)).status, 'returned');
      assert.equal((await database.db.selectFrom('topics').select('id').where('title', '=', title).execute()).length, 0);

      // Posted without it: a topic, and the draft is done (no edit link, no second item).
      const posted = await as.emp_rita!.postMultipart('/b/billing/topics', { kind: 'discussion', title, body: 'Please use the contact page about the double charge.', draft: String(id) }, [], '/b/billing/new');
      assert.equal(posted.statusCode, 303, posted.body);
      const t = await database.db.selectFrom('topics').select('id').where('title', '=', title).executeTakeFirstOrThrow();
      const done = await draftOf(id);
      assert.equal(done.status, 'published');
      assert.ok(done.published_post_id, 'points at the post');
      assert.deepEqual((await itemsOf(id)).map((i) => [i.status, i.decision]), [['done', 'return']]);
      const after = await as.emp_rita!.get('/my/drafts');
      assert.doesNotMatch(after.body, new RegExp(`draft=${id}`));
      assert.match(after.body, /Posted by you after it was returned/);
      assert.match(after.body, /When it was returned, the team said: Still the phone number, sorry\./);
      assert.equal((await as.emp_rita!.postMultipart('/b/billing/topics', { kind: 'discussion', title: 'Another try here', body: 'Text.', draft: String(id) }, [], '/b/billing/new')).statusCode, 404, 'a done draft is not posted twice');
      assert.ok(t.id);
    });

    test('a reply draft: its reply form, then posted in its topic', async () => {
      const topicUrl = `/t/${topic.slug}/${topic.id}`;
      await as.emp_rita!.postMultipart(`/t/${topic.id}/replies`, { body: `The refund went to IBAN NL91ABNA0417164300 today.`, askTeam: '1' }, [], topicUrl);
      const { id } = await database.db.selectFrom('held_drafts').select('id').where('kind', '=', 'reply').where('body_markdown', 'like', 'The refund went%').executeTakeFirstOrThrow();
      await returnIt(id, 'No account numbers in public.');
      const held = await as.emp_rita!.get(`/moderation/held/${id}`);
      assert.match(held.body, new RegExp(`href="/t/${topic.id}/reply\\?draft=${id}"`), 'the draft page links to its reply form');
      const form = await as.emp_rita!.get(`/t/${topic.id}/reply?draft=${id}`);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /No account numbers in public\./);
      assert.match(form.body, new RegExp(`<input type="hidden" name="draft" value="${id}">`));
      assert.match(form.body, /<mark>NL91ABNA0417164300<\/mark>/);
      // Blocked: back on the topic, the draft still carried.
      const blocked = await as.emp_rita!.postMultipart(`/t/${topic.id}/replies`, { body: 'The refund went to IBAN NL91ABNA0417164300.', draft: String(id) }, [], topicUrl);
      assert.equal(blocked.statusCode, 422);
      assert.match(blocked.body, new RegExp(`<input type="hidden" name="draft" value="${id}">`));
      const posted = await as.emp_rita!.postMultipart(`/t/${topic.id}/replies`, { body: 'The refund went out today.', draft: String(id) }, [], topicUrl);
      assert.equal(posted.statusCode, 303, posted.body);
      assert.equal((await draftOf(id)).status, 'published');
      assert.match((await app.inject({ url: topicUrl })).body, /The refund went out today\./);
    });

    test('posting it ends in a hold (a watched word): this draft goes back to the team, not a copy', async () => {
      const manager = await makeUser(database.db, ['community_manager'], 'cm_wendy');
      await addWatchedWord(database.db, manager, { pattern: 'lawsuit', isRegex: false, action: 'hold' });
      const title = 'About the lawsuit rumour';
      await as.emp_rita!.postMultipart('/b/billing/topics', { kind: 'discussion', title: 'Rumour question', body: 'Should I answer the rumour?', askTeam: '1' }, [], '/b/billing/new');
      const { id } = await database.db.selectFrom('held_drafts').select('id').where('title', '=', 'Rumour question').executeTakeFirstOrThrow();
      await returnIt(id, 'Answer it, but carefully.');
      const held = await as.emp_rita!.postMultipart('/b/billing/topics', { kind: 'discussion', title, body: 'There is no lawsuit that we know of.', draft: String(id) }, [], '/b/billing/new');
      assert.equal(held.statusCode, 202, held.body);
      const d = await database.db.selectFrom('held_drafts').select(['status', 'title', 'reason']).where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(d, { status: 'pending', title, reason: 'watched_word' });
      assert.equal((await database.db.selectFrom('held_drafts').select('id').where('title', '=', title).execute()).length, 1, 'not a second draft');
      assert.deepEqual((await itemsOf(id)).map((i) => [i.status, i.reason]), [['open', 'watched_word']]);
      assert.equal((await database.db.selectFrom('topics').select('id').where('title', '=', title).execute()).length, 0);
    });

    test('sent again: the reviewer sees each earlier return (who, when, what they said) on the queue and the draft\'s page', async () => {
      const title = 'Refund timeline for customers';
      await as.emp_rita!.postMultipart('/b/billing/topics', { kind: 'discussion', title, body: 'Refunds take five days.', askTeam: '1' }, [], '/b/billing/new');
      const { id } = await database.db.selectFrom('held_drafts').select('id').where('title', '=', title).executeTakeFirstOrThrow();
      const first = `Say which refunds take longer. ${'Details matter here. '.repeat(60)}The end.`; // longer than the log keeps (1000)
      await returnIt(id, first);
      const sendAgain = async (body: string) => {
        const r = await as.emp_rita!.postMultipart('/b/billing/topics', { kind: 'discussion', title, body, askTeam: '1', draft: String(id) }, [], '/b/billing/new');
        assert.equal(r.statusCode, 200, r.body);
      };
      const page = async () => (await as.mod_max!.get(`/moderation/held/${id}`)).body;
      assert.doesNotMatch(await page(), /returned this draft/, 'never returned before: no history');
      await sendAgain('Refunds take five days; card refunds up to ten.');

      const queue = (await as.mod_max!.get('/moderation/queue')).body;
      assert.match(withCharacters(queue), /Sent again after mod max returned it: “Say which refunds take longer\. Details matter here\./);
      const once = await page();
      assert.match(once, /<h2 id="earlier-returns">The team returned this draft once before<\/h2>/);
      assert.match(once, /Returned to the author by mod max on [^<]*\d[^<]*:<\/p><blockquote>Say which refunds take longer\./);
      assert.ok(once.includes(`${'Details matter here. '.repeat(59)}Details matter here. The end.</blockquote>`), 'the whole comment, not the log\'s first 1000 characters');
      assert.doesNotMatch(once, /Comment from the team/, 'the old comment is history, not a decision on this text');
      assert.match(once, /name="decision" value="return"/, 'and the reviewer decides again');

      // Returned again: its author sees the new comment as the decision, the first as history.
      await returnIt(id, 'Better. Now drop the ten days.');
      const returned = (await as.emp_rita!.get(`/moderation/held/${id}`)).body;
      assert.match(returned, /Comment from the team \(mod max\): Better\. Now drop the ten days\./);
      assert.match(returned, /The team returned this draft once before/);
      assert.doesNotMatch(returned, /<blockquote>Better\./);
      await sendAgain('Refunds take five days.');
      const twice = await page();
      assert.match(twice, /The team returned this draft 2 times before/);
      assert.ok(twice.indexOf('<blockquote>Better. Now drop the ten days.</blockquote>') < twice.indexOf('<blockquote>Say which refunds'), 'newest first');
      assert.match(withCharacters((await as.mod_max!.get('/moderation/queue')).body), /Sent again after mod max returned it: “Better\. Now drop the ten days\.”/);
    });

    test('only its author, through the policy: another employee gets nothing and changes nothing', async () => {
      await as.emp_rita!.postMultipart('/b/billing/topics', { kind: 'question', title: 'Rita asks the team', body: 'Is this fine to post?', askTeam: '1' }, [], '/b/billing/new');
      const { id } = await database.db.selectFrom('held_drafts').select('id').where('title', '=', 'Rita asks the team').executeTakeFirstOrThrow();
      await returnIt(id, 'Reword it.');
      assert.equal((await as.emp_olaf!.get(`/b/billing/new?draft=${id}`)).statusCode, 404);
      assert.equal((await as.mod_max!.get(`/b/billing/new?draft=${id}`)).statusCode, 404, 'the team decides, it does not resend');
      const forged = await as.emp_olaf!.postMultipart('/b/billing/topics', { kind: 'question', title: 'Olaf takes it', body: 'Mine now.', askTeam: '1', draft: String(id) }, [], '/b/billing/new');
      assert.equal(forged.statusCode, 404);
      const d = await draftOf(id);
      assert.equal(d.status, 'returned');
      assert.equal(d.title, 'Rita asks the team');
    });
  });
}
