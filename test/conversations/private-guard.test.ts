// The guard with a private audience (issue 20, point 3), in the app: a member's own customer data
// may go to the team, an employee may send it back to that member, another registered customer's
// data and confidential text are blocked whoever writes them; the live check shows the same; the
// audit log has types and counts, never values; links to records are kept as keyed hashes only.
// Then the hand-over from a public topic and the summary back, over HTTP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { guardSecret } from '../../src/confidentiality/registers.ts';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { addDocument } from '../../src/confidentiality/documents.ts';
import { importCustomers, parseColumns } from '../../src/confidentiality/import-customers.ts';
import { setGuardReloadInterval } from '../../src/confidentiality/registers.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent, csrfToken } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { withCharacters } from '../helpers/html.ts';

const PASSWORD = 'correct horse battery staple';
const HENDRIK = { name: 'Hendrik Wolters', phone: '06 41 27 93 58', email: 'h.wolters@mailbox.example', address: 'Lindengracht 214, 1015 KL Amsterdam', number: 'KL-7391046' };
const ANNELIES = { name: 'Annelies Brouwer', phone: '+31 30 298 4471', email: 'annelies.brouwer@example.org', address: 'Oudegracht 88, 3511 AV Utrecht', number: 'KL-5521870' };
const CSV = ['name,phone,email,address,customer_number', ...[HENDRIK, ANNELIES].map((c) => `${c.name},${c.phone},${c.email},"${c.address}",${c.number}`)].join('\n');
const CONFIDENTIAL = `Retention playbook 2027 (internal). When a customer threatens to cancel, agents may offer the loyalty discount of
thirty percent for twelve months, but only after the second call and never in writing. Churn among fibre customers in the
northern region rose to eleven percent last quarter because the migration of the old copper network ran four months late.`;

