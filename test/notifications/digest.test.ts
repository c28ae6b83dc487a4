// The digest e-mail on both databases, through a real SMTP server: chosen on the notifications
// page (off / daily / weekly), what is new in what the person watches and popular topics, with
// text and HTML parts and one-click unsubscribe; nothing they may not see (staff boards, deleted,
// hidden posts), nothing they wrote or already read, censor words applied; sent once per person
// and period, even when two sweeps run at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { deletePost } from '../../src/community/delete-post.ts';
import { setWatch } from '../../src/notifications/watch.ts';
import { recordRead } from '../../src/notifications/tracking.ts';
import { digestOf, digestPeriod, sendDigests } from '../../src/notifications/send-digests.ts';
import { unsubscribeQuery } from '../../src/notifications/unsubscribe-token.ts';
import { installationSecret } from '../../src/accounts/installation-secret.ts';
import { watchedWordsChanged } from '../../src/moderation/censor-display.ts';
import type { Actor } from '../../src/policy/policy.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { Agent } from '../helpers/browserless-agent.ts';

test('digest periods: the UTC day, and the ISO week (Monday to Sunday; week 1 holds the first Thursday)', () => {
  assert.equal(digestPeriod('daily', Date.parse('2026-12-03T23:59:00Z')), '2026-12-03');
  assert.equal(digestPeriod('weekly', Date.parse('2026-12-03T12:00:00Z')), '2026-W49');
  assert.equal(digestPeriod('weekly', Date.parse('2026-11-30T00:00:00Z')), '2026-W49', 'Monday starts it');
  assert.equal(digestPeriod('weekly', Date.parse('2026-12-06T23:59:00Z')), '2026-W49', 'Sunday ends it');
  assert.equal(digestPeriod('weekly', Date.parse('2027-01-01T12:00:00Z')), '2026-W53');
  assert.equal(digestPeriod('weekly', Date.parse('2025-12-29T12:00:00Z')), '2026-W01');
});

