// Issue 13, points 1–3 and 9: reporting posts, the one review queue (reports and every kind of
// held draft, forms and API alike), claims and concurrent decisions, "Review (N)" and the staff
// menu, and the staff action log — over HTTP on each database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { saveGuardPolicy } from '../../src/confidentiality/settings.ts';
import { invalidateGuardContext } from '../../src/confidentiality/registers.ts';
import { remindWaitingReviews } from '../../src/moderation/remind-waiting.ts';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { changeRole } from '../../src/accounts/change-role.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { sendNotificationEmails } from '../../src/notifications/send-notification-emails.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import type { Role } from '../../src/db/schema.ts';
import { withCharacters } from '../helpers/html.ts';

const PASSWORD = 'correct horse battery staple';
const IBAN = 'NL91ABNA0417164300';

for (const kind of testDatabaseKinds()) {
  describe(`reports and the review queue on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let smtp: TestSmtp;
    let topicId: number;
    let topicUrl: string;
    let replyId: number;
    let ownPostId: number;
    const as: Record<string, Agent> = {};
    const ids: Record<string, number> = {};
    before(async () => {
      database = await kind.open();
      smtp = await startSmtp();
      app = await testServer(database, { SMTP_URL: smtp.url, PUBLIC_URL: 'http://community.test', REPORTS_TO_HIDE: '2' });
      await createBoard(database.db, null, { name: 'Billing', slug: 'billing' });
      const people: [string, Role[]][] = [
        ['author_ann', []], ['rep_rob', []], ['rep_rita', []], ['newbie_ned', []], ['emp_eva', ['employee']],
        ['mod_max', ['moderator']], ['mod_mia', ['moderator']], ['cm_cora', ['community_manager']],
      ];
      for (const [name, roles] of people) {
        const u = await makeUser(database.db, roles, name);
        ids[name] = u.id;
        const a = new Agent(app);
        assert.equal((await a.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
        as[name] = a;
      }
      // rob and rita are trusted: accounts a month old with enough posts; ned is brand new.
      await database.db.updateTable('users').set({ created_at: new Date(Date.now() - 30 * 86_400_000).toISOString(), post_count: 10 }).where('username', 'in', ['rep_rob', 'rep_rita']).execute();
      const ann = { id: ids.author_ann!, roles: new Set<Role>(['member']) };
      const t = await createTopic(database.db, ann, { boardSlug: 'billing', kind: 'discussion', title: 'The new invoice layout', body: 'I find the new layout confusing.' });
      topicId = t.id;
      topicUrl = `/t/${t.slug}/${t.id}`;
      ownPostId = t.postId;
      replyId = (await createReply(database.db, ann, { topicId, body: 'Buy cheap watches at spam-shop dot example' })).id;
    });
    after(async () => {
      await app.close();
      await smtp.close();
      await database.drop();
    });

    test('every post of someone else has a Report link (a plain page, no script); not one\'s own, not for visitors', async () => {
      const page = await as.rep_rob!.get(topicUrl);
      assert.match(page.body, new RegExp(`href="/p/${replyId}/report"[^>]*>Report</a>`));
      assert.doesNotMatch((await as.author_ann!.get(topicUrl)).body, /\/report"/, 'no Report on one\'s own posts');
      assert.doesNotMatch((await app.inject({ url: topicUrl })).body, /\/report"/, 'visitors sign in first');
      const form = await as.rep_rob!.get(`/p/${replyId}/report`);
      assert.equal(form.statusCode, 200);
      for (const label of ['Off-topic', 'Inappropriate', 'Spam', 'Personal data', 'Something else']) assert.ok(form.body.includes(label), label);
      assert.match(form.body, /<form method="post" action="\/p\/\d+\/report">/);
      assert.equal((await app.inject({ url: `/p/${replyId}/report` })).statusCode, 401);
      assert.equal((await as.author_ann!.get(`/p/${ownPostId}/report`)).statusCode, 403);
    });

    test('bad reports are refused with a clear message and write nothing', async () => {
      const count = async () => Number((await database.db.selectFrom('post_reports').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const url = `/p/${replyId}/report`;
      assert.equal((await as.rep_rob!.post(url, { reason: '' }, url)).statusCode, 400);
      assert.equal((await as.rep_rob!.post(url, { reason: 'because' }, url)).statusCode, 400);
      const other = await as.rep_rob!.post(url, { reason: 'other', detail: '' }, url);
      assert.equal(other.statusCode, 400);
      assert.match(other.body, /a few words are needed/);
      assert.equal((await as.rep_rob!.post(url, { reason: 'spam', detail: 'x'.repeat(1001) }, url)).statusCode, 400);
      const own = await as.author_ann!.post(`/p/${ownPostId}/report`, { reason: 'spam' }, topicUrl);
      assert.equal(own.statusCode, 403);
      assert.match(own.body, /cannot report your own post/);
      assert.equal((await as.rep_rob!.post('/p/999999/report', { reason: 'spam' }, topicUrl)).statusCode, 404);
      assert.equal(await count(), 0);
    });

    test('a report queues the post; a duplicate is 409; enough trusted reports hide it from page, API and feed until reviewed', async () => {
      const url = `/p/${replyId}/report`;
      const first = await as.rep_rob!.post(url, { reason: 'spam', detail: 'Advertising' }, url);
      assert.equal(first.statusCode, 200);
      assert.match(first.body, /Thank you for the report/);
      const dup = await as.rep_rob!.post(url, { reason: 'spam' }, topicUrl);
      assert.equal(dup.statusCode, 409);
      assert.match(dup.body, /already reported this post/);
      // A new member's report counts, but does not hide the post.
      assert.equal((await as.newbie_ned!.post(url, { reason: 'inappropriate' }, url)).statusCode, 200);
      assert.match((await app.inject({ url: topicUrl })).body, /spam-shop/);
      const items = await database.db.selectFrom('review_items').selectAll().where('kind', '=', 'post').execute();
      assert.equal(items.length, 1, 'one item per reported post');
      // The second trusted report reaches REPORTS_TO_HIDE=2.
      assert.equal((await as.rep_rita!.post(url, { reason: 'spam' }, url)).statusCode, 200);
      const visitor = await app.inject({ url: topicUrl });
      assert.doesNotMatch(visitor.body, /spam-shop/);
      assert.match(visitor.body, /hidden while the moderators review it/);
      assert.doesNotMatch((await as.emp_eva!.get(topicUrl)).body, /spam-shop/);
      assert.match((await as.author_ann!.get(topicUrl)).body, /spam-shop/, 'the author still sees it');
      assert.match((await as.mod_max!.get(topicUrl)).body, /spam-shop/, 'and moderators');
      const api = await app.inject({ url: `/api/v1/topics/${topicId}` });
      const post = api.json().posts.find((p: { id: number }) => p.id === replyId);
      assert.equal(post.bodyHtml, null);
      assert.equal(post.hidden, true);
      assert.doesNotMatch(api.body, /spam-shop/);
      const log = await database.db.selectFrom('staff_actions').selectAll().where('target', '=', `post:${replyId}`).execute();
      assert.equal(log[0]!.action, 'post.hide');
    });

    test('staff see "Review (N)" and a staff menu for what their role may open; members see neither', async () => {
      const mod = (await as.mod_max!.get('/')).body;
      const n = Number((await database.db.selectFrom('review_items').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'open').executeTakeFirstOrThrow()).n);
      assert.match(mod, new RegExp(`href="/moderation/queue">Review \\(${n}\\)</a>`));
      assert.doesNotMatch(mod, /href="\/admin\/guard"/, 'a moderator does not manage the guard');
      const cm = (await as.cm_cora!.get('/')).body;
      for (const href of ['/moderation/queue', '/admin/guard', '/admin/guard/documents', '/admin/guard/audit', '/moderation/log']) assert.ok(cm.includes(`href="${href}"`), href);
      assert.doesNotMatch((await as.emp_eva!.get('/')).body, /Review \(/);
      assert.doesNotMatch((await app.inject({ url: '/' })).body, /Review \(/);
    });

    test('the queue says why; a claim shows who; a non-moderator can neither see nor act (403) and changes nothing', async () => {
      const queue = await as.mod_max!.get('/moderation/queue');
      assert.match(queue.body, /Reported by members/);
      assert.match(queue.body, /3 reports: Spam, Inappropriate/);
      const item = await database.db.selectFrom('review_items').select('id').where('kind', '=', 'post').executeTakeFirstOrThrow();
      assert.equal((await as.emp_eva!.get('/moderation/queue')).statusCode, 403);
      assert.equal((await as.emp_eva!.get(`/moderation/items/${item.id}`)).statusCode, 403);
      const forged = await as.emp_eva!.post(`/moderation/items/${item.id}`, { decision: 'delete', reason: 'x' }, topicUrl);
      assert.equal(forged.statusCode, 403);
      assert.equal((await as.emp_eva!.post(`/moderation/items/${item.id}/claim`, {}, topicUrl)).statusCode, 403);
      assert.equal((await database.db.selectFrom('review_items').select(['status', 'claimed_by']).where('id', '=', item.id).executeTakeFirstOrThrow()).status, 'open');
      assert.equal((await as.mod_max!.post(`/moderation/items/${item.id}/claim`, {}, '/moderation/queue')).statusCode, 303);
      assert.match((await as.mod_mia!.get('/moderation/queue')).body, /by mod max/);
      const stolen = await as.mod_mia!.post(`/moderation/items/${item.id}/claim`, {}, '/moderation/queue');
      assert.equal(stolen.statusCode, 409);
      assert.match(stolen.body, /mod max has already claimed/);
      const page = await as.mod_max!.get(`/moderation/items/${item.id}`);
      assert.match(page.body, /Advertising/);
      assert.match(page.body, /spam-shop/);
    });

    test('hide and delete need a reason; two moderators at once: one wins, the other is told; reporters and author hear the outcome', async () => {
      const item = await database.db.selectFrom('review_items').select('id').where('kind', '=', 'post').executeTakeFirstOrThrow();
      const url = `/moderation/items/${item.id}`;
      const noReason = await as.mod_max!.post(url, { decision: 'delete', reason: '' }, url);
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.body, /Give the author a reason/);
      assert.equal((await as.mod_max!.post(url, { decision: 'hide', reason: 'x'.repeat(1001) }, url)).statusCode, 400);
      assert.equal((await as.mod_max!.post(url, { decision: 'vanish', reason: 'x' }, url)).statusCode, 400);
      const seen = smtp.messages.length;
      const tokenA = /name="_csrf" value="([^"]+)"/.exec((await as.mod_max!.get(url)).body)![1]!;
      const tokenB = /name="_csrf" value="([^"]+)"/.exec((await as.mod_mia!.get(url)).body)![1]!;
      const [a, b] = await Promise.all([
        as.mod_max!.post(url, { decision: 'delete', reason: 'Advertising is not allowed here.', _csrf: tokenA }),
        as.mod_mia!.post(url, { decision: 'keep', reason: '', _csrf: tokenB }),
      ]);
      const codes = [a.statusCode, b.statusCode].sort();
      assert.deepEqual(codes, [303, 409]);
      const loser = a.statusCode === 409 ? a : b;
      assert.match(loser.body, /already decided this item/);
      const done = await database.db.selectFrom('review_items').select(['status', 'decision']).where('id', '=', item.id).executeTakeFirstOrThrow();
      assert.equal(done.status, 'done');
      const post = await database.db.selectFrom('posts').select(['deleted_at', 'hidden_at']).where('id', '=', replyId).executeTakeFirstOrThrow();
      if (done.decision === 'delete') assert.ok(post.deleted_at);
      else assert.equal(post.hidden_at, null, 'kept: shown again');
      // Three reporters are told, by e-mail; on delete the author is told why.
      await sendNotificationEmails(database.db, app.mailer, { siteUrl: 'http://community.test', siteName: 'Parley', secret: 'test', delayMs: 0 });
      await smtp.next(seen);
      const deadline = Date.now() + 5000;
      const wanted = done.decision === 'delete' ? 4 : 3;
      while (smtp.messages.length < seen + wanted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const mails = smtp.messages.slice(seen);
      assert.equal(mails.filter((m) => m.subject === 'The post you reported: decided: “The new invoice layout”').length, 3);
      if (done.decision === 'delete') assert.match(mails.find((m) => /A moderator acted on your post/.test(m.subject ?? ''))!.text!, /Advertising is not allowed here/);
      const reports = await database.db.selectFrom('post_reports').select('outcome').where('post_id', '=', replyId).execute();
      assert.ok(reports.every((r) => r.outcome === done.decision));
    });

    test('a guard "hold" queues the draft on the form and the API path alike (not a refusal), and the queue says why', async () => {
      await saveGuardPolicy(database.db, { rules: { member: { iban: 'hold' } } });
      invalidateGuardContext(database.db);
      const form = await as.rep_rob!.post(`/t/${topicId}/replies`, { body: `Please refund to ${IBAN} today.` }, topicUrl);
      assert.equal(form.statusCode, 202);
      assert.match(form.body, /confidentiality guard asks the community team to review/);
      const { token } = await createApiToken(database.db, { id: ids.rep_rita!, roles: new Set<Role>(['member']) }, { name: 'script' });
      const api = await app.inject({ method: 'POST', url: `/api/v1/topics/${topicId}/replies`, headers: { authorization: `Bearer ${token}` }, payload: { body: `My account is ${IBAN}, refund there.` } });
      assert.equal(api.statusCode, 202);
      assert.equal(api.json().held.reason, 'guard');
      const topicApi = await app.inject({ method: 'POST', url: '/api/v1/boards/billing/topics', headers: { authorization: `Bearer ${token}` }, payload: { kind: 'question', title: 'Refund to my account', body: `Refund to ${IBAN}?` } });
      assert.equal(topicApi.statusCode, 202);
      assert.doesNotMatch((await app.inject({ url: topicUrl })).body, new RegExp(IBAN));
      const held = await database.db.selectFrom('held_drafts').select(['id', 'reason']).where('reason', '=', 'guard').execute();
      assert.equal(held.length, 3);
      const items = await database.db.selectFrom('review_items').select(['subject_id', 'reason', 'findings']).where('kind', '=', 'draft').where('status', '=', 'open').execute();
      assert.equal(items.filter((i) => i.reason === 'guard').length, 3);
      assert.ok(items.every((i) => !i.findings.includes(IBAN)), 'findings carry no values');
      const queue = await as.mod_max!.get('/moderation/queue');
      assert.match(queue.body, /Held by the confidentiality guard/);
      assert.match(queue.body, /Findings: iban/);
    });

    test('approving a draft with findings: masked is the primary action; unmasked needs a confirmation', async () => {
      const held = await database.db.selectFrom('held_drafts').select('id').where('reason', '=', 'guard').where('kind', '=', 'reply').orderBy('id').execute();
      const page = await as.mod_max!.get(`/moderation/held/${held[0]!.id}`);
      assert.match(page.body, /<button type="submit" name="decision" value="approve-masked">Approve with the findings masked<\/button>/);
      assert.match(page.body, /<mark title="[^"]+">NL91ABNA0417164300<\/mark>/, 'findings highlighted');
      const url = `/moderation/held/${held[0]!.id}`;
      const unconfirmed = await as.mod_max!.post(url, { decision: 'approve' }, url);
      assert.equal(unconfirmed.statusCode, 409);
      assert.match(unconfirmed.body, /confirm that they may be published as written/);
      const masked = await as.mod_max!.post(url, { decision: 'approve-masked' }, url);
      assert.equal(masked.statusCode, 303);
      const body = (await app.inject({ url: topicUrl })).body;
      assert.match(body, /Please refund to \[[^\]]+\] today/);
      assert.doesNotMatch(body, new RegExp(IBAN));
      const url2 = `/moderation/held/${held[1]!.id}`;
      assert.equal((await as.mod_mia!.post(url2, { decision: 'approve', confirm_unmasked: '1' }, url2)).statusCode, 303);
      assert.match((await app.inject({ url: topicUrl })).body, new RegExp(`My account is ${IBAN}`));
      const again = await as.mod_max!.post(url2, { decision: 'reject' }, url);
      assert.equal(again.statusCode, 409);
      await saveGuardPolicy(database.db, {});
      invalidateGuardContext(database.db);
    });

    test('the community team is e-mailed once about items waiting longer than the setting', async () => {
      const open = Number((await database.db.selectFrom('review_items').select((eb) => eb.fn.countAll().as('n')).where('status', '=', 'open').executeTakeFirstOrThrow()).n);
      assert.ok(open > 0);
      assert.equal(await remindWaitingReviews(database.db, app.mailer, 'http://community.test', 60), 0, 'nothing has waited an hour yet');
      const seen = smtp.messages.length;
      assert.equal(await remindWaitingReviews(database.db, app.mailer, 'http://community.test', 60, Date.now() + 61 * 60_000), open);
      await smtp.next(seen);
      const deadline = Date.now() + 5000;
      while (smtp.messages.length < seen + 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const mails = smtp.messages.slice(seen);
      assert.deepEqual(mails.map((m) => (m.to as { text: string }).text).sort(), ['cm_cora@example.com', 'mod_max@example.com', 'mod_mia@example.com']);
      assert.match(mails[0]!.subject!, /waiting longer than 60 minutes/);
      assert.match(mails[0]!.text!, /http:\/\/community\.test\/moderation\/items\/\d+/);
      assert.equal(await remindWaitingReviews(database.db, app.mailer, 'http://community.test', 60, Date.now() + 120 * 60_000), 0, 'each item once');
    });

    test('the staff action log: community managers only; searchable; CSV export', async () => {
      assert.equal((await as.mod_max!.get('/moderation/log')).statusCode, 403);
      assert.equal((await as.emp_eva!.get('/moderation/log.csv')).statusCode, 403);
      assert.equal((await app.inject({ url: '/moderation/log' })).statusCode, 401);
      const all = await as.cm_cora!.get('/moderation/log');
      assert.equal(all.statusCode, 200);
      assert.match(all.body, /<td data-action="post\.hide">Hid a post</);
      assert.match(all.body, /data-action="draft\.approve-masked">Approved a held draft with its values masked</);
      const onlyClaims = await as.cm_cora!.get('/moderation/log?action=review.claim');
      assert.match(onlyClaims.body, /review\.claim/);
      assert.doesNotMatch(onlyClaims.body, /draft\.approve-masked/);
      assert.match((await as.cm_cora!.get('/moderation/log?actor=mod_max&action=draft.approve-masked')).body, /draft\.approve-masked/);
      assert.doesNotMatch((await as.cm_cora!.get('/moderation/log?actor=mod_mia&action=draft.approve-masked')).body, /data-action="draft\.approve-masked"/);
      assert.equal((await as.cm_cora!.get('/moderation/log?from=yesterday')).statusCode, 400);
      const today = new Date().toISOString().slice(0, 10);
      assert.match((await as.cm_cora!.get(`/moderation/log?from=${today}&to=${today}`)).body, /post\.hide/);
      assert.doesNotMatch((await as.cm_cora!.get('/moderation/log?to=2000-01-01')).body, /data-action="post\.hide"/);
      // Role changes and views of private data are in the same log.
      await changeRole(database.db, { userId: ids.newbie_ned!, role: 'employee', action: 'grant', actorId: ids.cm_cora!, reason: 'joined the company' });
      assert.equal((await as.cm_cora!.get('/u/newbie_ned/private')).statusCode, 200);
      const people = (await as.cm_cora!.get(`/moderation/log?target=user:${ids.newbie_ned}`)).body;
      assert.match(people, /<td data-action="role\.grant">Granted a role<\/td><td data-target="user:\d+"><a href="\/u\/newbie_ned">[^<(]+<\/a><\/td><td>joined the company<div class="meta">employee <\/div>/);
      assert.match(withCharacters(people), /<td data-action="user\.view_private">Viewed a member’s private details<\/td>/);
      const csv = await as.cm_cora!.get('/moderation/log.csv?action=review.claim');
      assert.equal(csv.statusCode, 200);
      assert.match(csv.headers['content-type'] as string, /^text\/csv/);
      const lines = csv.body.trim().split('\r\n');
      assert.equal(lines[0], 'id,at,actor,action,target,reason,detail');
      assert.ok(lines.length >= 2 && lines.slice(1).every((l) => l.includes(',review.claim,')));
    });

    test('the API reports the same way: 201, then 409; bad reason 400; own post 403', async () => {
      const { token } = await createApiToken(database.db, { id: ids.emp_eva!, roles: new Set<Role>(['member', 'employee']) }, { name: 'reports' });
      const call = (postId: number, payload: object) => app.inject({ method: 'POST', url: `/api/v1/posts/${postId}/reports`, headers: { authorization: `Bearer ${token}` }, payload });
      assert.equal((await call(ownPostId, { reason: 'nonsense' })).statusCode, 400);
      const first = await call(ownPostId, { reason: 'off_topic' });
      assert.equal(first.statusCode, 201);
      assert.equal(first.json().hidden, false);
      assert.equal((await call(ownPostId, { reason: 'spam' })).statusCode, 409);
      const { token: annToken } = await createApiToken(database.db, { id: ids.author_ann!, roles: new Set<Role>(['member']) }, { name: 'own' });
      assert.equal((await app.inject({ method: 'POST', url: `/api/v1/posts/${ownPostId}/reports`, headers: { authorization: `Bearer ${annToken}` }, payload: { reason: 'spam' } })).statusCode, 403);
    });
  });
}
