// Ignoring a member, on a real database: from their profile (a plain form), listed in settings,
// their posts folded away on the ignorer's topic pages only, no notifications from them; never
// oneself or the community team; the export and account deletion.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { showTopic } from '../../src/community/show-topic.ts';
import { notifyNewPost } from '../../src/notifications/notify-new-post.ts';
import { listNotifications } from '../../src/notifications/list-notifications.ts';
import { giveKudos } from '../../src/community/give-kudos.ts';
import { startConversation } from '../../src/conversations/start-conversation.ts';
import { ignoreUser, listIgnored, MAX_IGNORED, stopIgnoring } from '../../src/accounts/ignore-user.ts';
import { exportMyData } from '../../src/accounts/export-data.ts';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { deleteAccount } from '../../src/accounts/delete-account.ts';
import { viewHelpers } from '../../src/web/view-helpers.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import type { Actor } from '../../src/policy/policy.ts';

const PASSWORD = 'correct horse battery staple';
type User = Actor & { username: string };

for (const kind of testDatabaseKinds()) {
  describe(`ignoring a member on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let ivy: User; // ignores
    let troll: User; // is ignored
    let other: User;
    let mod: User;
    let agent: Agent;
    let topic: { id: number; slug: string; postId: number };
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      const db = database.db;
      await createBoard(db, null, { name: 'Home Internet', slug: 'home-internet' });
      ivy = await makeUser(db, [], 'ignoring_ivy');
      troll = await makeUser(db, [], 'noisy_ned');
      other = await makeUser(db, [], 'other_olga');
      mod = await makeUser(db, ['moderator'], 'mod_max');
      topic = await createTopic(db, ivy, { boardSlug: 'home-internet', kind: 'question', title: 'Modem lights blink orange', body: 'The DSL light blinks orange since this morning.' });
      agent = new Agent(app);
      assert.equal((await agent.post('/signin', { login: ivy.username, password: PASSWORD }, '/signin')).statusCode, 303);
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    const reply = async (who: User, body: string) => {
      const r = await createReply(database.db, who, { topicId: topic.id, body });
      return { id: r.id, told: (await notifyNewPost(database.db, r.id)).map((n) => n.userId) };
    };

    test('from the profile: Ignore (a form with its CSRF token), then listed in settings; not oneself, not the team, not an unknown name', async () => {
      const profile = await agent.get(viewHelpers.userUrl(troll.username));
      assert.match(profile.body, /<button type="submit" class="secondary">Ignore<\/button>/);
      assert.doesNotMatch((await agent.get(viewHelpers.userUrl(ivy.username))).body, />Ignore<\/button>/, 'no Ignore on one\'s own profile');
      assert.doesNotMatch((await agent.get(viewHelpers.userUrl(mod.username))).body, />Ignore<\/button>/, 'nor on a moderator\'s');
      assert.doesNotMatch((await app.inject({ url: viewHelpers.userUrl(troll.username) })).body, /\/ignore"/, 'nor for a visitor');
      assert.equal((await app.inject({ method: 'POST', url: `/u/${troll.username}/ignore`, headers: { cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })).statusCode, 403, 'no CSRF token: refused');
      const done = await agent.post(`/u/${troll.username}/ignore`, {}, viewHelpers.userUrl(troll.username));
      assert.equal(done.statusCode, 303);
      assert.equal(done.headers.location, viewHelpers.userUrl(troll.username));
      assert.match((await agent.get(viewHelpers.userUrl(troll.username))).body, /You ignore this member\. <button type="submit" class="secondary">Stop ignoring<\/button>/);
      const settings = await agent.get('/settings');
      assert.match(settings.body, /<h2 id="ignored-h">People you ignore<\/h2>/);
      const section = settings.body.slice(settings.body.indexOf('id="ignored-h"'), settings.body.indexOf('id="tokens-h"'));
      assert.ok(section.includes(`action="/u/${troll.username}/ignore"`) && section.includes('name="undo" value="1"'), 'listed with Stop ignoring');
      assert.match(section, /aria-label="Stop ignoring [^"]+">Stop ignoring<\/button>/);
      assert.deepEqual((await listIgnored(database.db, ivy)).map((p) => p.username), [troll.username]);

      assert.equal((await agent.post(`/u/${ivy.username}/ignore`, {}, '/settings')).statusCode, 400);
      assert.equal((await agent.post(`/u/${mod.username}/ignore`, {}, '/settings')).statusCode, 403);
      assert.equal((await agent.post('/u/nobody_here/ignore', {}, '/settings')).statusCode, 404);
      await assert.rejects(ignoreUser(database.db, ivy, mod.username), { status: 403 });
      assert.equal((await listIgnored(database.db, ivy)).length, 1, 'nothing else was added');
    });

    test('the ignored person\'s posts are folded away on the ignorer\'s pages only; a visitor and others see them as ever', async () => {
      await reply(troll, 'Buy cheap modems at my shop!');
      await reply(other, 'Orange usually means no sync: check the phone cable.');
      const page = await agent.get(viewHelpers.topicUrl(topic));
      const folded = [...page.body.matchAll(/<details class="ignored-post"><summary>A post by someone you ignore\. Show it<\/summary>([\s\S]*?)<\/details>/g)];
      assert.equal(folded.length, 1);
      assert.match(folded[0]![1]!, /Buy cheap modems at my shop!/, 'still there, one click away');
      assert.doesNotMatch(folded[0]![1]!, /phone cable/);
      const olga = new Agent(app);
      await olga.post('/signin', { login: other.username, password: PASSWORD }, '/signin');
      assert.doesNotMatch((await olga.get(viewHelpers.topicUrl(topic))).body, /ignored-post/);
      assert.doesNotMatch((await app.inject({ url: viewHelpers.topicUrl(topic) })).body, /ignored-post/);
      // The same on the one-statement read (PostgreSQL) as query by query.
      for (const oneRoundTrip of kind.name === 'postgres' ? [false, true] : [false]) {
        const data = await showTopic(database.db, ivy, topic.id, 1, { oneRoundTrip, reader: true });
        assert.deepEqual([...data.ignored], [troll.id], `oneRoundTrip ${oneRoundTrip}`);
        assert.deepEqual([...(await showTopic(database.db, other, topic.id, 1, { oneRoundTrip, reader: true })).ignored], []);
      }
    });

    test('no notifications from the ignored person (replies, mentions, kudos) and no private messages; others still notify, and after Stop ignoring so do they', async () => {
      const db = database.db;
      const before = (await listNotifications(db, ivy)).length;
      const r1 = await reply(troll, `Hey @${ivy.username}, did you see my shop?`);
      assert.ok(!r1.told.includes(ivy.id), 'a reply and a mention from them: nothing');
      const own = await reply(ivy, 'Thanks, the cable was loose.');
      await giveKudos(db, troll, own.id);
      assert.equal((await listNotifications(db, ivy)).length, before, 'nor their kudos');
      const r2 = await reply(other, `Glad it works, @${ivy.username}.`);
      assert.ok(r2.told.includes(ivy.id), 'someone else still notifies');
      // Nor private messages: a conversation to them is refused, to someone else too when they are among its people.
      await assert.rejects(startConversation(db, troll, { subject: 'My shop', to: ivy.username, body: 'Have a look at my shop.' }),
        (err: Error & { status?: number }) => err.status === 403 && /does not take private messages from you/.test(err.message));
      await assert.rejects(startConversation(db, troll, { subject: 'My shop', to: `${other.username}, ${ivy.username}`, body: 'Have a look.' }), { status: 403 });
      assert.ok((await startConversation(db, troll, { subject: 'Cables', to: other.username, body: 'Which cable do you use?' })).id > 0, 'others still take them');
      assert.ok((await startConversation(db, ivy, { subject: 'Stop', to: troll.username, body: 'Please stop the advertising.' })).id > 0, 'the ignorer may still write to them');
      assert.equal(await stopIgnoring(db, ivy, troll.username), true);
      const r3 = await reply(troll, `One more thing, @${ivy.username}.`);
      assert.ok(r3.told.includes(ivy.id), 'once no longer ignored, they notify again');
      assert.equal(await stopIgnoring(db, ivy, troll.username), false, 'stopping twice is no error');
    });

    test('the API: list, ignore, stop; the same refusals as the page', async () => {
      const { token } = await createApiToken(database.db, other, { name: 'ignore', expiresInDays: null });
      const call = (method: 'GET' | 'PUT' | 'DELETE', url: string) => app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });
      assert.deepEqual((await call('GET', '/api/v1/me/ignored')).json(), { ignored: [] });
      assert.deepEqual((await call('PUT', `/api/v1/me/ignored/${troll.username.toUpperCase()}`)).json(), { username: troll.username, ignored: true });
      const list = (await call('GET', '/api/v1/me/ignored')).json();
      assert.deepEqual(list.ignored.map((p: { username: string }) => p.username), [troll.username]);
      assert.equal((await call('PUT', `/api/v1/me/ignored/${mod.username}`)).statusCode, 403);
      assert.equal((await call('PUT', `/api/v1/me/ignored/${other.username}`)).statusCode, 400);
      assert.equal((await call('PUT', '/api/v1/me/ignored/nobody_here')).statusCode, 404);
      assert.deepEqual((await call('DELETE', `/api/v1/me/ignored/${troll.username}`)).json(), { username: troll.username, ignored: false });
      assert.deepEqual((await call('GET', '/api/v1/me/ignored')).json(), { ignored: [] });
    });

    test('at most MAX_IGNORED people; the export lists them; deleting either account removes the row', async () => {
      const db = database.db;
      assert.equal(MAX_IGNORED, 500);
      await ignoreUser(db, ivy, troll.username);
      await ignoreUser(db, ivy, troll.username); // again: no error, one row
      const data = await exportMyData(db, ivy);
      assert.deepEqual(data.ignoring.map((p) => p.username), [troll.username]);
      await ignoreUser(db, other, troll.username);
      await deleteAccount(db, troll, PASSWORD, app.files);
      const left = await db.selectFrom('user_ignores').selectAll().where('ignored_user_id', '=', troll.id).execute();
      assert.deepEqual(left, [], 'nobody ignores a deleted account');
    });
  });
}
