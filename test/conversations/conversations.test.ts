// Private conversations over HTTP (issue 20): who sees what on every route (visitor, member,
// employee, moderator; participants vs not), read state, the team as a group, the member switch
// and the new-member limit, leave/mute/report with the access log, e-mail through real SMTP,
// export and deletion, retention, and bad input that stores nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { startConversation } from '../../src/conversations/start-conversation.ts';
import { purgeOldMessages } from '../../src/conversations/purge-old-messages.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { withCharacters } from '../helpers/html.ts';

const PASSWORD = 'correct horse battery staple';

for (const kind of testDatabaseKinds()) {
  describe(`private conversations on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let smtp: TestSmtp;
    const as: Record<string, Agent> = {};
    const ids: Record<string, number> = {};
    let topicUrl = '';
    before(async () => {
      database = await kind.open();
      smtp = await startSmtp();
      app = await testServer(database, { SMTP_URL: smtp.url, PUBLIC_URL: 'http://community.test' });
      await createBoard(database.db, null, { name: 'Billing', slug: 'billing' });
      for (const [name, roles] of [['carla', []], ['dirk', []], ['eve', []], ['erik', ['employee']], ['mona', ['moderator']], ['cm_cora', ['community_manager']]] as const) {
        const u = await makeUser(database.db, [...roles], name);
        ids[name] = u.id;
        // Older accounts: the new-member limit has its own test.
        await database.db.updateTable('users').set({ created_at: '2025-01-01T00:00:00.000Z' }).where('id', '=', u.id).execute();
        const a = new Agent(app);
        assert.equal((await a.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
        as[name] = a;
      }
      const t = await createTopic(database.db, { id: ids.carla!, roles: new Set(['member']) }, { boardSlug: 'billing', kind: 'question', title: 'Why was I charged twice?', body: 'Two charges this month.' });
      topicUrl = `/t/${t.slug}/${t.id}`;
      ids.topic = t.id;
    });
    after(async () => {
      await app.close();
      await smtp.close();
      await database.drop();
    });

    /** The first n e-mails about a conversation since `from` (others, sent in the background, may arrive in between). */
    const mailsAbout = async (subject: string, n: number, from = 0) => {
      const out = [];
      for (let i = from; out.length < n; i++) {
        const m = await smtp.next(i);
        if (m.subject === `New private message: ${subject}`) out.push(m);
      }
      return out;
    };
    const count = async (table: 'conversations' | 'conversation_messages' | 'conversation_participants') =>
      Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    test('a member writes to another; only the two read it; the recipient gets an e-mail without the text', async () => {
      const profile = await as.carla!.get('/u/dirk');
      assert.match(profile.body, /href="\/messages\/new\?to=dirk">Send a private message/);
      assert.doesNotMatch((await app.inject({ url: '/u/dirk' })).body, /Send a private message/, 'not for visitors');
      const form = await as.carla!.get('/messages/new?to=dirk');
      assert.match(form.body, /name="to"[^>]*value="dirk"/);
      const seen = smtp.messages.length;
      const res = await as.carla!.post('/messages', { to: 'dirk', subject: 'Router settings', body: 'Hi Dirk, which **channel** did you pick?' }, '/messages/new');
      assert.equal(res.statusCode, 303);
      const url = res.headers.location as string;
      assert.match(url, /^\/messages\/\d+$/);
      ids.conv = Number(url.split('/').pop());
      const page = await as.dirk!.get(url);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /which <strong>channel<\/strong> did you pick/);
      assert.match((await as.carla!.get(url)).body, /Router settings/);
      // Not a participant: 404 for everyone else, staff included, and the visitor is asked to sign in.
      for (const who of ['eve', 'erik', 'mona', 'cm_cora']) assert.equal((await as[who]!.get(url)).statusCode, 404, who);
      assert.equal((await app.inject({ url })).statusCode, 401);
      const [mail] = await mailsAbout('Router settings', 1, seen);
      assert.ok(mail);
      assert.match(mail.text!, /http:\/\/community\.test\/messages\/\d+/);
      assert.doesNotMatch(mail.text!, /channel/, 'the e-mail does not carry the message');
      assert.equal(mail.to && 'text' in mail.to ? mail.to.text : '', 'dirk@example.com');
    });

    test('read state: unread in the inbox until opened; a reply makes it unread for the other', async () => {
      const url = `/messages/${ids.conv}`;
      // Dirk opened it above: read. Carla replies.
      assert.doesNotMatch((await as.dirk!.get('/messages')).body, /unread-mark/);
      assert.equal((await as.carla!.post(url, { body: 'Channel 6 worked for me.' }, url)).statusCode, 303);
      const inbox = await as.dirk!.get('/messages');
      assert.match(inbox.body, /class="unread">Router settings<\/a> <strong class="unread-mark">new/);
      assert.doesNotMatch((await as.carla!.get('/messages')).body, /unread-mark/, 'one\'s own reply is read');
      await as.dirk!.get(url);
      assert.doesNotMatch((await as.dirk!.get('/messages')).body, /unread-mark/);
      // Quote (works without JavaScript): the reply box is prefilled with the message as a Markdown quote.
      const msg = await database.db.selectFrom('conversation_messages').select('id').where('conversation_id', '=', ids.conv!).orderBy('id', 'desc').executeTakeFirstOrThrow();
      const quoting = await as.dirk!.get(`${url}?quote=${msg.id}`);
      assert.match(quoting.body, /<textarea id="body"[^>]*>carla wrote:\n&gt; Channel 6 worked for me\.\n\n<\/textarea>/);
      assert.equal((await as.eve!.get(`${url}?quote=${msg.id}`)).statusCode, 404, 'no quoting from a conversation one is not in');
      const other = await startConversation(database.db, { id: ids.eve!, roles: new Set(['member']) }, { to: ['erik'], subject: 'Elsewhere', body: 'Not for Dirk' });
      assert.doesNotMatch((await as.dirk!.get(`${url}?quote=${other.messageId}`)).body, /Not for Dirk/, 'nor a message of another conversation');
      assert.doesNotMatch((await as.eve!.get('/messages')).body, /Router settings/);
    });

    test('others cannot write, leave, mute or report in it: 404, nothing stored', async () => {
      const url = `/messages/${ids.conv}`;
      const before = await count('conversation_messages');
      for (const who of ['eve', 'erik', 'mona']) {
        const token = (await as[who]!.get('/messages/new')).body;
        const csrf = /name="_csrf" value="([^"]+)"/.exec(token)![1]!;
        for (const [path, form] of [[url, { body: 'sneaking in' }], [`${url}/leave`, {}], [`${url}/mute`, { muted: '1' }], [`${url}/report`, { reason: 'look at this' }]] as const) {
          const res = await as[who]!.post(path, { ...form, _csrf: csrf });
          assert.equal(res.statusCode, 404, `${who} ${path}`);
        }
      }
      assert.equal((await app.inject({ method: 'POST', url, payload: { body: 'x' } })).statusCode, 403, 'a visitor has no CSRF token');
      assert.equal(await count('conversation_messages'), before);
    });

    test('bad input: unknown, deleted, only oneself, empty, oversized, forged ids — a clear 4xx and nothing stored', async () => {
      const deleted = await makeUser(database.db, [], 'gone_gert');
      await database.db.updateTable('users').set({ deleted_at: '2026-01-01T00:00:00.000Z' }).where('id', '=', deleted.id).execute();
      const before = [await count('conversations'), await count('conversation_messages'), await count('conversation_participants')];
      const cases: Array<[Record<string, string>, number, RegExp]> = [
        [{ to: 'nobody_here', subject: 'Hi', body: 'Hello there' }, 400, /No member is called “nobody_here”/],
        [{ to: 'gone_gert', subject: 'Hi', body: 'Hello there' }, 400, /No member is called “gone_gert”/],
        [{ to: 'carla', subject: 'Hi', body: 'Hello there' }, 400, /only yourself/],
        [{ to: '', subject: 'Hi', body: 'Hello there' }, 400, /at least one person/],
        [{ to: 'dirk', subject: 'Hi', body: '   ' }, 400, /empty/],
        [{ to: 'dirk', subject: '', body: 'Hello there' }, 400, /subject/],
        [{ to: 'dirk', subject: 'Hi', body: 'x'.repeat(50_001) }, 413, /at most 50000/],
        [{ to: 'dirk,<script>alert(1)</script>', subject: 'Hi', body: 'Hello there' }, 400, /No member is called “&lt;script&gt;alert\(1\)&lt;\/script&gt;”/],
      ];
      for (const [form, status, message] of cases) {
        const res = await as.carla!.post('/messages', form, '/messages/new');
        assert.equal(res.statusCode, status, JSON.stringify(form).slice(0, 80));
        assert.match(withCharacters(res.body), message);
        if (form.body && form.body.length < 100) assert.match(res.body, new RegExp(form.body.trim() || 'Subject'), 'the form keeps what was typed');
      }
      for (const forged of ['/messages/999999', '/messages/0', '/messages/abc', '/messages/99999999999999']) {
        const res = await as.carla!.post(forged, { body: 'Hello' }, '/messages/new');
        assert.ok(res.statusCode === 404 || res.statusCode === 400, `${forged}: ${res.statusCode}`);
        assert.ok((await as.carla!.get(forged)).statusCode < 500);
      }
      const empty = await as.carla!.post(`/messages/${ids.conv}`, { body: '' }, `/messages/${ids.conv}`);
      assert.equal(empty.statusCode, 400);
      const badReport = await as.carla!.post(`/messages/${ids.conv}/report`, { reason: 'spam', message: '-3' }, `/messages/${ids.conv}`);
      assert.equal(badReport.statusCode, 400);
      assert.deepEqual([await count('conversations'), await count('conversation_messages'), await count('conversation_participants')], before);
      // Through the API-less use case too: a list with only oneself.
      await assert.rejects(startConversation(database.db, { id: ids.carla!, roles: new Set(['member']) }, { to: ['carla'], subject: 'Me', body: 'Note to self' }), /only yourself/);
    });

    test('"Message the team": the community team reads and answers as a group; employees are not the team', async () => {
      const seen = smtp.messages.length;
      const res = await as.eve!.post('/messages', { team: '1', subject: 'Spam in my inbox', body: 'Someone keeps messaging me.' }, '/messages/new?team=1');
      assert.equal(res.statusCode, 303);
      const url = res.headers.location as string;
      ids.team = Number(url.split('/').pop());
      for (const who of ['mona', 'cm_cora']) {
        assert.match((await as[who]!.get('/messages')).body, /Spam in my inbox/, who);
        assert.equal((await as[who]!.get(url)).statusCode, 200, who);
      }
      for (const who of ['erik', 'dirk']) assert.equal((await as[who]!.get(url)).statusCode, 404, who);
      // Nobody of the team has joined yet: the whole team is told (and only the team).
      const told = (await mailsAbout('Spam in my inbox', 2, seen)).map((m) => (m.to && 'text' in m.to ? m.to.text : ''));
      assert.deepEqual(told.sort(), ['cm_cora@example.com', 'mona@example.com']);
      assert.equal((await as.mona!.post(url, { body: 'We are on it, Eve.' }, url)).statusCode, 303);
      assert.match((await as.eve!.get(url)).body, /We are on it, Eve\./);
      const joined = await database.db.selectFrom('conversation_participants').select('user_id').where('conversation_id', '=', ids.team!).execute();
      assert.ok(joined.some((p) => p.user_id === ids.mona), 'the moderator who answered joined it');
      // Opening it joined the team members who did: read state from then on; leaving keeps it out of their inbox.
      assert.match((await as.cm_cora!.get('/messages')).body, /class="unread">Spam in my inbox/);
      await as.cm_cora!.get(url);
      assert.match((await as.cm_cora!.get('/messages')).body, /Spam in my inbox<\/a>(?! <strong class="unread-mark">)/);
      assert.equal((await as.cm_cora!.post(`${url}/leave`, {}, url)).statusCode, 303);
      assert.doesNotMatch((await as.cm_cora!.get('/messages')).body, /Spam in my inbox/);
      // No access-log row: the team's own conversation is theirs to read.
      const logged = await database.db.selectFrom('private_data_views').select('id').where('conversation_id', '=', ids.team!).execute();
      assert.equal(logged.length, 0);
    });

    test('report: the moderators may then read it, each reading logged; the reporter sees it reported', async () => {
      const url = `/messages/${ids.conv}`;
      assert.equal((await as.mona!.get(url)).statusCode, 404);
      const msg = await database.db.selectFrom('conversation_messages').select('id').where('conversation_id', '=', ids.conv!).where('user_id', '=', ids.carla!).orderBy('id').executeTakeFirstOrThrow();
      const res = await as.dirk!.post(`${url}/report`, { reason: 'Unwanted advice', message: String(msg.id) }, url);
      assert.equal(res.statusCode, 303);
      const queue = (await as.mona!.get('/moderation/queue')).body;
      assert.match(queue, /reported conversations/);
      // In the one review queue too, linked to the conversation, with the reason and no message text.
      assert.match(queue, new RegExp(`href="/messages/${ids.conv}"`));
      assert.match(queue, /Private conversation reported by a participant/);
      assert.match(queue, /Unwanted advice/);
      const list = await as.mona!.get('/moderation/messages');
      assert.match(list.body, /Unwanted advice/);
      assert.equal((await as.erik!.get('/moderation/messages')).statusCode, 403);
      const read = await as.mona!.get(url);
      assert.equal(read.statusCode, 200);
      assert.match(read.body, /Your access has been logged/);
      assert.equal((await as.mona!.post(url, { body: 'moderator chiming in' }, '/moderation/messages')).statusCode, 404, 'reading is not joining');
      const log = await database.db.selectFrom('private_data_views').select(['viewer_id', 'conversation_id']).where('conversation_id', '=', ids.conv!).execute();
      assert.deepEqual(log, [{ viewer_id: ids.mona, conversation_id: ids.conv }]);
      assert.equal((await as.eve!.get(url)).statusCode, 404, 'other members still cannot');
      assert.equal((await as.erik!.get(url)).statusCode, 404, 'nor employees');
    });

    test('a silenced or suspended member cannot start a conversation or write in one: 403 with why, nothing stored', async () => {
      const count = async () => Number((await database.db.selectFrom('conversation_messages').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      const before = await count();
      const until = new Date(Date.now() + 86_400_000).toISOString();
      await database.db.updateTable('users').set({ silenced_until: until, restriction_reason: 'Cooling off' }).where('id', '=', ids.eve!).execute();
      const started = await as.eve!.post('/messages', { to: 'erik', subject: 'Let me out', body: 'Hello?' }, '/messages/new');
      assert.equal(started.statusCode, 403);
      assert.match(started.body, /read-only until .*Cooling off/);
      assert.equal((await as.eve!.post(`/messages/${ids.team}`, { body: 'Still here' }, `/messages/${ids.team}`)).statusCode, 403);
      assert.equal(await count(), before);
      await database.db.updateTable('users').set({ silenced_until: null, restriction_reason: '' }).where('id', '=', ids.eve!).execute();
    });

    test('a new message shows in the header of every page as unread messages until the conversation is opened', async () => {
      const unread = async () => /<a href="\/messages">Messages <span class="count unread-count">(\d+)/.exec((await as.eve!.get('/')).body)?.[1];
      const before = Number((await unread()) ?? 0);
      const c = await startConversation(database.db, { id: ids.carla!, roles: new Set(['member']) }, { to: ['eve'], subject: 'Header count', body: 'Did you see this?' });
      assert.equal(Number(await unread()), before + 1);
      assert.equal((await as.eve!.get(`/messages/${c.id}`)).statusCode, 200);
      assert.equal(Number((await unread()) ?? 0), before);
      assert.equal((await as.erik!.get('/')).body.includes('Header count'), false);
    });

    test('mute stops the e-mail; leave takes it out of the inbox and away', async () => {
      const url = `/messages/${ids.conv}`;
      assert.equal((await as.dirk!.post(`${url}/mute`, { muted: '1' }, url)).statusCode, 303);
      const seen = smtp.messages.length;
      await as.carla!.post(url, { body: 'Are you still there?' }, url);
      await as.eve!.post(`/messages/${ids.team}`, { body: 'Thanks!' }, `/messages/${ids.team}`); // a mail that does arrive
      await mailsAbout('Spam in my inbox', 1, seen); // sent after Carla's message
      assert.ok(!smtp.messages.slice(seen).some((m) => m.to && 'text' in m.to && m.to.text === 'dirk@example.com'), 'no e-mail to Dirk, who muted it');
      assert.equal((await as.dirk!.post(`${url}/leave`, {}, url)).statusCode, 303);
      assert.doesNotMatch((await as.dirk!.get('/messages')).body, /Router settings/);
      assert.equal((await as.dirk!.get(url)).statusCode, 404);
      assert.doesNotMatch((await as.carla!.get(url)).body, /conversation with[^<]*dirk/);
    });

    test('community managers switch member-to-member messages off; the team, employees and moderators stay reachable', async () => {
      assert.equal((await as.erik!.get('/admin/conversations')).statusCode, 403);
      const off = await as.cm_cora!.post('/admin/conversations', {}, '/admin/conversations');
      assert.equal(off.statusCode, 303);
      assert.match((await as.cm_cora!.follow(off)).body, /role="status">The setting for private messages is saved\./);
      const blocked = await as.carla!.post('/messages', { to: 'eve', subject: 'Buy my stuff', body: 'Great offer inside' }, '/messages/new');
      assert.equal(blocked.statusCode, 403);
      assert.match(blocked.body, /switched off/);
      assert.equal((await as.carla!.post('/messages', { to: 'erik', subject: 'Question', body: 'Can you help me?' }, '/messages/new')).statusCode, 303);
      assert.equal((await as.mona!.post('/messages', { to: 'eve', subject: 'About your report', body: 'Handled.' }, '/messages/new')).statusCode, 303);
      await as.cm_cora!.post('/admin/conversations', { membersMayMessage: '1' }, '/admin/conversations');
      assert.equal((await as.carla!.post('/messages', { to: 'eve', subject: 'Hello again', body: 'Allowed now' }, '/messages/new')).statusCode, 303);
    });

    test('new members start at most 3 conversations a day', async () => {
      const fresh = await makeUser(database.db, [], 'newbie_nora');
      const a = new Agent(app);
      await a.post('/signin', { login: 'newbie_nora', password: PASSWORD }, '/signin');
      for (let i = 0; i < 3; i++) assert.equal((await a.post('/messages', { to: 'carla', subject: `Hi ${i}`, body: 'Hello' }, '/messages/new')).statusCode, 303);
      const fourth = await a.post('/messages', { to: 'carla', subject: 'Hi 4', body: 'Hello' }, '/messages/new');
      assert.equal(fourth.statusCode, 429);
      assert.equal((await database.db.selectFrom('conversations').select('id').where('created_by', '=', fresh.id).execute()).length, 3);
    });

    test('never public: not in feeds, sitemaps, search of topics or the home page', async () => {
      for (const url of ['/', '/b/billing', '/sitemap.xml', '/b/billing/feed.atom', topicUrl]) {
        const res = await app.inject({ url });
        assert.doesNotMatch(res.body, /Router settings|Channel 6 worked|Spam in my inbox/, url);
      }
      // The pages themselves are never cached for visitors (they are not for visitors at all).
      const res = await app.inject({ url: `/messages/${ids.conv}` });
      assert.equal(res.statusCode, 401);
      assert.equal(res.headers['x-parley-cache'], undefined);
    });

    test('export includes one\'s conversations; deleting the account removes one\'s messages (others see "deleted user")', async () => {
      const exp = await as.carla!.get('/settings/export');
      assert.equal(exp.statusCode, 200);
      const data = JSON.parse(exp.body) as { conversations: Array<{ subject: string; messages: Array<{ author: string; body: string }> }> };
      const router = data.conversations.find((c) => c.subject === 'Router settings')!;
      assert.ok(router, 'the conversation is in the export');
      assert.ok(router.messages.some((m) => m.author === 'you' && m.body === 'Channel 6 worked for me.'));
      const a = new Agent(app);
      const victim = await makeUser(database.db, [], 'leaving_lou');
      await a.post('/signin', { login: 'leaving_lou', password: PASSWORD }, '/signin');
      const started = await a.post('/messages', { to: 'carla', subject: 'Before I go', body: 'My farewell words are here' }, '/messages/new');
      const url = started.headers.location as string;
      assert.match((await as.carla!.get(url)).body, /My farewell words are here/);
      const del = await a.post('/settings/delete', { confirmation: PASSWORD }, '/settings');
      assert.ok(del.statusCode === 303 || del.statusCode === 200, `delete: ${del.statusCode}`);
      const after = await as.carla!.get(url);
      assert.doesNotMatch(after.body, /My farewell words/);
      assert.match(after.body, /deleted user/);
      assert.match(after.body, /removed when its author deleted their account/);
      const rows = await database.db.selectFrom('conversation_messages').select('body_markdown').where('user_id', '=', victim.id).execute();
      assert.deepEqual(rows.map((r) => r.body_markdown), ['']);
    });

    test('retention: messages older than the setting are purged, and conversations left empty', async () => {
      const old = await startConversation(database.db, { id: ids.dirk!, roles: new Set(['member']) }, { to: ['carla'], subject: 'Ancient history', body: 'From long ago', at: '2020-01-01T00:00:00.000Z' });
      await sql`select 1`.execute(database.db);
      const purged = await purgeOldMessages(database.db, 730);
      assert.ok(purged >= 1);
      assert.equal(await database.db.selectFrom('conversations').select('id').where('id', '=', old.id).executeTakeFirst(), undefined);
      assert.ok(await database.db.selectFrom('conversations').select('id').where('id', '=', ids.conv!).executeTakeFirst(), 'recent ones stay');
    });
  });
}