for (const kind of testDatabaseKinds()) {
  describe(`the guard in private conversations on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    const as: Record<string, Agent> = {};
    const ids: Record<string, number> = {};
    let conv = '';
    before(async () => {
      setGuardReloadInterval(0);
      database = await kind.open();
      app = await testServer(database);
      const secret = await guardSecret(database.db);
      await importCustomers(database.db, Readable.from([CSV]), { columns: parseColumns('name,phone,email,address,customer_number'), secret, defaultRegion: 'NL' });
      await addDocument(database.db, { fileName: 'retention-playbook.md', text: CONFIDENTIAL, label: 'confidential' });
      await createBoard(database.db, null, { name: 'Billing', slug: 'billing' });
      for (const [name, roles] of [['hendrik', []], ['piet', []], ['erik', ['employee']], ['mona', ['moderator']], ['cm_cora', ['community_manager']]] as const) {
        ids[name] = (await makeUser(database.db, [...roles], name)).id;
        const a = new Agent(app);
        assert.equal((await a.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
        as[name] = a;
      }
    });
    after(async () => {
      setGuardReloadInterval(5000);
      await app.close();
      await database.drop();
    });

    const messages = async () => (await database.db.selectFrom('conversation_messages').select(['id', 'body_markdown']).orderBy('id').execute());

    test('the community team links a member to a customer record: a keyed hash only; unknown values link nothing', async () => {
      const bad = await as.cm_cora!.post('/admin/conversations/links', { username: 'hendrik', field: 'customer_number', value: 'KL-0000001' }, '/admin/conversations');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /No registered customer has this value/);
      assert.equal((await as.erik!.post('/admin/conversations/links', { username: 'hendrik', field: 'customer_number', value: HENDRIK.number }, '/messages/new')).statusCode, 403);
      assert.equal((await database.db.selectFrom('customer_links').selectAll().execute()).length, 0);
      const ok = await as.cm_cora!.post('/admin/conversations/links', { username: 'hendrik', field: 'customer_number', value: HENDRIK.number }, '/admin/conversations');
      assert.equal(ok.statusCode, 303);
      assert.match((await as.cm_cora!.follow(ok)).body, /role="status">Linked to 1 customer record/);
      const rows = await database.db.selectFrom('customer_links').selectAll().execute();
      // One keyed hash per form the register keeps of the value (the number, and its digits alone).
      assert.ok(rows.length >= 1);
      for (const r of rows) assert.match(r.value_hash, /^[0-9a-f]{16}$/);
      assert.ok(!JSON.stringify(rows).includes('7391046'));
    });

    test('a member gives the team their own customer data: allowed', async () => {
      const res = await as.hendrik!.post('/messages', { to: 'erik', subject: 'My account', body: `My customer number is ${HENDRIK.number} and you can call me on ${HENDRIK.phone}.` }, '/messages/new');
      assert.equal(res.statusCode, 303, res.body.slice(0, 400));
      conv = res.headers.location as string;
    });

    test("the employee sends that member's own data back to them: allowed", async () => {
      const res = await as.erik!.post(conv, { body: `Thanks ${HENDRIK.name}, I found ${HENDRIK.number} registered at ${HENDRIK.address}.` }, conv);
      assert.equal(res.statusCode, 303, res.body.slice(0, 600));
      assert.match((await as.hendrik!.get(conv)).body, /Lindengracht 214/);
    });

    test("another registered customer's data is blocked (422) with findings, no values, nothing stored", async () => {
      const before = (await messages()).length;
      for (const body of [`The other account ${ANNELIES.number} had the same problem.`, `Annelies can be reached at ${ANNELIES.email}.`]) {
        const res = await as.erik!.post(conv, { body }, conv);
        assert.equal(res.statusCode, 422, body);
        assert.match(res.body, /customer record of someone who is not in this conversation|cannot be sent/);
        assert.match(res.body, /<mark title="[^"]*who is not in this conversation/);
      }
      // A member (not linked to that record) cannot pass it on either.
      const piet = await as.piet!.post('/messages', { to: 'erik', subject: 'Neighbour', body: `My neighbour's number is ${HENDRIK.number}.` }, '/messages/new');
      assert.equal(piet.statusCode, 422);
      assert.equal((await messages()).length, before);
      assert.equal((await database.db.selectFrom('conversations').select('id').where('created_by', '=', ids.piet!).execute()).length, 0);
    });

    test('confidential documents stay blocked in private', async () => {
      const res = await as.erik!.post(conv, { body: `FYI: ${CONFIDENTIAL}` }, conv);
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /confidential document/);
      const hendrik = await as.hendrik!.post(conv, { body: CONFIDENTIAL }, conv);
      assert.equal(hendrik.statusCode, 422, 'whoever writes it');
    });

    test('text attachments: guarded with the message, listed, downloaded only by those who read the conversation', async () => {
      const before = (await messages()).length;
      const ok = await as.hendrik!.postMultipart(conv, { body: 'My last bill, as text.' }, [{ name: 'bill.txt', content: `Customer ${HENDRIK.number}\nTotal due: 42.10` }], conv);
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 500));
      const page = await as.erik!.get(conv);
      const link = /href="(\/messages\/\d+\/attachments\/\d+)">bill\.txt<\/a>/.exec(page.body);
      assert.ok(link, 'the attachment is listed');
      const file = await as.erik!.get(link[1]!);
      assert.equal(file.statusCode, 200);
      assert.match(file.headers['content-type'] as string, /^text\/plain/);
      assert.match(file.body, /Total due: 42\.10/);
      assert.equal((await as.piet!.get(link[1]!)).statusCode, 404);
      assert.equal((await as.mona!.get(link[1]!)).statusCode, 404, 'staff too');
      assert.equal((await app.inject({ url: link[1]! })).statusCode, 401);
      // Another customer's data in a file: refused with the file named, nothing stored.
      const leak = await as.erik!.postMultipart(conv, { body: 'See the attached list.' }, [{ name: 'others.txt', content: `Also affected: ${ANNELIES.number}` }], conv);
      assert.equal(leak.statusCode, 422);
      assert.match(leak.body, /others\.txt/);
      const binary = await as.erik!.postMultipart(conv, { body: 'A picture' }, [{ name: 'photo.txt', content: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]) }], conv);
      assert.equal(binary.statusCode, 415);
      assert.equal((await messages()).length, before + 1);
      assert.equal((await database.db.selectFrom('conversation_attachments').select('filename').execute()).map((a) => a.filename).join(), 'bill.txt');
    });

    test('the live check gives the same decisions, with positions and no values; the audit has types and counts only', async () => {
      const page = await as.erik!.get(conv);
      const csrf = csrfToken(page.body);
      const id = conv.split('/').pop()!;
      assert.match(page.body, /data-check="\/messages\/check" data-check-fields="conversation"/);
      const body = `Yours: ${HENDRIK.number}. Not yours: ${ANNELIES.number}.`;
      const res = await app.inject({ method: 'POST', url: '/messages/check', headers: { cookie: [...as.erik!.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': csrf, 'content-type': 'application/json' }, payload: { body, conversation: id } });
      assert.equal(res.statusCode, 200, res.body);
      const r = res.json() as { action: string; findings: Array<{ type: string; start: number; end: number; action: string }> };
      assert.equal(r.action, 'block');
      const own = r.findings.find((f) => f.type === 'customer_record' && body.slice(f.start, f.end) === HENDRIK.number);
      const other = r.findings.find((f) => f.type === 'customer_record' && body.slice(f.start, f.end) === ANNELIES.number);
      assert.equal(own?.action, 'allow');
      assert.equal(other?.action, 'block');
      assert.ok(!res.body.includes('7391046') && !res.body.includes('5521870'), 'no values in the answer');
      // The check of a conversation one is not in: 404.
      const eve = await app.inject({ method: 'POST', url: '/messages/check', headers: { cookie: [...as.piet!.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': csrfToken((await as.piet!.get('/messages/new')).body), 'content-type': 'application/json' }, payload: { body, conversation: id } });
      assert.equal(eve.statusCode, 404);
      const audit = await database.db.selectFrom('guard_decisions').selectAll().where('target', 'like', 'conversation%').execute();
      assert.ok(audit.some((a) => a.where === 'message' && a.decision === 'block (private)'));
      assert.ok(audit.some((a) => a.where === 'message' && a.decision === 'allow (private)' && a.finding_types.includes('customer_record')));
      const all = JSON.stringify(audit);
      for (const v of ['7391046', '5521870', 'Wolters', 'Brouwer', 'Lindengracht', 'loyalty discount']) assert.ok(!all.includes(v), `audit carries "${v}"`);
    });

    test('continue in private: employees and the team only; the thread gets a notice without detail; the summary back is guarded and can solve the question', async () => {
      const t = await createTopic(database.db, { id: ids.hendrik!, roles: new Set(['member']) }, { boardSlug: 'billing', kind: 'question', title: 'Charged twice for March', body: 'My bill shows two charges.' });
      const topicUrl = `/t/${t.slug}/${t.id}`;
      assert.match((await as.erik!.get(topicUrl)).body, /Continue in private/);
      assert.doesNotMatch((await as.piet!.get(topicUrl)).body, /Continue in private/);
      assert.doesNotMatch((await as.hendrik!.get(topicUrl)).body, /Continue in private/, 'not with oneself');
      assert.equal((await as.piet!.get(`/t/${t.id}/private`)).statusCode, 403);
      assert.equal((await as.piet!.post(`/t/${t.id}/private`, { body: 'hi' }, topicUrl)).statusCode, 403);
      assert.equal((await as.hendrik!.get(`/t/${t.id}/private`)).statusCode, 403, 'a member, even the author');
      assert.equal((await as.erik!.get('/t/999999/private')).statusCode, 404);
      const own = await createTopic(database.db, { id: ids.erik!, roles: new Set(['member', 'employee']) }, { boardSlug: 'billing', kind: 'discussion', title: 'Planned maintenance tonight', body: 'Short outage expected.' });
      const ownPage = await as.erik!.get(`/t/${own.slug}/${own.id}`);
      assert.doesNotMatch(ownPage.body, /Continue in private/, 'not with oneself');
      assert.equal((await as.erik!.get(`/t/${own.id}/private`)).statusCode, 400);
      const started = await as.erik!.post(`/t/${t.id}/private`, { subject: '', body: `Could you send me your customer number?` }, `/t/${t.id}/private`);
      assert.equal(started.statusCode, 303);
      const url = started.headers.location as string;
      const page = await as.hendrik!.get(url);
      assert.match(page.body, /Continued from the public topic <a href="\/t\/[^"]+">Charged twice for March<\/a>/);
      assert.match(withCharacters(page.body), /About “Charged twice for March”/);
      const thread = await app.inject({ url: topicUrl });
      assert.match(thread.body, /erik continued this in a private conversation\./);
      assert.doesNotMatch(thread.body, /customer number|\/messages\//, 'no detail, no link');
      assert.equal((await as.hendrik!.post(url, { body: `Sure: ${HENDRIK.number}` }, url)).statusCode, 303);
      // Only the one who continued it may post the summary; it passes the public guard.
      assert.doesNotMatch(page.body, /Post a public summary/);
      assert.equal((await as.hendrik!.post(`${url}/summary`, { body: 'Solved.' }, url)).statusCode, 403);
      const leak = await as.erik!.post(`${url}/summary`, { body: `Refunded the double charge on ${HENDRIK.number}.` }, url);
      assert.equal(leak.statusCode, 422, 'the public guard stops the account number');
      assert.doesNotMatch((await app.inject({ url: topicUrl })).body, /Refunded the double charge/);
      const ok = await as.erik!.post(`${url}/summary`, { body: 'We found a duplicate charge and refunded it; it shows on the next bill.' }, url);
      assert.equal(ok.statusCode, 303);
      assert.match((await app.inject({ url: topicUrl })).body, /refunded it; it shows on the next bill/);
      assert.equal((await as.erik!.post(`${url}/summary`, { body: 'Again' }, url)).statusCode, 409);
      // The asker marks it as the answer from the conversation; an employee cannot.
      assert.equal((await as.erik!.post(`${url}/accept-summary`, {}, url)).statusCode, 403);
      const hp = await as.hendrik!.get(url);
      assert.match(hp.body, /Mark the public summary as the answer/);
      assert.equal((await as.hendrik!.post(`${url}/accept-summary`, {}, url)).statusCode, 303);
      const solved = await app.inject({ url: topicUrl });
      assert.match(solved.body, /class="solved">Solved/);
      assert.match(solved.body, /refunded it; it shows on the next bill/);
    });
  });
}
