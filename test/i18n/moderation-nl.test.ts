// Issue 18: a Dutch moderator (their language setting) gets the review queue, a review item and
// the moderation errors and the review reminder e-mail in Dutch; an English one gets them in English.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { reportPost } from '../../src/moderation/report-post.ts';
import { remindWaitingReviews } from '../../src/moderation/remind-waiting.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import type { Role } from '../../src/db/schema.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { Agent } from '../helpers/browserless-agent.ts';

const PASSWORD = 'correct horse battery staple';

for (const kind of testDatabaseKinds()) {
  let database: TestDatabase;
  let smtp: TestSmtp;
  let app: FastifyInstance;
  let itemId: number;
  let replyId: number;
  const as: Record<string, Agent> = {};

  before(async () => {
    database = await kind.open();
    smtp = await startSmtp();
    app = await testServer(database, { SMTP_URL: smtp.url });
    await createBoard(database.db, null, { name: 'Billing', slug: 'billing' });
    const ids: Record<string, number> = {};
    for (const [name, roles] of [['auteur_anna', []], ['melder_mees', []], ['mod_nl', ['moderator']], ['mod_en', ['moderator']], ['cm_nl', ['community_manager']]] as [string, Role[]][]) {
      ids[name] = (await makeUser(database.db, roles, name)).id;
    }
    await database.db.updateTable('users').set({ locale: 'nl' }).where('username', 'in', ['mod_nl', 'melder_mees', 'cm_nl']).execute();
    for (const name of Object.keys(ids)) {
      const a = new Agent(app);
      assert.equal((await a.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
      as[name] = a;
    }
    const anna = { id: ids.auteur_anna!, roles: new Set<Role>(['member']) };
    const t = await createTopic(database.db, anna, { boardSlug: 'billing', kind: 'discussion', title: 'De nieuwe factuur', body: 'Ik vind de nieuwe factuur onduidelijk.' });
    replyId = (await createReply(database.db, anna, { topicId: t.id, body: 'Koop goedkope horloges bij spam-shop' })).id;
    await reportPost(database.db, { id: ids.melder_mees!, roles: new Set<Role>(['member']) }, { postId: replyId, reason: 'spam', hideThreshold: 0 });
    itemId = (await database.db.selectFrom('review_items').select('id').where('kind', '=', 'post').executeTakeFirstOrThrow()).id;
  });
  after(async () => {
    await app?.close();
    await smtp?.close();
    await database?.drop();
  });

  test(`${kind.name}: a Dutch moderator gets the review queue in Dutch`, async () => {
    const page = await as.mod_nl!.get('/moderation/queue');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<html lang="nl"/);
    assert.match(page.body, /<h1>Wachtrij<\/h1>/);
    assert.match(page.body, /Wachtend \(1\)/);
    assert.match(page.body, /Bericht #2 in De nieuwe factuur/);
    assert.match(page.body, /Gemeld door leden/);
    assert.match(page.body, /1 melding: Spam/);
    assert.match(page.body, />Claimen</);
    assert.doesNotMatch(page.body, /Review queue|Reported by members|Nothing is waiting/);
    const english = await as.mod_en!.get('/moderation/queue');
    assert.match(english.body, /<h1>Review queue<\/h1>/);
    assert.match(english.body, /Post #2 in De nieuwe factuur/);
    assert.match(english.body, /Reported by members/);
    assert.match(english.body, /1 report: Spam/);
  });

  test(`${kind.name}: a Dutch moderator gets a review item and its form in Dutch`, async () => {
    const page = await as.mod_nl!.get(`/moderation/items/${itemId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<title>Beoordelen · /);
    assert.match(page.body, /<h2>Besluiten<\/h2>/);
    assert.match(page.body, /Meldingen \(1\)/);
    assert.match(page.body, /Laten staan: het is in orde/);
    assert.match(page.body, />Verbergen</);
    assert.match(page.body, /Dit item claimen/);
  });

  test(`${kind.name}: a moderation error (hiding without a reason) is said in Dutch to a Dutch moderator, in English to an English one`, async () => {
    const nl = await as.mod_nl!.post(`/moderation/items/${itemId}`, { decision: 'hide', reason: '' }, `/moderation/items/${itemId}`);
    assert.equal(nl.statusCode, 400);
    assert.match(nl.body, /role="alert">Geef de auteur een reden: die wordt naar hem of haar gestuurd\.</);
    const en = await as.mod_en!.post(`/moderation/items/${itemId}`, { decision: 'hide', reason: '' }, `/moderation/items/${itemId}`);
    assert.equal(en.statusCode, 400);
    assert.match(en.body, /role="alert">Give the author a reason: it is sent to them\.</);
  });

  test(`${kind.name}: a Dutch member reports in Dutch: the form's reasons, and the error for reporting twice`, async () => {
    const form = await as.melder_mees!.get(`/p/${replyId}/report`);
    assert.equal(form.statusCode, 200);
    for (const label of ['Een bericht melden', 'Off-topic', 'Ongepast', 'Persoonsgegevens', 'Iets anders', 'Melding versturen']) assert.ok(form.body.includes(label), label);
    const again = await as.melder_mees!.post(`/p/${replyId}/report`, { reason: 'spam', detail: '' }, `/p/${replyId}/report`);
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /Je hebt dit bericht al gemeld\./);
  });

  test(`${kind.name}: the review reminder e-mail is in each moderator's language`, async () => {
    const seen = smtp.messages.length;
    assert.equal(await remindWaitingReviews(database.db, app.mailer, 'http://community.test', 60, Date.now() + 61 * 60_000, 'en'), 1);
    const deadline = Date.now() + 5000;
    while (smtp.messages.length < seen + 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const to = (name: string) => smtp.messages.slice(seen).find((m) => (m.to as { text: string }).text === `${name}@example.com`)!;
    assert.equal(to('mod_nl').subject, 'Wachtrij: 1 item wacht langer dan 60 minuten');
    assert.match(to('mod_nl').text!, /^Hallo .*,\n\nDeze items wachten al meer dan 60 minuten in de wachtrij:\n\n- Gemeld door leden, wacht sinds /);
    assert.equal(to('mod_en').subject, 'Review queue: 1 item waiting longer than 60 minutes');
    assert.match(to('mod_en').text!, /- Reported by members, waiting since .*: http:\/\/community\.test\/moderation\/items\/\d+/);
  });

  test(`${kind.name}: a Dutch community manager manages boards in Dutch, errors included`, async () => {
    const page = await as.cm_nl!.get('/admin/boards');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1>Fora beheren<\/h1>/);
    assert.match(page.body, />Alleen leden</);
    const taken = await as.cm_nl!.post('/admin/boards', { name: 'Nog een', slug: 'billing', description: '', visibility: 'public' }, '/admin/boards');
    assert.equal(taken.statusCode, 409);
    assert.match(taken.body, /Er bestaat al een forum met het adres &quot;billing&quot;/);
    const bad = await as.cm_nl!.post('/admin/boards', { name: 'X', slug: '', description: '', visibility: 'public' }, '/admin/boards');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /De naam van een forum moet minstens 2 tekens lang zijn/);
  });
}
