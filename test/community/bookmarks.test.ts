// Saved posts (bookmarks), on a real database: the Save button under a post, the reader's list
// with notes paged by key, what drops out when a post is no longer readable, the API, and the
// account's export and deletion.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { deletePost } from '../../src/community/delete-post.ts';
import { moveTopic } from '../../src/moderation/reorganize-topics.ts';
import { bookmarkPost, MAX_BOOKMARKS, NOTE_MAX } from '../../src/community/bookmark-post.ts';
import { sendBookmarkReminders } from '../../src/community/send-bookmark-reminders.ts';
import { listNotifications } from '../../src/notifications/list-notifications.ts';
import { listBookmarks, parseBookmarkCursor } from '../../src/community/list-bookmarks.ts';
import { showTopic } from '../../src/community/show-topic.ts';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { exportMyData } from '../../src/accounts/export-data.ts';
import { deleteAccount } from '../../src/accounts/delete-account.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import type { Actor } from '../../src/policy/policy.ts';
import { viewHelpers } from '../../src/web/view-helpers.ts';

const PASSWORD = 'correct horse battery staple';

for (const kind of testDatabaseKinds()) {
  describe(`saved posts on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let reader: Actor & { username: string };
    let author: Actor & { username: string };
    let moderator: Actor & { username: string };
    let agent: Agent;
    let topic: { id: number; slug: string; postId: number };
    const replies: number[] = [];
    const topicUrl = (page = 1) => viewHelpers.topicUrl(topic, page);
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      const db = database.db;
      await createBoard(db, null, { name: 'Home Internet', slug: 'home-internet' });
      await createBoard(db, null, { name: 'Team room', slug: 'team-room', visibility: 'staff' });
      reader = await makeUser(db, [], 'saver_sam');
      author = await makeUser(db, [], 'writer_wim');
      moderator = await makeUser(db, ['moderator'], 'mod_mo');
      topic = await createTopic(db, author, { boardSlug: 'home-internet', kind: 'question', title: 'Router reboots every night', body: 'Since the update my router reboots at 3 am.' });
      for (let i = 1; i <= 24; i++) replies.push((await createReply(db, author, { topicId: topic.id, body: `Reply number ${i}: try channel ${i}.` })).id);
      agent = new Agent(app);
      assert.equal((await agent.post('/signin', { login: reader.username, password: PASSWORD }, '/signin')).statusCode, 303);
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('Save under a post (a plain form with its CSRF token) marks it saved on the topic page, and Remove from saved takes it off', async () => {
      const page = await agent.get(topicUrl());
      assert.match(page.body, new RegExp(`formaction="/p/${topic.postId}/bookmark">Save</button>`));
      assert.equal((await app.inject({ method: 'POST', url: `/p/${topic.postId}/bookmark`, headers: { cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })).statusCode, 403, 'no CSRF token: refused');
      const save = await agent.post(`/p/${topic.postId}/bookmark`, {}, topicUrl());
      assert.equal(save.statusCode, 303);
      assert.equal(save.headers.location, `${topicUrl()}#post-1`);
      const after = await agent.get(topicUrl());
      assert.match(after.body, new RegExp(`formaction="/p/${topic.postId}/bookmark" name="undo" value="1">Remove from saved</button>`));
      assert.match(after.body, new RegExp(`formaction="/p/${replies[0]}/bookmark">Save</button>`), 'the other posts stay unsaved');
      const visitor = await app.inject({ url: topicUrl() });
      assert.doesNotMatch(visitor.body, /\/bookmark"/, 'a visitor has no Save button');
      assert.equal((await app.inject({ method: 'POST', url: `/p/${topic.postId}/bookmark` })).statusCode, 403, 'nor can a visitor post one');
      await agent.post(`/p/${topic.postId}/bookmark`, { undo: '1' }, topicUrl());
      assert.match((await agent.get(topicUrl())).body, new RegExp(`formaction="/p/${topic.postId}/bookmark">Save</button>`));
      assert.equal((await listBookmarks(database.db, reader)).bookmarks.length, 0);
    });

    test('the topic page knows the saved posts of its own page only, the same on one statement as query by query', async () => {
      // Reply 21 is post 22, on page 2.
      await bookmarkPost(database.db, reader, replies[20]!);
      await bookmarkPost(database.db, reader, replies[2]!);
      // The one-statement read is PostgreSQL's (its SQL); on SQLite the query-by-query read only.
      for (const oneRoundTrip of kind.name === 'postgres' ? [false, true] : [false]) {
        const first = await showTopic(database.db, reader, topic.id, 1, { oneRoundTrip, reader: true });
        const saved = [...first.abilities].filter(([, a]) => a.bookmarked).map(([id]) => id);
        assert.deepEqual(saved, [replies[2]], `page 1 (oneRoundTrip ${oneRoundTrip})`);
        const second = await showTopic(database.db, reader, topic.id, 2, { oneRoundTrip, reader: true });
        assert.deepEqual([...second.abilities].filter(([, a]) => a.bookmarked).map(([id]) => id), [replies[20]], `page 2 (oneRoundTrip ${oneRoundTrip})`);
        const other = await showTopic(database.db, author, topic.id, 1, { oneRoundTrip, reader: true });
        assert.ok([...other.abilities.values()].every((a) => !a.bookmarked && a.bookmark), 'another reader\'s saved posts are theirs alone');
      }
    });

    test('the list: newest saved first with notes, paged by key; a forged cursor is a 400 with a message', async () => {
      const db = database.db;
      // Saved in this order, one millisecond apart at least: newest first is the reverse.
      for (const id of replies.slice(5, 20)) {
        await bookmarkPost(db, reader, id);
        await new Promise((r) => setTimeout(r, 2));
      }
      assert.equal(await bookmarkPost(db, reader, replies[7]!, { note: '  check   after the upgrade ' }), false, 'saving again changes the note only');
      const all: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const { bookmarks, next }: Awaited<ReturnType<typeof listBookmarks>> = await listBookmarks(db, reader, parseBookmarkCursor(cursor ?? undefined), 6);
        all.push(...bookmarks.map((b) => b.postId));
        cursor = next;
        pages++;
      } while (cursor);
      assert.equal(pages, 3);
      assert.deepEqual(all.slice(0, 15), [...replies.slice(5, 20)].reverse(), 'newest saved first');
      assert.deepEqual(all.slice(15).sort((a, b) => a - b), [replies[2]!, replies[20]!].sort((a, b) => a - b), 'then the two saved before, each once');
      const listed = (await listBookmarks(db, reader)).bookmarks.find((b) => b.postId === replies[7])!;
      assert.equal(listed.note, 'check after the upgrade', 'spaces folded, ends trimmed');
      assert.equal(listed.topic.title, 'Router reboots every night');
      assert.equal(listed.author.username, author.username);
      assert.match(listed.excerpt, /^Reply number 8: try channel 8\.$/);

      const page = await agent.get('/bookmarks');
      assert.equal(page.statusCode, 200);
      assert.equal(page.headers['cache-control'], 'private, no-store');
      assert.match(page.body, /<h1>Saved posts<\/h1>/);
      assert.match(page.body, /value="check after the upgrade"/);
      assert.ok(page.body.includes(`href="${topicUrl(2)}#post-22"`), 'a post of page 2 links to page 2');
      assert.doesNotMatch(page.body, /rel="next"/, '17 saved posts fit on one page (30 a page)');
      assert.equal(page.body.match(/<li class="bookmark"/g)?.length, 17);
      // A later page by key: after the sixth.
      const next = (await listBookmarks(db, reader, null, 6)).next!;
      const second = await agent.get(`/bookmarks?after=${encodeURIComponent(next)}`);
      assert.equal(second.statusCode, 200);
      assert.equal(second.body.match(/<li class="bookmark"/g)?.length, 11);
      assert.match(second.body, /<a href="\/bookmarks">Newest<\/a>/);
      assert.ok(!second.body.includes(`id="saved-${replies[19]}"`), 'the newest is on the first page only');
      for (const bad of ['x', '2026-13-45T99:00:00Z~1', '2026-01-01T00:00:00Z~0', '2026-01-01T00:00:00Z~99999999999', "' or 1=1 --"]) {
        const r = await agent.get(`/bookmarks?after=${encodeURIComponent(bad)}`);
        assert.equal(r.statusCode, 400, bad);
        assert.match(r.body, /This link to a page of saved posts is not valid/);
      }
      assert.equal((await app.inject({ url: '/bookmarks' })).statusCode, 401, 'a visitor is asked to sign in');

      // The note from the list page, and back to the list.
      const note = await agent.post(`/p/${replies[7]}/bookmark`, { note: 'done, it works', from: 'list' }, '/bookmarks');
      assert.equal(note.statusCode, 303);
      assert.equal(note.headers.location, '/bookmarks');
      assert.equal((await listBookmarks(db, reader)).bookmarks.find((b) => b.postId === replies[7])!.note, 'done, it works');
      const long = await agent.post(`/p/${replies[7]}/bookmark`, { note: 'x'.repeat(NOTE_MAX + 1), from: 'list' }, '/bookmarks');
      assert.equal(long.statusCode, 400);
      assert.match(long.body, new RegExp(`A note can be at most ${NOTE_MAX} characters`));
      assert.equal((await listBookmarks(db, reader)).bookmarks.find((b) => b.postId === replies[7])!.note, 'done, it works', 'nothing changed');
    });

    test('a post no longer readable drops out of the list (deleted, or its topic moved to a staff board), and comes back with it', async () => {
      const db = database.db;
      const before = (await listBookmarks(db, reader, null, 100)).bookmarks.map((b) => b.postId);
      assert.ok(before.includes(replies[9]!));
      await deletePost(db, author, replies[9]!);
      assert.ok(!(await listBookmarks(db, reader, null, 100)).bookmarks.some((b) => b.postId === replies[9]), 'a deleted post');
      await bookmarkPost(db, moderator, replies[3]!);
      await moveTopic(db, moderator, topic.id, 'team-room');
      assert.deepEqual((await listBookmarks(db, reader, null, 100)).bookmarks, [], 'a member does not see a staff board');
      assert.ok(!(await agent.get('/bookmarks')).body.includes('Router reboots every night'), 'nor does the page show its title');
      assert.deepEqual((await listBookmarks(db, moderator, null, 100)).bookmarks.map((b) => b.postId), [replies[3]], 'a moderator still does');
      await assert.rejects(bookmarkPost(db, reader, replies[4]!), { status: 404 }, 'nor can the member save a post there');
      await moveTopic(db, moderator, topic.id, 'home-internet');
      assert.equal((await listBookmarks(db, reader, null, 100)).bookmarks.length, before.length - 1, 'back, but for the deleted post');
    });

    test('the API: list, save with a note, remove; a token sees its owner\'s saved posts only', async () => {
      const { token } = await createApiToken(database.db, reader, { name: 'saved posts', expiresInDays: null });
      const { token: other } = await createApiToken(database.db, author, { name: 'other', expiresInDays: null });
      const call = (method: 'GET' | 'PUT' | 'DELETE', url: string, bearer: string, payload?: unknown) =>
        app.inject({ method, url, headers: { authorization: `Bearer ${bearer}`, ...(payload ? { 'content-type': 'application/json' } : {}) }, ...(payload ? { payload: JSON.stringify(payload) } : {}) });
      const put = await call('PUT', `/api/v1/me/bookmarks/${replies[0]}`, token, { note: 'for the FAQ' });
      assert.equal(put.statusCode, 200, put.body);
      assert.deepEqual(put.json(), { postId: replies[0], saved: true, created: true });
      const list = await call('GET', '/api/v1/me/bookmarks', token);
      assert.equal(list.statusCode, 200);
      const first = list.json().bookmarks[0];
      assert.equal(first.postId, replies[0]);
      assert.equal(first.note, 'for the FAQ');
      assert.ok(first.url.endsWith(`${topicUrl()}#post-2`), first.url);
      assert.equal((await call('GET', '/api/v1/me/bookmarks', other)).json().bookmarks.length, 0, 'another person\'s list is their own');
      assert.equal((await call('GET', '/api/v1/me/bookmarks?after=nonsense', token)).statusCode, 400);
      assert.equal((await call('PUT', '/api/v1/me/bookmarks/999999', token, {})).statusCode, 404, 'no such post');
      const tooLong = await call('PUT', `/api/v1/me/bookmarks/${replies[0]}`, token, { note: 'x'.repeat(NOTE_MAX + 1) });
      assert.equal(tooLong.statusCode, 400);
      assert.match(tooLong.json().message, /A note can be at most/);
      const del = await call('DELETE', `/api/v1/me/bookmarks/${replies[0]}`, token);
      assert.deepEqual(del.json(), { postId: replies[0], saved: false, removed: true });
      assert.deepEqual((await call('DELETE', `/api/v1/me/bookmarks/${replies[0]}`, token)).json(), { postId: replies[0], saved: false, removed: false }, 'again: no error');
      const topicJson = await call('GET', `/api/v1/topics/${topic.id}`, token);
      assert.equal(topicJson.statusCode, 200);
      const post = topicJson.json().posts.find((p: { id: number }) => p.id === replies[2]);
      assert.equal(post.you.bookmarked, true, 'the topic\'s posts say which the caller saved');
      assert.equal(post.you.bookmark, true);
    });

    test('a person keeps at most so many saved posts (MAX_BOOKMARKS; here 3): the next is a 409 with a message, a note still changes', async () => {
      const db = database.db;
      const heavy = await makeUser(db, [], 'heavy_saver');
      for (const id of replies.slice(0, 3)) assert.equal(await bookmarkPost(db, heavy, id, {}, 3), true);
      await assert.rejects(bookmarkPost(db, heavy, replies[3]!, {}, 3), (err: Error & { status?: number }) => err.status === 409 && /at most 3 saved posts/.test(err.message));
      assert.equal(await bookmarkPost(db, heavy, replies[0]!, { note: 'still editable' }, 3), false);
      assert.equal(MAX_BOOKMARKS, 2000);
    });

    test('reminders: set from the list page or the API, a notification once when due (two sweeps at once send one), none for a post no longer readable', async () => {
      const db = database.db;
      const ria = await makeUser(db, [], 'reminded_ria');
      const ria2 = new Agent(app);
      assert.equal((await ria2.post('/signin', { login: ria.username, password: PASSWORD }, '/signin')).statusCode, 303);
      await bookmarkPost(db, ria, replies[10]!);
      const before = Date.now();
      const set = await ria2.post(`/p/${replies[10]}/bookmark`, { note: '', remind: '1d', from: 'list' }, '/bookmarks');
      assert.equal(set.statusCode, 303);
      const saved = (await listBookmarks(db, ria)).bookmarks[0]!;
      const at = Date.parse(saved.remindAt!);
      assert.ok(at >= before + 86_400_000 && at <= Date.now() + 86_400_000, saved.remindAt!);
      const page = await ria2.get('/bookmarks');
      assert.match(page.body, /<option value="keep" selected>As set: /);
      // The post's own Save button leaves note and reminder as they are.
      await ria2.post(`/p/${replies[10]}/bookmark`, {}, topicUrl());
      assert.equal((await listBookmarks(db, ria)).bookmarks[0]!.remindAt, saved.remindAt);
      // Not yet due: nothing; due: one notification, whichever sweep claims it.
      assert.equal(await sendBookmarkReminders(db, at - 1000), 0);
      const sent = await Promise.all([sendBookmarkReminders(db, at + 1000), sendBookmarkReminders(db, at + 1000)]);
      assert.equal(sent[0] + sent[1], 1);
      const told = (await listNotifications(db, ria, at + 2000)).filter((g) => g.kind === 'reminder');
      assert.equal(told.length, 1);
      assert.equal(told[0]!.topic!.id, topic.id);
      assert.match(told[0]!.url, /#post-12$/);
      assert.equal((await listBookmarks(db, ria)).bookmarks[0]!.remindAt, null, 'sent once, then cleared');
      assert.equal(await sendBookmarkReminders(db, at + 60_000), 0);
      // Choosing "No reminder" clears one.
      await bookmarkPost(db, ria, replies[10]!, { remindAt: new Date(Date.now() + 3_600_000).toISOString() });
      await ria2.post(`/p/${replies[10]}/bookmark`, { note: '', remind: 'none', from: 'list' }, '/bookmarks');
      assert.equal((await listBookmarks(db, ria)).bookmarks[0]!.remindAt, null);

      // A reminder on a post moved out of the reader's sight: cleared, nobody told.
      await bookmarkPost(db, ria, replies[11]!, { remindAt: new Date(Date.now() + 60_000).toISOString() });
      await moveTopic(db, moderator, topic.id, 'team-room');
      try {
        assert.equal(await sendBookmarkReminders(db, Date.now() + 120_000), 0);
        const left = await db.selectFrom('bookmarks').select('remind_at').where('user_id', '=', ria.id).where('post_id', '=', replies[11]!).executeTakeFirstOrThrow();
        assert.equal(left.remind_at, null);
      } finally {
        await moveTopic(db, moderator, topic.id, 'home-internet');
      }

      // Bad reminders: in the past, too far ahead, not a time.
      for (const bad of [new Date(Date.now() - 60_000).toISOString(), new Date(Date.now() + 400 * 86_400_000).toISOString(), 'tomorrow', `${new Date().getUTCFullYear() + 1}-02-30T10:00:00Z`]) {
        await assert.rejects(bookmarkPost(db, ria, replies[10]!, { remindAt: bad }), (err: Error & { status?: number }) => err.status === 400 && /A reminder must be a date and time in the next year/.test(err.message), bad);
      }
      const { token } = await createApiToken(db, ria, { name: 'reminders', expiresInDays: null });
      const when = new Date(Date.now() + 7 * 86_400_000).toISOString();
      const put = await app.inject({ method: 'PUT', url: `/api/v1/me/bookmarks/${replies[10]}`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ remindAt: when }) });
      assert.equal(put.statusCode, 200, put.body);
      const listed = await app.inject({ url: '/api/v1/me/bookmarks', headers: { authorization: `Bearer ${token}` } });
      assert.equal(listed.json().bookmarks.find((b: { postId: number }) => b.postId === replies[10]).remindAt, when);
      const past = await app.inject({ method: 'PUT', url: `/api/v1/me/bookmarks/${replies[10]}`, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify({ remindAt: '2000-01-01T00:00:00Z' }) });
      assert.equal(past.statusCode, 400);
    });

    test('the export carries the saved posts and their notes; deleting the account removes them', async () => {
      const db = database.db;
      await bookmarkPost(db, reader, replies[1]!, { note: 'export me' });
      const data = await exportMyData(db, reader);
      assert.ok(data.bookmarks.some((b) => b.post_id === replies[1] && b.note === 'export me'));
      await deleteAccount(db, reader, PASSWORD, app.files);
      const left = await db.selectFrom('bookmarks').select('post_id').where('user_id', '=', reader.id).execute();
      assert.deepEqual(left, []);
    });
  });
}
