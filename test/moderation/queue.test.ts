// "Ask the community team": drafts go to the team's queue, not the public thread; the team
// approves (as is or edited), returns with a comment, or rejects; the author is told in the app
// and by e-mail (the notification sweep).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { sendNotificationEmails } from '../../src/notifications/send-notification-emails.ts';

const PASSWORD = 'correct horse battery staple';

for (const kind of testDatabaseKinds()) {
  describe(`the community team queue on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let smtp: TestSmtp;
    let topicUrl: string;
    let topicId: number;
    const as: Record<string, Agent> = {};
    const sweep = () => sendNotificationEmails(database.db, app.mailer, { siteUrl: 'http://community.test', siteName: 'Parley', secret: 'test', delayMs: 0 });
    before(async () => {
      database = await kind.open();
      smtp = await startSmtp();
      app = await testServer(database, { SMTP_URL: smtp.url, PUBLIC_URL: 'http://community.test' });
      await createBoard(database.db, null, { name: 'Billing', slug: 'billing' });
      const customer = await makeUser(database.db, [], 'cust_carla');
      const t = await createTopic(database.db, customer, { boardSlug: 'billing', kind: 'question', title: 'Why was I charged twice?', body: 'Two charges this month.' });
      topicId = t.id;
      topicUrl = `/t/${t.slug}/${t.id}`;
      for (const [name, roles] of [['emp_erik', ['employee']], ['mod_mona', ['moderator']], ['emp_other', ['employee']]] as const) {
        await makeUser(database.db, [...roles], name);
        const a = new Agent(app);
        assert.equal((await a.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
        as[name] = a;
      }
    });
    after(async () => {
      await app.close();
      await smtp.close();
      await database.drop();
    });

    const heldIds = async () => (await database.db.selectFrom('held_drafts').select(['id', 'status']).orderBy('id').execute());

    test('an employee asks the team: the draft is held, not public; only the team and the author can read it', async () => {
      const res = await as.emp_erik!.post(`/t/${topicId}/replies`, { body: 'I can see a duplicate payment on the account; refund is on its way.', note: 'Is this OK to say?', askTeam: '1' }, topicUrl);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Your draft is with the community team/);
      assert.doesNotMatch((await app.inject({ url: topicUrl })).body, /duplicate payment/);
      const [held] = await heldIds();
      assert.equal(held!.status, 'pending');
      const queue = await as.mod_mona!.get('/moderation/queue');
      assert.match(queue.body, /Reply in Why was I charged twice\?/);
      assert.match(queue.body, /Author asked the team/);
      assert.equal((await as.emp_other!.get('/moderation/queue')).statusCode, 403, 'employees do not review');
      assert.equal((await as.emp_other!.get(`/moderation/held/${held!.id}`)).statusCode, 403, 'nor read others\' drafts');
      assert.equal((await app.inject({ url: `/moderation/held/${held!.id}` })).statusCode, 401);
      const mine = await as.emp_erik!.get(`/moderation/held/${held!.id}`);
      assert.match(mine.body, /Is this OK to say\?/);
    });

    test('return with a comment: the author is e-mailed and sees it on their drafts page', async () => {
      const [held] = await heldIds();
      const noComment = await as.mod_mona!.post(`/moderation/held/${held!.id}`, { decision: 'return', comment: '' }, `/moderation/held/${held!.id}`);
      assert.equal(noComment.statusCode, 400);
      assert.match(noComment.body, /a comment is needed/);
      const seen = smtp.messages.length;
      const ret = await as.mod_mona!.post(`/moderation/held/${held!.id}`, { decision: 'return', comment: 'Please leave out the account details; say we are looking into it.' }, `/moderation/held/${held!.id}`);
      assert.equal(ret.statusCode, 303);
      await sweep();
      const mail = await smtp.next(seen);
      assert.equal(mail.subject, 'Your draft: decided');
      assert.match(mail.text!, /returned your draft to you/);
      assert.match(mail.text!, /Please leave out the account details/);
      assert.match(mail.text!, /http:\/\/community\.test\/my\/drafts/);
      const drafts = await as.emp_erik!.get('/my/drafts');
      assert.match(drafts.body, /Returned to you/);
      assert.match(drafts.body, /Team: Please leave out the account details/);
      const again = await as.mod_mona!.post(`/moderation/held/${held!.id}`, { decision: 'approve' }, '/moderation/queue');
      assert.equal(again.statusCode, 409, 'a decided draft is not decided twice');
    });

    test('edit then approve: published under the author\'s name with the team\'s text', async () => {
      await as.emp_erik!.post(`/t/${topicId}/replies`, { body: 'Refund of the double charge is on its way to your account.', askTeam: '1' }, topicUrl);
      const held = (await heldIds()).at(-1)!;
      const seen = smtp.messages.length;
      const ok = await as.mod_mona!.post(`/moderation/held/${held.id}`, { decision: 'approve-edited', body: 'We are looking into double charges like this one; a refund follows once confirmed.', comment: 'Shortened a bit.' }, `/moderation/held/${held.id}`);
      assert.equal(ok.statusCode, 303);
      assert.match(ok.headers.location as string, /#post-2$/);
      const page = await app.inject({ url: topicUrl });
      assert.match(page.body, /a refund follows once confirmed/);
      assert.doesNotMatch(page.body, /on its way to your account/);
      const post = await database.db
        .selectFrom('posts')
        .innerJoin('users', 'users.id', 'posts.user_id')
        .select('users.username')
        .where('posts.topic_id', '=', topicId)
        .where('posts.post_number', '=', 2)
        .executeTakeFirstOrThrow();
      assert.equal(post.username, 'emp_erik');
      await sweep();
      const approved = await smtp.next(seen);
      assert.equal(approved.subject, 'Your draft: decided: “Why was I charged twice?”');
      assert.match(approved.text!, /approved your draft and published it/);
      assert.match(approved.text!, /Shortened a bit\./);
    });

    test('reject, and bad input on new topics sent to the team', async () => {
      const bad = await as.emp_erik!.post('/b/billing/topics', { kind: 'question', title: 'Hi', body: 'x', askTeam: '1' }, '/b/billing/new');
      assert.equal(bad.statusCode, 400);
      const before = (await heldIds()).length;
      const sent = await as.emp_erik!.post('/b/billing/topics', { kind: 'discussion', title: 'Explaining the new invoice layout', body: 'Draft of an explainer.', askTeam: '1' }, '/b/billing/new');
      assert.match(sent.body, /with the community team/);
      const held = (await heldIds()).at(-1)!;
      assert.equal((await heldIds()).length, before + 1);
      const unknown = await as.mod_mona!.post(`/moderation/held/${held.id}`, { decision: 'publish-twice' }, '/moderation/queue');
      assert.equal(unknown.statusCode, 400);
      assert.equal((await as.mod_mona!.post(`/moderation/held/${held.id}`, { decision: 'reject', comment: 'Marketing will publish this.' }, '/moderation/queue')).statusCode, 303);
      assert.doesNotMatch((await app.inject({ url: '/b/billing' })).body, /Explaining the new invoice layout/);
      assert.match((await as.emp_erik!.get('/my/drafts')).body, /Not published/);
    });

    test('the guard stops an employee\'s customer data with the spans and reasons; the draft can go to the team, findings and all', async () => {
      const body = 'Your refund goes to NL91ABNA0417164300 tomorrow.';
      const stopped = await as.emp_erik!.post(`/t/${topicId}/replies`, { body }, topicUrl);
      assert.equal(stopped.statusCode, 422);
      // One findings panel on the topic: what it is, the span marked, and a quick fix.
      assert.match(stopped.body, /<strong>An IBAN \(bank account number\)<\/strong>: <mark>NL91ABNA0417164300<\/mark> <button type="submit" name="fix"/);
      assert.match(stopped.body, /<details class="ask-team" open>/);
      assert.match(stopped.body, new RegExp(`>${body}</textarea>`), 'what was typed is kept');
      assert.doesNotMatch((await app.inject({ url: topicUrl })).body, /NL91ABNA0417164300/);

      const page = await as.emp_erik!.get(topicUrl);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const check = await app.inject({
        method: 'POST',
        url: '/check',
        payload: { body, where: 'reply' },
        headers: { cookie: [...as.emp_erik!.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': token },
      });
      assert.equal(check.statusCode, 200);
      const result = check.json();
      assert.equal(result.action, 'block');
      const iban = result.findings.find((f: { type: string }) => f.type === 'iban');
      assert.equal(body.slice(iban.start, iban.end), 'NL91ABNA0417164300');
      assert.ok(!JSON.stringify(result).includes('NL91ABNA0417164300'), 'the check never echoes the value');

      await as.emp_erik!.post(`/t/${topicId}/replies`, { body, askTeam: '1' }, topicUrl);
      const held = await database.db.selectFrom('held_drafts').select(['id', 'findings']).orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.ok(JSON.parse(held.findings).some((f: { type: string }) => f.type === 'iban'));
      const review = await as.mod_mona!.get(`/moderation/held/${held.id}`);
      assert.match(review.body, /<mark title="[^"]+">NL91ABNA0417164300<\/mark>/);
    });
  });
}