for (const kind of testDatabaseKinds()) {
  describe(`digest e-mails on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let smtp: TestSmtp;
    let secret: string;
    let ann: Actor & { username: string };
    let bob: Actor & { username: string };
    let staff: Actor & { username: string };
    let annAgent: Agent;
    const opts = () => ({ siteUrl: 'http://community.test', siteName: 'Parley', secret });
    const digestsTo = (seen: number) => smtp.messages.slice(seen).filter((m) => (m.to as { text: string }).text === 'ann_dg@example.com');

    before(async () => {
      database = await kind.open();
      smtp = await startSmtp();
      app = await testServer(database, { SMTP_URL: smtp.url, PUBLIC_URL: 'http://community.test', NOTIFICATION_EMAIL_SWEEP_SECONDS: '3600' });
      await app.ready();
      secret = await installationSecret(database.db, undefined);
      await createBoard(database.db, null, { name: 'Help', slug: 'help' });
      await createBoard(database.db, null, { name: 'News', slug: 'news' });
      await createBoard(database.db, null, { name: 'Staff room', slug: 'staff-room', visibility: 'staff' });
      ann = await makeUser(database.db, [], 'ann_dg');
      bob = await makeUser(database.db, [], 'bob_dg');
      staff = await makeUser(database.db, ['moderator'], 'mod_dg');
      annAgent = new Agent(app);
      assert.equal((await annAgent.post('/signin', { login: 'ann_dg', password: 'correct horse battery staple' }, '/signin')).statusCode, 303);
    });
    after(async () => {
      await app.close();
      await smtp.close();
      await database.drop();
    });

    test('chosen on the notifications page; bad values refused', async () => {
      assert.equal(await digestOf(database.db, ann.id), 'off');
      const page = await annAgent.get('/notifications');
      assert.match(page.body, /<select id="digest" name="digest">/);
      assert.equal((await annAgent.post('/notifications/settings', { autowatch: '1', digest: 'hourly' }, '/notifications')).statusCode, 400);
      assert.equal((await annAgent.post('/notifications/settings', { autowatch: '1', digest: 'daily' }, '/notifications')).statusCode, 303);
      assert.equal(await digestOf(database.db, ann.id), 'daily');
      assert.match((await annAgent.get('/notifications')).body, /<option value="daily" selected>/);
    });

    test('what is new in what one watches and popular topics; nothing unseen-able, own, read or hidden; censored; text and HTML; once per period', async () => {
      const db = database.db;
      const own = await createTopic(db, ann, { boardSlug: 'help', kind: 'question', title: 'Modem drops the line', body: 'Every evening.' });
      await createReply(db, bob, { topicId: own.id, body: 'Same here, the darn modem drops at 8 pm.' });
      await createReply(db, ann, { topicId: own.id, body: 'My own reply is not news to me.' });
      await setWatch(db, ann, 'board', (await db.selectFrom('boards').select('id').where('slug', '=', 'news').executeTakeFirstOrThrow()).id, 'watching');
      await createTopic(db, bob, { boardSlug: 'news', kind: 'discussion', title: 'Fibre arrives in Zwolle', body: 'Digging starts next week.' });
      // Popular, not watched: the busiest topic of the period in a board ann may read.
      const busy = await createTopic(db, bob, { boardSlug: 'help', kind: 'discussion', title: 'Best router settings thread', body: 'Share yours.' });
      for (let i = 0; i < 3; i++) await createReply(db, staff, { topicId: busy.id, body: `Setting ${i}.` });
      // Invisible or gone for ann: a staff board, a deleted topic, a hidden post, a topic she read.
      const secretT = await createTopic(db, staff, { boardSlug: 'staff-room', kind: 'discussion', title: 'Staff only outage plan', body: 'Confidential.' });
      for (let i = 0; i < 5; i++) await createReply(db, staff, { topicId: secretT.id, body: `Staff ${i}.` });
      const gone = await createTopic(db, bob, { boardSlug: 'news', kind: 'discussion', title: 'Deleted announcement', body: 'Oops.' });
      await deletePost(db, bob, gone.postId);
      const hiddenReply = await createReply(db, bob, { topicId: own.id, body: 'Spam link hidden by moderators.' });
      await db.updateTable('posts').set({ hidden_at: new Date().toISOString() }).where('id', '=', hiddenReply.id).execute();
      const readT = await createTopic(db, bob, { boardSlug: 'news', kind: 'discussion', title: 'Already read news', body: 'Seen in the app.' });
      await recordRead(db, ann, readT.id, 1);
      // A censor word, applied on display.
      await db.insertInto('watched_words').values({ pattern: 'darn', is_regex: 0, action: 'censor', created_by: staff.id, created_at: new Date().toISOString() }).execute();
      watchedWordsChanged();

      const now = Date.now() + 1000;
      const seen = smtp.messages.length;
      // Two sweeps at once (two servers): one digest.
      const [a, b] = await Promise.all([sendDigests(db, app.mailer, opts(), now), sendDigests(db, app.mailer, opts(), now)]);
      assert.equal(a.sent + b.sent, 1);
      const deadline = Date.now() + 3000;
      while (digestsTo(seen).length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const mails = digestsTo(seen);
      assert.equal(mails.length, 1);
      const mail = mails[0]!;
      assert.equal(mail.subject, 'Your daily digest from Parley');
      const text = mail.text!;
      assert.match(text, /In what you watch/);
      assert.match(text, new RegExp(`Modem drops the line \\(Help, 1 new post\\)\\n  Same here, the ■■■■ modem drops at 8 pm\\.\\n  http://community\\.test/t/modem-drops-the-line/${own.id}#post-2`));
      assert.match(text, /Fibre arrives in Zwolle \(News, new topic\)/);
      assert.match(text, /Popular topics\n\n\* Best router settings thread \(Help, 4 new posts\)/);
      for (const never of ['Staff only', 'Confidential', 'Deleted announcement', 'Spam link hidden', 'Already read news', 'My own reply', 'darn']) {
        assert.ok(!text.includes(never) && !String(mail.html).includes(never), `the digest must not contain "${never}"`);
      }
      assert.ok(String(mail.html).includes('<h2>In what you watch</h2>') && String(mail.html).includes('■■■■ modem'));
      const header = (name: string) => mail.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, '').replace(/\r?\n\s+/g, '') ?? '';
      assert.match(header('list-unsubscribe'), /^<http:\/\/community\.test\/notifications\/unsubscribe\?u=\d+&k=digest&e=\d+&s=[\w-]+>$/);
      assert.equal(header('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');

      // The same period again, after a restart: nothing. The next day: only what is new since.
      assert.deepEqual(await sendDigests(db, app.mailer, opts(), now + 60_000), { sent: 0, empty: 0, failed: 0 });
      const tomorrow = now + 86_400_000;
      assert.deepEqual(await sendDigests(db, app.mailer, opts(), tomorrow), { sent: 0, empty: 1, failed: 0 }, 'nothing new: no e-mail');
    });

    test('a failed SMTP server gives the period back: the next sweep sends it', async () => {
      const db = database.db;
      const at = Date.now() + 3 * 86_400_000;
      const t = await createTopic(db, bob, { boardSlug: 'news', kind: 'discussion', title: 'Outage tonight', body: 'From 1 to 3 am.' });
      await db.updateTable('posts').set({ created_at: new Date(at - 1000).toISOString() }).where('id', '=', t.postId).execute();
      const broken = { send: async () => { throw new Error('SMTP down'); } } as unknown as typeof app.mailer;
      assert.deepEqual(await sendDigests(db, broken, opts(), at), { sent: 0, empty: 0, failed: 1 });
      const seen = smtp.messages.length;
      assert.deepEqual(await sendDigests(db, app.mailer, opts(), at + 60_000), { sent: 1, empty: 0, failed: 0 });
      await smtp.next(seen);
      assert.match(digestsTo(seen)[0]!.text!, /Outage tonight/);
    });

    test('one-click unsubscribe turns the digest off; forged links are refused', async () => {
      const q = unsubscribeQuery(secret, { userId: ann.id, kind: 'digest' });
      assert.match((await app.inject({ url: `/notifications/unsubscribe?${q}` })).body, /The digest of what I watch/);
      const forged = q.replace(`u=${ann.id}`, `u=${bob.id}`);
      assert.equal((await app.inject({ method: 'POST', url: `/notifications/unsubscribe?${forged}` })).statusCode, 400);
      const res = await app.inject({ method: 'POST', url: `/notifications/unsubscribe?${q}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
      assert.equal(res.statusCode, 200);
      assert.equal(await digestOf(database.db, ann.id), 'off');
      assert.deepEqual(await sendDigests(database.db, app.mailer, opts(), Date.now() + 10 * 86_400_000), { sent: 0, empty: 0, failed: 0 });
    });
  });
}
