// Moderation outcomes as notifications (issue 13 via issue 14), on both databases: the reporter
// hears what became of their report, the author of a post or held draft what was decided and why,
// a warned, silenced or suspended member the reason and until when; in the app and, per the
// person's choice for each kind, by e-mail through the notification sweep and a real SMTP server.
// Nobody is told about content they may not see.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { reportPost } from '../../src/moderation/report-post.ts';
import { decidePostItem } from '../../src/moderation/decide-item.ts';
import { holdDraft } from '../../src/moderation/hold-draft.ts';
import { reviewHeld } from '../../src/moderation/review-held.ts';
import { restrictUser } from '../../src/moderation/restrict-user.ts';
import { moveTopic } from '../../src/moderation/reorganize-topics.ts';
import { describeGroup, listNotifications, unreadCount } from '../../src/notifications/list-notifications.ts';
import { setPreferences } from '../../src/notifications/preferences.ts';
import { sendNotificationEmails } from '../../src/notifications/send-notification-emails.ts';
import type { Actor } from '../../src/policy/policy.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { Agent } from '../helpers/browserless-agent.ts';

for (const kind of testDatabaseKinds()) {
  describe(`moderation notices on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let smtp: TestSmtp;
    let ann: Actor & { username: string };
    let rob: Actor & { username: string };
    let mod: Actor & { username: string };
    const sweep = (delayMs = 0) => sendNotificationEmails(database.db, app.mailer, { siteUrl: 'http://community.test', siteName: 'Parley', secret: 'test-secret', delayMs });
    const mailsTo = async (seen: number, to: string) => {
      const deadline = Date.now() + 3000;
      while (!smtp.messages.slice(seen).some((m) => (m.to as { text: string }).text === to) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return smtp.messages.slice(seen).filter((m) => (m.to as { text: string }).text === to);
    };
    const reportAndDecide = async (decision: string, reason: string, topicTitle: string, board = 'help') => {
      const t = await createTopic(database.db, ann, { boardSlug: board, kind: 'discussion', title: topicTitle, body: 'Opening post.' });
      const r = await createReply(database.db, ann, { topicId: t.id, body: 'Buy cheap watches at spam-shop dot example' });
      await reportPost(database.db, rob, { postId: r.id, reason: 'spam', hideThreshold: 0 });
      const item = await database.db.selectFrom('review_items').select('id').where('kind', '=', 'post').where('subject_id', '=', r.id).where('status', '=', 'open').executeTakeFirstOrThrow();
      return { t, r, item, decide: () => decidePostItem(database.db, mod, { id: item.id, decision, reason }) };
    };

    before(async () => {
      database = await kind.open();
      smtp = await startSmtp();
      app = await testServer(database, { SMTP_URL: smtp.url, PUBLIC_URL: 'http://community.test', NOTIFICATION_EMAIL_DELAY_SECONDS: '600', NOTIFICATION_EMAIL_SWEEP_SECONDS: '3600' });
      await app.ready();
      await createBoard(database.db, null, { name: 'Help', slug: 'help' });
      await createBoard(database.db, null, { name: 'Staff room', slug: 'staff-room', visibility: 'staff' });
      ann = await makeUser(database.db, [], 'ann_mn');
      rob = await makeUser(database.db, [], 'rob_mn');
      mod = await makeUser(database.db, ['moderator'], 'mod_mn');
    });
    after(async () => {
      await app.close();
      await smtp.close();
      await database.drop();
    });

    test('the reporter hears the outcome (not the reason meant for the author); the author hears what was done and why', async () => {
      const { t, decide } = await reportAndDecide('delete', 'Advertising is not allowed here.', 'Watches on offer');
      const before = await unreadCount(database.db, rob);
      await decide();
      assert.equal(await unreadCount(database.db, rob), before + 1, 'the bell counts it');
      const robs = (await listNotifications(database.db, rob)).find((g) => g.kind === 'report')!;
      assert.equal(describeGroup(robs), 'The moderators removed the post you reported.');
      assert.equal(robs.topic?.id, t.id);
      assert.equal(robs.notice?.reason, null, 'the reporter is not sent the reason written to the author');
      const anns = (await listNotifications(database.db, ann)).find((g) => g.kind === 'moderated')!;
      assert.equal(describeGroup(anns), 'A moderator removed your post.');
      assert.equal(anns.notice?.reason, 'Advertising is not allowed here.');

      // E-mail through the sweep: not before the delay (it may be seen in the app first), then once.
      assert.equal((await sweep(600_000)).sent, 0);
      const seen = smtp.messages.length;
      assert.equal((await sweep()).sent, 2);
      const [toRob] = await mailsTo(seen, 'rob_mn@example.com');
      assert.equal(toRob!.subject, 'The post you reported: decided: “Watches on offer”');
      assert.match(toRob!.text!, /The moderators removed the post you reported\./);
      assert.doesNotMatch(toRob!.text!, /Advertising|spam-shop/);
      assert.ok(String(toRob!.html).includes('The moderators removed the post you reported.'));
      const [toAnn] = await mailsTo(seen, 'ann_mn@example.com');
      assert.match(toAnn!.text!, /Reason: Advertising is not allowed here\./);
      assert.match(toAnn!.headerLines.find((h) => h.key === 'list-unsubscribe')!.line, /k=moderated/);
      assert.equal((await sweep()).sent, 0, 'once');
      // The notifications page shows the reason to the author.
      const agent = new Agent(app);
      assert.equal((await agent.post('/signin', { login: 'ann_mn', password: 'correct horse battery staple' }, '/signin')).statusCode, 303);
      const page = await agent.get('/notifications');
      assert.match(page.body, /A moderator removed your post\. <a href="\/t\/watches-on-offer\/\d+#post-1">Watches on offer<\/a>/);
      assert.match(page.body, /Reason: Advertising is not allowed here\./);
    });

    test('kept: the reporter is told it stays, the author hears nothing; a kind turned off is not stored', async () => {
      const { decide } = await reportAndDecide('keep', '', 'A fine post');
      const annBefore = (await listNotifications(database.db, ann)).length;
      await setPreferences(database.db, rob.id, { report: 'off' });
      await decide();
      assert.equal((await listNotifications(database.db, rob)).filter((g) => g.kind === 'report').length, 1, 'turned off: no new notice');
      assert.equal((await listNotifications(database.db, ann)).length, annBefore);
      await setPreferences(database.db, rob.id, { report: 'app' });
      const second = await reportAndDecide('keep', '', 'Another fine post');
      await second.decide();
      const kept = (await listNotifications(database.db, rob)).filter((g) => g.kind === 'report');
      assert.equal(kept.length, 2);
      assert.equal(describeGroup(kept[0]!), 'The moderators looked at the post you reported and kept it: it follows the community guidelines.');
      const seen = smtp.messages.length;
      await sweep();
      assert.equal((await mailsTo(seen, 'rob_mn@example.com')).length, 0, "'in the app' only: no e-mail");
      await setPreferences(database.db, rob.id, { report: 'email' });
    });

    test('a topic moved where the reporter may not look: the notice says only that it was decided', async () => {
      const { t, decide } = await reportAndDecide('hide', 'Off-topic for this board.', 'Secret staff plans');
      await moveTopic(database.db, mod, t.id, 'staff-room');
      await decide();
      const robs = (await listNotifications(database.db, rob)).filter((g) => g.kind === 'report')[0]!;
      assert.equal(robs.topic, null);
      assert.equal(describeGroup(robs), 'The moderators hid the post you reported.');
      const seen = smtp.messages.length;
      await sweep();
      const mails = await mailsTo(seen, 'rob_mn@example.com');
      assert.equal(mails.length, 1);
      assert.equal(mails[0]!.subject, 'The post you reported: decided');
      assert.doesNotMatch(mails[0]!.text! + mails[0]!.html, /Secret staff plans|staff-room/);
    });

    test('held drafts: rejected with the reason, approved with findings masked; the author is told each', async () => {
      const help = await createTopic(database.db, ann, { boardSlug: 'help', kind: 'question', title: 'Router keeps rebooting', body: 'Every hour.' });
      const rejected = await holdDraft(database.db, ann, { kind: 'topic', boardSlug: 'help', topicKind: 'question', title: 'My account number inside', body: 'Account 123-456, why?', reason: 'asked' });
      await reviewHeld(database.db, mod, { id: rejected.id, decision: 'reject', comment: 'Please do not post account numbers.' });
      const rej = (await listNotifications(database.db, ann)).find((g) => g.kind === 'draft')!;
      assert.equal(describeGroup(rej), 'The community team decided not to publish your draft.');
      assert.equal(rej.topic, null);
      assert.equal(rej.notice?.title, 'My account number inside');
      assert.equal(rej.notice?.reason, 'Please do not post account numbers.');
      assert.equal(rej.url, '/my/drafts');

      const masked = await holdDraft(database.db, ann, { kind: 'reply', topicId: help.id, body: 'Call me on 06 12345678 please.', reason: 'asked' });
      await reviewHeld(database.db, mod, { id: masked.id, decision: 'approve-masked' });
      const ok = (await listNotifications(database.db, ann)).find((g) => g.kind === 'draft' && g.notice?.outcome === 'approved-masked')!;
      assert.equal(describeGroup(ok), 'The community team published your draft with the confidential details masked.');
      assert.equal(ok.topic?.id, help.id);
      assert.match(ok.url, new RegExp(`/t/router-keeps-rebooting/${help.id}#post-2$`));

      const seen = smtp.messages.length;
      await sweep();
      const mails = await mailsTo(seen, 'ann_mn@example.com');
      const rejMail = mails.find((m) => m.subject === 'Your draft: decided: “My account number inside”')!;
      assert.match(rejMail.text!, /Reason: Please do not post account numbers\./);
      assert.match(rejMail.text!, /http:\/\/community\.test\/my\/drafts/);
      assert.ok(mails.some((m) => m.subject === 'Your draft: decided: “Router keeps rebooting”'));
    });

    test('warned, silenced, suspended: the reason and until when, e-mailed at once (no delay)', async () => {
      const until = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
      await restrictUser(database.db, mod, { userId: rob.id, action: 'warn', reason: 'Keep it civil.' });
      await restrictUser(database.db, mod, { userId: rob.id, action: 'suspend', until, reason: 'Repeated spam' });
      const notes = (await listNotifications(database.db, rob)).filter((g) => g.kind === 'account');
      assert.deepEqual(notes.map((g) => describeGroup(g)), [`Your account is suspended until ${until} (UTC): you cannot sign in until then.`, 'A moderator sent you a warning.']);
      assert.equal(notes[0]!.notice?.reason, 'Repeated spam');
      const seen = smtp.messages.length;
      await sweep(600_000); // even with the e-mail delay: a suspended member cannot read it in the app
      const mails = await mailsTo(seen, 'rob_mn@example.com');
      assert.equal(mails.length, 2);
      const suspended = mails.find((m) => /suspended until/.test(m.text!))!;
      assert.equal(suspended.subject, 'About your account');
      assert.match(suspended.text!, /Reason: Repeated spam/);
      await restrictUser(database.db, null, { userId: rob.id, action: 'lift', reason: 'Cleared.' });
    });
  });
}
