// Notification e-mails on both databases, through a real SMTP server on loopback: per-kind
// choices, nothing for what was seen in the app or may no longer be read, plain text and HTML
// parts, one-click unsubscribe with signed links (forged and expired ones refused), and a
// failed SMTP server delaying mail without losing it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { notifyNewPost } from '../../src/notifications/notify-new-post.ts';
import { sendNotificationEmails } from '../../src/notifications/send-notification-emails.ts';
import { preferencesOf, setPreferences } from '../../src/notifications/preferences.ts';
import { unsubscribeQuery } from '../../src/notifications/unsubscribe-token.ts';
import { installationSecret } from '../../src/accounts/installation-secret.ts';
import { createMailer } from '../../src/mail/mailer.ts';
import type { Actor } from '../../src/policy/policy.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { Agent } from '../helpers/browserless-agent.ts';

for (const kind of testDatabaseKinds()) {
  describe(`notification e-mails on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let smtp: TestSmtp;
    let secret: string;
    let ann: Actor & { username: string };
    let bob: Actor & { username: string };
    const sweep = (now = Date.now(), mailer = app.mailer) => sendNotificationEmails(database.db, mailer, { siteUrl: 'http://community.test', siteName: 'Parley', secret, delayMs: 0, now });
    const reply = async (topicId: number, body: string) => {
      const r = await createReply(database.db, bob, { topicId, body });
      await notifyNewPost(database.db, r.id);
    };

    before(async () => {
      database = await kind.open();
      smtp = await startSmtp();
      app = await testServer(database, { SMTP_URL: smtp.url, PUBLIC_URL: 'http://community.test', NOTIFICATION_EMAIL_DELAY_SECONDS: '0', NOTIFICATION_EMAIL_SWEEP_SECONDS: '3600' });
      await app.ready();
      secret = await installationSecret(database.db, undefined);
      await createBoard(database.db, null, { name: 'Help', slug: 'help' });
      ann = await makeUser(database.db, [], 'ann_mail');
      bob = await makeUser(database.db, [], 'bob_mail');
    });
    after(async () => {
      await app.close();
      await smtp.close();
      await database.drop();
    });

    test('a reply to your topic is e-mailed with text and HTML parts and one-click unsubscribe headers', async () => {
      const t = await createTopic(database.db, ann, { boardSlug: 'help', kind: 'question', title: 'Fibre <b>box</b> blinks red', body: 'Since this morning.' });
      await reply(t.id, 'Unplug it for 30 seconds & plug it back in.');
      const seen = smtp.messages.length;
      assert.deepEqual(await sweep(), { sent: 1, failed: 0 });
      const mail = await smtp.next(seen);
      assert.equal((mail.to as { text: string }).text, 'ann_mail@example.com');
      assert.equal(mail.subject, 'bob mail replied to your topic: “Fibre <b>box</b> blinks red”');
      assert.match(mail.text!, /Unplug it for 30 seconds & plug it back in\./);
      assert.match(mail.text!, new RegExp(`Read it: http://community\\.test/t/fibre-b-box-b-blinks-red/${t.id}#post-2`));
      assert.ok(mail.html && mail.html.includes('Fibre &lt;b&gt;box&lt;/b&gt; blinks red') && !mail.html.includes('<b>box</b>'), 'the HTML part escapes the text');
      const raw = (name: string) => mail.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, '').replace(/\r?\n\s+/g, '') ?? '';
      const unsubscribe = raw('list-unsubscribe');
      assert.match(unsubscribe, /^<http:\/\/community\.test\/notifications\/unsubscribe\?u=\d+&k=reply&e=\d+&s=[\w-]+>$/);
      assert.equal(raw('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
      assert.deepEqual(await sweep(), { sent: 0, failed: 0 }, 'sent once');

      // One-click: a mail program posts to the link, without cookies or a CSRF token.
      const path = unsubscribe.slice('<http://community.test'.length, -1);
      const confirm = await app.inject(path);
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /Stop these e-mails\?/);
      const oneClick = await app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
      assert.equal(oneClick.statusCode, 200, oneClick.body.slice(0, 300));
      assert.match(oneClick.body, /E-mails stopped/);
      assert.equal((await preferencesOf(database.db, ann.id)).reply, 'app');
      await reply(t.id, 'Did that help?');
      assert.deepEqual(await sweep(), { sent: 0, failed: 0 }, 'no more reply e-mails');
      assert.equal((await app.inject('/notifications')).statusCode, 401, 'the choice stays in the app, behind sign-in');
    });

    test('forged, altered and expired unsubscribe links are refused with a clear page', async () => {
      const good = unsubscribeQuery(secret, { userId: bob.id, kind: 'accepted' });
      const forged = good.replace(`u=${bob.id}`, `u=${ann.id}`);
      for (const q of [forged, good.replace('k=accepted', 'k=kudos'), good.slice(0, -3), 'u=1&k=reply&e=9999999999&s=abc', '']) {
        for (const method of ['GET', 'POST'] as const) {
          const res = await app.inject({ method, url: `/notifications/unsubscribe?${q}` });
          assert.equal(res.statusCode, 400, `${method} ${q}`);
          assert.match(res.body, /This unsubscribe link is not valid/);
        }
      }
      const expired = unsubscribeQuery(secret, { userId: bob.id, kind: 'accepted' }, Date.now() - 61 * 86_400_000);
      const res = await app.inject({ method: 'POST', url: `/notifications/unsubscribe?${expired}` });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /has expired/);
      assert.equal((await preferencesOf(database.db, bob.id)).accepted, 'email', 'nothing changed');
    });

    test('no e-mail for what was seen in the app, for kinds set to the app, or for a topic no longer readable', async () => {
      await setPreferences(database.db, ann.id, { reply: 'email' });
      const t = await createTopic(database.db, ann, { boardSlug: 'help', kind: 'question', title: 'Seen already', body: 'Question.' });
      await reply(t.id, 'An answer she reads in the app.');
      const agent = new Agent(app);
      await agent.post('/signin', { login: 'ann_mail', password: 'correct horse battery staple' }, '/signin');
      await agent.get('/notifications');
      assert.deepEqual(await sweep(), { sent: 0, failed: 0 }, 'read in the app first: no e-mail');
      await setPreferences(database.db, ann.id, { watched: 'email' });
      const other = await createTopic(database.db, bob, { boardSlug: 'help', kind: 'discussion', title: 'Later hidden', body: 'Start.' });
      await createReply(database.db, ann, { topicId: other.id, body: 'I take part, so I watch it.' });
      await reply(other.id, 'A new post in a topic ann watches.');
      await database.db.updateTable('boards').set({ visibility: 'staff' }).where('slug', '=', 'help').execute();
      assert.deepEqual(await sweep(), { sent: 0, failed: 0 }, 'the board became staff-only: nothing about it is sent');
      await database.db.updateTable('boards').set({ visibility: 'public' }).where('slug', '=', 'help').execute();
    });

    test('a failed SMTP server delays the e-mail with backoff and never loses it', async () => {
      await setPreferences(database.db, ann.id, { reply: 'email' });
      const t = await createTopic(database.db, ann, { boardSlug: 'help', kind: 'question', title: 'Mail server down', body: 'Question.' });
      await reply(t.id, 'Answer while SMTP is down.');
      const down = createMailer({ smtpUrl: 'smtp://127.0.0.1:1?ignoreTLS=true&connectionTimeout=2000', from: 'Parley <no-reply@community.test>', outboxDir: '/nonexistent', log: app.log });
      const now = Date.now();
      assert.deepEqual(await sweep(now, down), { sent: 0, failed: 1 });
      const row = await database.db.selectFrom('notifications').select(['emailed_at', 'email_attempts']).where('kind', '=', 'reply').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.deepEqual(row, { emailed_at: null, email_attempts: 1 });
      assert.deepEqual(await sweep(now + 1000), { sent: 0, failed: 0 }, 'waits before retrying');
      const seen = smtp.messages.length;
      assert.deepEqual(await sweep(now + 61_000), { sent: 1, failed: 0 }, 'sent once the server is back and the pause is over');
      assert.equal((await smtp.next(seen)).subject, 'bob mail replied to your topic: “Mail server down”');
      down.close();
    });

    test('the notifications page saves per-kind choices', async () => {
      const agent = new Agent(app);
      await agent.post('/signin', { login: 'bob_mail', password: 'correct horse battery staple' }, '/signin');
      const page = (await agent.get('/notifications')).body;
      assert.match(page, /<input type="radio" name="kind_kudos" value="app" aria-label="Kudos for my posts: in the app" checked>/);
      const saved = await agent.post('/notifications/settings', { autowatch: '1', kind_kudos: 'email', kind_watched: 'off' }, '/notifications');
      assert.equal(saved.statusCode, 303);
      assert.match((await agent.follow(saved)).body, /<p class="notice" role="status">Your notification settings are saved\.<\/p>/);
      assert.doesNotMatch((await agent.get('/notifications')).body, /notification settings are saved/);
      const prefs = await preferencesOf(database.db, bob.id);
      assert.equal(prefs.kudos, 'email');
      assert.equal(prefs.watched, 'off');
      assert.equal((await agent.post('/notifications/settings', { kind_kudos: 'loud' }, '/notifications')).statusCode, 400);
    });
  });
}
