// @mentions on both databases go through the same pipeline as every other notification: in the
// app per the person's setting for "Someone @mentions me" ('off': nothing at all), e-mailed only
// if that setting is e-mail, after the delay and only if still unread, with the signed unsubscribe
// footer and headers. A muted topic tells nobody about its posts; a quote and a mention of the same
// person in one post make one notification; nobody hears of a topic they may not read.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { ParsedMail } from 'mailparser';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { sendNotificationEmails } from '../../src/notifications/send-notification-emails.ts';
import { setPreferences } from '../../src/notifications/preferences.ts';
import { setWatch } from '../../src/notifications/watch.ts';
import { installationSecret } from '../../src/accounts/installation-secret.ts';
import type { Actor } from '../../src/policy/policy.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';

type U = Actor & { username: string };
const DELAY_MS = 600_000; // NOTIFICATION_EMAIL_DELAY_SECONDS' default
const PASSWORD = 'correct horse battery staple';

for (const kind of testDatabaseKinds()) {
  describe(`@mentions on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let smtp: TestSmtp;
    let secret: string;
    let wes: U, mia: U, cal: U, dee: U, mae: U;
    let topic: { id: number; slug: string };
    const sweep = (now: number) => sendNotificationEmails(database.db, app.mailer, { siteUrl: 'http://community.test', siteName: 'Parley', secret, delayMs: DELAY_MS, now });
    const rowsOf = (u: Actor, postId: number) =>
      database.db.selectFrom('notifications').select(['kind', 'read_at', 'emailed_at']).where('user_id', '=', u.id).where('post_id', '=', postId).execute();
    const until = async (what: string, ok: () => Promise<boolean>) => {
      for (let i = 0; i < 200; i++) if (await ok()) return;
      else await new Promise((r) => setTimeout(r, 20));
      assert.fail(`timed out waiting for ${what}`);
    };
    /** A reply as the routes publish it: written, then app.notifyMentions in the background. It
     * always mentions cal (default settings), whose notification shows the background work is done;
     * then a pause, long enough for an e-mail sent at once (the old behaviour) to arrive. */
    const post = async (author: Actor, body: string, topicId = topic.id) => {
      const r = await createReply(database.db, author, { topicId, body: `${body} cc @${cal.username}` });
      app.notifyMentions(r.id);
      await until('the notifications of the post', async () => (await rowsOf(cal, r.id)).length > 0 || author.id === cal.id);
      await new Promise((r) => setTimeout(r, 400));
      return r.id;
    };
    const header = (mail: ParsedMail, name: string) => mail.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, '').replace(/\r?\n\s+/g, '') ?? '';

    before(async () => {
      database = await kind.open();
      smtp = await startSmtp();
      // The scheduled sweep stays out of the way (hourly); the tests sweep with their own clock.
      app = await testServer(database, { SMTP_URL: smtp.url, PUBLIC_URL: 'http://community.test', NOTIFICATION_EMAIL_DELAY_SECONDS: '600', NOTIFICATION_EMAIL_SWEEP_SECONDS: '3600' });
      await app.ready();
      secret = await installationSecret(database.db, undefined);
      const db = database.db;
      await createBoard(db, null, { name: 'General', slug: 'general' });
      await createBoard(db, null, { name: 'Team', slug: 'team', visibility: 'staff' });
      wes = await makeUser(db, ['moderator'], 'writer_wes');
      mia = await makeUser(db, [], 'member_mia');
      cal = await makeUser(db, [], 'control_cal');
      dee = await makeUser(db, [], 'default_dee');
      mae = await makeUser(db, ['moderator'], 'mod_mae');
      topic = await createTopic(db, wes, { boardSlug: 'general', kind: 'discussion', title: 'Router firmware 2.4 is out', body: 'Release notes inside.' });
    });
    after(async () => {
      await app.close();
      await smtp.close();
      await database.drop();
    });

    test('"Someone @mentions me" set to Off: no notification in the app and no e-mail', async () => {
      await setPreferences(database.db, mia.id, { mention: 'off' });
      const seen = smtp.messages.length;
      const id = await post(wes, `Hey @${mia.username}, can you check this?`);
      assert.deepEqual(await rowsOf(mia, id), [], 'nothing in the app');
      assert.equal(smtp.messages.length, seen, 'no e-mail at once');
      assert.deepEqual(await sweep(Date.now() + DELAY_MS + 1000), { sent: 0, failed: 0 }, 'nor later');
    });

    test('the default ("in the app"): a notification in the app, no e-mail', async () => {
      const seen = smtp.messages.length;
      const id = await post(wes, `Hey @${dee.username}, can you check this?`);
      assert.deepEqual((await rowsOf(dee, id)).map((r) => r.kind), ['mention']);
      assert.equal(smtp.messages.length, seen, 'no e-mail at once');
      assert.deepEqual(await sweep(Date.now() + DELAY_MS + 1000), { sent: 0, failed: 0 }, 'nor after the delay');
    });

    test('set to e-mail: one e-mail after the delay, with the unsubscribe footer and headers; none if read in the app first', async () => {
      await setPreferences(database.db, mia.id, { mention: 'email' });
      const seen = smtp.messages.length;
      const posted = Date.now();
      const id = await post(wes, `Hey @${mia.username}, the fix is in 2.4.`);
      assert.deepEqual((await rowsOf(mia, id)).map((r) => r.kind), ['mention']);
      assert.equal(smtp.messages.length, seen, 'not at once');
      assert.deepEqual(await sweep(posted + DELAY_MS - 5000), { sent: 0, failed: 0 }, 'not before the delay');
      assert.deepEqual(await sweep(Date.now() + DELAY_MS + 1000), { sent: 1, failed: 0 }, 'once the delay is over');
      const mail = await smtp.next(seen);
      assert.equal((mail.to as { text: string }).text, 'member_mia@example.com');
      assert.equal(mail.subject, 'writer wes mentioned you: “Router firmware 2.4 is out”');
      assert.match(mail.text!, /Hey @member_mia, the fix is in 2\.4\./);
      assert.match(mail.text!, new RegExp(`Read it: http://community\\.test/t/router-firmware-2-4-is-out/${topic.id}#post-\\d+`));
      assert.match(mail.text!, /You get this because "Someone @mentions me" is set to e-mail\./);
      assert.match(mail.text!, /Stop these e-mails: http:\/\/community\.test\/notifications\/unsubscribe\?u=\d+&k=mention&e=\d+&s=[\w-]+/);
      assert.match(header(mail, 'list-unsubscribe'), new RegExp(`^<http://community\\.test/notifications/unsubscribe\\?u=${mia.id}&k=mention&e=\\d+&s=[\\w-]+>$`));
      assert.equal(header(mail, 'list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
      assert.deepEqual(await sweep(Date.now() + DELAY_MS + 2000), { sent: 0, failed: 0 }, 'sent once');
      assert.equal(smtp.messages.length, seen + 1);

      // Read in the app (she opens the topic) before the delay is over: no e-mail.
      const again = await post(wes, `@${mia.username} one more thing.`);
      const agent = new Agent(app);
      await agent.post('/signin', { login: mia.username, password: PASSWORD }, '/signin');
      assert.equal((await agent.get(`/t/${topic.slug}/${topic.id}`)).statusCode, 200);
      await until('the notification read', async () => (await rowsOf(mia, again))[0]?.read_at != null);
      assert.deepEqual(await sweep(Date.now() + DELAY_MS + 1000), { sent: 0, failed: 0 }, 'read in the app first: no e-mail');
      assert.equal(smtp.messages.length, seen + 1);
    });

    test('a muted topic: no notification and no e-mail for a mention there, even set to e-mail', async () => {
      await setPreferences(database.db, mia.id, { mention: 'email', quote: 'email' });
      const muted = await createTopic(database.db, wes, { boardSlug: 'general', kind: 'discussion', title: 'A thread mia muted', body: 'Start.' });
      await setWatch(database.db, mia, 'topic', muted.id, 'muted');
      const seen = smtp.messages.length;
      const id = await post(wes, `Hey @${mia.username}, you muted this.`, muted.id);
      assert.deepEqual(await rowsOf(mia, id), [], 'nothing in the app');
      const quoted = await post(wes, `@${mia.username} wrote:\n\n> Start.\n\nQuoted in a muted topic.`, muted.id);
      assert.deepEqual(await rowsOf(mia, quoted), [], 'nor for a quote');
      assert.equal(smtp.messages.length, seen, 'no e-mail at once');
      assert.deepEqual(await sweep(Date.now() + DELAY_MS + 1000), { sent: 0, failed: 0 }, 'nor later');
    });

    test('a quote and a mention of the same person in one post: one notification (the quote), one e-mail', async () => {
      await setPreferences(database.db, mia.id, { mention: 'email', quote: 'email' });
      const seen = smtp.messages.length;
      const id = await post(wes, `@${mia.username} wrote:\n\n> Which firmware?\n\nVersion 2.4, @${mia.username}.`);
      assert.deepEqual((await rowsOf(mia, id)).map((r) => r.kind), ['quote'], 'one notification per post per person: a quote wins over a mention');
      assert.equal(smtp.messages.length, seen, 'no e-mail at once');
      assert.deepEqual(await sweep(Date.now() + DELAY_MS + 1000), { sent: 1, failed: 0 });
      const mail = await smtp.next(seen);
      assert.equal((mail.to as { text: string }).text, 'member_mia@example.com');
      assert.equal(mail.subject, 'writer wes quoted you: “Router firmware 2.4 is out”');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(smtp.messages.length, seen + 1, 'no second e-mail');
    });

    test('a new topic over HTTP: the people mentioned are told, the author and unknown names are not; staff boards only tell staff', async () => {
      await setPreferences(database.db, mia.id, { mention: 'email' });
      await setPreferences(database.db, mae.id, { mention: 'email' });
      await setPreferences(database.db, wes.id, { mention: 'email' });
      const agent = new Agent(app);
      await agent.post('/signin', { login: wes.username, password: PASSWORD }, '/signin');
      const seen = smtp.messages.length;
      const res = await agent.post('/b/general/topics', { kind: 'discussion', title: 'Router firmware 2.5 is out', body: `Thanks @${mia.username} and @${mae.username}, and @${wes.username} and @nobody_here!` }, '/b/general/new');
      assert.equal(res.statusCode, 303);
      const t = await database.db.selectFrom('topics').select('id').where('title', '=', 'Router firmware 2.5 is out').executeTakeFirstOrThrow();
      const first = await database.db.selectFrom('posts').select('id').where('topic_id', '=', t.id).where('post_number', '=', 1).executeTakeFirstOrThrow();
      await until('the mentions', async () => (await rowsOf(mae, first.id)).length > 0);
      assert.deepEqual((await rowsOf(mia, first.id)).map((r) => r.kind), ['mention']);
      assert.deepEqual(await rowsOf(wes, first.id), [], 'the author is not told');
      assert.deepEqual(await sweep(Date.now() + DELAY_MS + 1000), { sent: 2, failed: 0 });
      const to = [await smtp.next(seen), await smtp.next(seen + 1)].map((m) => (m.to as { text: string }).text).sort();
      assert.deepEqual(to, ['member_mia@example.com', 'mod_mae@example.com']);

      const mae2 = new Agent(app);
      await mae2.post('/signin', { login: mae.username, password: PASSWORD }, '/signin');
      await mae2.post('/b/team/topics', { kind: 'discussion', title: 'Team-only coordination', body: `FYI @${mia.username}` }, '/b/team/new');
      const staff = await database.db.selectFrom('topics').select('id').where('title', '=', 'Team-only coordination').executeTakeFirstOrThrow();
      const staffPost = await database.db.selectFrom('posts').select('id').where('topic_id', '=', staff.id).where('post_number', '=', 1).executeTakeFirstOrThrow();
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(await rowsOf(mia, staffPost.id), [], 'a member is not told about a staff-only topic');
      assert.deepEqual(await sweep(Date.now() + DELAY_MS + 1000), { sent: 0, failed: 0 });
      assert.equal(smtp.messages.length, seen + 2, 'nobody else was e-mailed');
    });

    test('a quote in Dutch ("@naam schreef:"): one quote notification for the quoted person, no mention; names in the quoted lines are no mentions', async () => {
      const quinn = await makeUser(database.db, [], 'quoted_quinn');
      const otto = await makeUser(database.db, [], 'other_otto');
      // As the reply form writes it for a Dutch reader (compose:reply.quoteWrote), then the writer's own words.
      const id = await post(wes, `@${quinn.username} schreef:\n\n> Vraag het @${otto.username} maar.\n\nDat heb ik gedaan.`);
      assert.deepEqual((await rowsOf(quinn, id)).map((r) => r.kind), ['quote'], 'the quoted person: a quote, not a mention');
      assert.deepEqual(await rowsOf(otto, id), [], 'a name inside the quoted lines is not a mention');
      // In English too, a nested quote included; a name in the writer's own words still is one.
      const en = await post(wes, `@${quinn.username} wrote:\n\n> > @${otto.username} said so\n> I agree, @${otto.username}.\n\nThanks @${mia.username}.`);
      assert.deepEqual((await rowsOf(quinn, en)).map((r) => r.kind), ['quote']);
      assert.deepEqual(await rowsOf(otto, en), []);
      assert.deepEqual((await rowsOf(mia, en)).map((r) => r.kind), ['mention']);
    });
  });
}
