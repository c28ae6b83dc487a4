// Adding people to a conversation (pages and API): who may add whom, the people added read the
// whole conversation and are told by e-mail through real SMTP, the others see who added them,
// and the earlier messages pass the guard again for the new readers: a customer's own data stays
// among the people it was fine for. Bad input is a 4xx that adds nobody.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { guardSecret, setGuardReloadInterval } from '../../src/confidentiality/registers.ts';
import { importCustomers, parseColumns } from '../../src/confidentiality/import-customers.ts';
import { setMembersMayMessage } from '../../src/conversations/settings.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { withCharacters } from '../helpers/html.ts';

const PASSWORD = 'correct horse battery staple';
const HENDRIK = { name: 'Hendrik Wolters', phone: '06 41 27 93 58', email: 'h.wolters@mailbox.example', address: 'Lindengracht 214, 1015 KL Amsterdam', number: 'KL-7391046' };
const CSV = `name,phone,email,address,customer_number\n${HENDRIK.name},${HENDRIK.phone},${HENDRIK.email},"${HENDRIK.address}",${HENDRIK.number}`;

for (const kind of testDatabaseKinds()) {
  describe(`adding people to a conversation on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let smtp: TestSmtp;
    const as: Record<string, Agent> = {};
    const ids: Record<string, number> = {};
    let token = '';
    before(async () => {
      setGuardReloadInterval(0);
      database = await kind.open();
      smtp = await startSmtp();
      app = await testServer(database, { SMTP_URL: smtp.url, PUBLIC_URL: 'http://community.test' });
      const secret = await guardSecret(database.db);
      await importCustomers(database.db, Readable.from([CSV]), { columns: parseColumns('name,phone,email,address,customer_number'), secret, defaultRegion: 'NL' });
      for (const [name, roles] of [['hendrik', []], ['piet', []], ['jan', []], ['erik', ['employee']], ['ria', ['employee']], ['mona', ['moderator']], ['cm_cora', ['community_manager']]] as const) {
        const u = await makeUser(database.db, [...roles], name);
        ids[name] = u.id;
        await database.db.updateTable('users').set({ created_at: '2025-01-01T00:00:00.000Z' }).where('id', '=', u.id).execute();
        const a = new Agent(app);
        assert.equal((await a.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
        as[name] = a;
        if (name === 'erik') token = (await createApiToken(database.db, u, { name: 'test' })).token;
      }
      assert.equal((await as.cm_cora!.post('/admin/conversations/links', { username: 'hendrik', field: 'customer_number', value: HENDRIK.number }, '/admin/conversations')).statusCode, 303);
    });
    after(async () => {
      setGuardReloadInterval(5000);
      await app.close();
      await smtp.close();
      await database.drop();
    });

    const cora = () => ({ id: ids.cm_cora!, roles: new Set(['member', 'community_manager'] as const) });
    const participants = async (conversationId: number) =>
      (await database.db.selectFrom('conversation_participants').select(['user_id', 'left_at', 'added_by']).where('conversation_id', '=', conversationId).orderBy('user_id').execute());
    const start = async (who: string, to: string, subject: string, body: string) => {
      const res = await as[who]!.post('/messages', { to, subject, body }, '/messages/new');
      assert.equal(res.statusCode, 303, res.body.slice(0, 400));
      const url = res.headers.location as string;
      return { url, id: Number(url.split('/').pop()) };
    };

    test('a participant adds two people: they read the whole conversation, are told by e-mail, and the others see who added them', async () => {
      const c = await start('piet', 'erik', 'Router keeps rebooting', 'Every night at 3 the router reboots.');
      assert.equal((await as.erik!.post(c.url, { body: 'Which firmware does it show?' }, c.url)).statusCode, 303);
      assert.equal((await as.jan!.get(c.url)).statusCode, 404, 'not in it yet');
      const mailFrom = smtp.messages.length;
      const res = await as.erik!.post(`${c.url}/people`, { to: '@ria, mona' }, c.url);
      assert.equal(res.statusCode, 303, res.body.slice(0, 400));
      assert.equal(res.headers.location, `${c.url}?done=added`);
      const rows = await participants(c.id);
      assert.deepEqual(rows.filter((r) => r.added_by !== null).map((r) => r.user_id).sort(), [ids.ria!, ids.mona!].sort());
      assert.ok(rows.every((r) => r.added_by === null || r.added_by === ids.erik));
      // The people added find it unread in their inbox, and read it from the first message.
      assert.match((await as.ria!.get('/messages')).body, /Router keeps rebooting/);
      const page = await as.mona!.get(c.url);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Every night at 3 the router reboots/);
      assert.match(page.body, /Which firmware does it show\?/);
      // Where it happened, after the messages written before it.
      const body = (await as.piet!.get(c.url)).body;
      const event = body.indexOf('class="conversation-event');
      assert.ok(event > body.indexOf('Which firmware'), 'the event comes after the earlier messages');
      assert.match(body.slice(event, event + 400), /erik added ria ·[\s\S]*erik added mona ·/);
      // E-mail to each person added, without the conversation's text.
      const told: string[] = [];
      for (let i = mailFrom; told.length < 2; i++) {
        const m = await smtp.next(i);
        if (m.subject === 'You were added to a private conversation: Router keeps rebooting') {
          assert.doesNotMatch(m.text!, /reboots|firmware/);
          assert.match(m.text!, /http:\/\/community\.test\/messages\/\d+/);
          told.push(m.to && 'text' in m.to ? m.to.text : '');
        }
      }
      assert.equal(told.length, 2);
      // Now in it: a reply from someone added reaches the others.
      assert.equal((await as.mona!.post(c.url, { body: 'Firmware 7.2 has this bug.' }, c.url)).statusCode, 303);
    });

    test('who may not add: someone not in it or who left (404), a visitor; bad input adds nobody (4xx with a message)', async () => {
      const c = await start('piet', 'erik', 'Billing question', 'Why is my bill higher this month?');
      const before = await participants(c.id);
      for (const who of ['jan', 'mona', 'cm_cora']) assert.equal((await as[who]!.post(`${c.url}/people`, { to: 'ria' }, '/messages')).statusCode, 404, who);
      assert.equal((await new Agent(app).post(`${c.url}/people`, { to: 'ria' })).statusCode, 403, 'a visitor has no CSRF token, and no session');
      const bad: Array<[string, number, RegExp]> = [
        ['', 400, /at least one person/],
        ['nobody_here', 400, /No member is called “nobody_here”/],
        ['erik', 400, /already in this conversation/],
        ['piet', 400, /only yourself|already in/],
        ['x'.repeat(41), 400, /at most 40 characters/],
      ];
      for (const [to, status, message] of bad) {
        const res = await as.piet!.post(`${c.url}/people`, { to }, c.url);
        assert.equal(res.statusCode, status, to);
        assert.match(withCharacters(res.body), message, to);
        assert.match(res.body, /<details class="add-people" open>/, 'the form is open with the error');
      }
      assert.deepEqual(await participants(c.id), before);
      assert.equal((await as.erik!.post('/messages/999999/people', { to: 'ria' }, '/messages')).statusCode, 404);
      // Someone who left adds nobody; added again, they are back in.
      assert.equal((await as.erik!.post(`${c.url}/leave`, {}, c.url)).statusCode, 303);
      assert.equal((await as.erik!.post(`${c.url}/people`, { to: 'ria' }, '/messages')).statusCode, 404);
      assert.equal((await as.piet!.post(`${c.url}/people`, { to: 'erik' }, c.url)).statusCode, 303);
      assert.equal((await as.erik!.get(c.url)).statusCode, 200);
    });

    test('with messages between members switched off, members and employees add staff but not members (403); staff add anyone', async () => {
      const c = await start('piet', 'erik', 'Switched off', 'Hello Erik.');
      await setMembersMayMessage(database.db, cora(), false);
      try {
        const res = await as.piet!.post(`${c.url}/people`, { to: 'jan' }, c.url);
        assert.equal(res.statusCode, 403);
        assert.match(res.body, /Messages between members are switched off/);
        assert.equal((await as.erik!.post(`${c.url}/people`, { to: 'jan' }, c.url)).statusCode, 403, 'an employee has a member\'s say here');
        assert.equal((await as.piet!.post(`${c.url}/people`, { to: 'mona' }, c.url)).statusCode, 303, 'a moderator may be added');
        assert.equal((await as.mona!.post(`${c.url}/people`, { to: 'jan' }, c.url)).statusCode, 303, 'and may add a member');
      } finally {
        await setMembersMayMessage(database.db, cora(), true);
      }
    });

    test("the history holds a member's customer data: the employee may not pass it on (422, audited without values, nobody added); the member may", async () => {
      const c = await start('hendrik', 'erik', 'My account', `My customer number is ${HENDRIK.number}, call me on ${HENDRIK.phone}.`);
      assert.equal((await as.erik!.post(c.url, { body: 'Thanks, I see your account.' }, c.url)).statusCode, 303);
      const before = await participants(c.id);
      const audits = async () => (await database.db.selectFrom('guard_decisions').select(['decision', 'target']).where('target', '=', `conversation:${c.id}:add`).execute());
      const res = await as.erik!.post(`${c.url}/people`, { to: 'ria, jan' }, c.url);
      assert.equal(res.statusCode, 422, res.body.slice(0, 300));
      assert.match(res.body, /Nobody was added: earlier messages in this conversation hold a registered customer/);
      assert.match(res.body, /href="#m-\d+">#1<\/a>/, 'links to the message that holds it');
      assert.deepEqual(await participants(c.id), before);
      const logged = await audits();
      assert.equal(logged.length, 1);
      assert.match(logged[0]!.decision, /adding people/);
      assert.ok(!JSON.stringify(await database.db.selectFrom('guard_decisions').selectAll().where('target', '=', `conversation:${c.id}:add`).execute()).includes('7391046'));
      // The API says the same.
      const api = await app.inject({ method: 'POST', url: `/api/v1/conversations/${c.id}/participants`, headers: { authorization: `Bearer ${token}` }, payload: { usernames: ['ria'] } });
      assert.equal(api.statusCode, 422, api.body);
      assert.deepEqual(await participants(c.id), before);
      // Hendrik may share his own account details with whom he likes.
      assert.equal((await as.hendrik!.post(`${c.url}/people`, { to: 'ria' }, c.url)).statusCode, 303);
      assert.match((await as.ria!.get(c.url)).body, /KL-7391046/);
    });

    test('the API adds people and answers 4xx for bad input', async () => {
      const c = await start('piet', 'erik', 'Through the API', 'Hello.');
      const call = (payload: object, id = c.id) => app.inject({ method: 'POST', url: `/api/v1/conversations/${id}/participants`, headers: { authorization: `Bearer ${token}` }, payload });
      assert.equal((await call({ usernames: [] })).statusCode, 400);
      assert.equal((await call({ usernames: ['nobody_here'] })).statusCode, 400);
      assert.equal((await call({ usernames: ['ria'] }, 999_999)).statusCode, 404);
      const ok = await call({ usernames: ['ria', 'jan'] });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(ok.json(), { added: 2 });
      const shown = await app.inject({ method: 'GET', url: `/api/v1/conversations/${c.id}`, headers: { authorization: `Bearer ${token}` } });
      assert.deepEqual((shown.json() as { participants: Array<{ username: string }> }).participants.map((p) => p.username).sort(), ['erik', 'jan', 'piet', 'ria']);
    });
  });
}
