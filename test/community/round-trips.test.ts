// Few round trips per page on PostgreSQL, the same pages as SQLite (issue 19). Every query the
// server runs is counted per route through the slow-query hook (src/db/slow-queries.ts) with a
// threshold below any query's time: on PostgreSQL each is one round trip to the server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { acceptAnswer } from '../../src/community/accept-answer.ts';
import { giveKudos } from '../../src/community/give-kudos.ts';
import { deletePost } from '../../src/community/delete-post.ts';
import { showTopic } from '../../src/community/show-topic.ts';
import { readTopicPage } from '../../src/community/topic-page-postgres.ts';
import { listBoardTopics } from '../../src/community/list-board-topics.ts';
import { homePage } from '../../src/community/list-boards.ts';
import { headerCountColumns, headerCounts, headerCountsFrom } from '../../src/accounts/signed-in-facts.ts';
import { sql } from 'kysely';
import { extraColumns } from '../../src/db/named-statements.ts';
import { keptSince, unreadCountQuery } from '../../src/notifications/list-notifications.ts';
import { unreadConversationsQuery } from '../../src/conversations/unread-conversations.ts';
import { openReviewsQuery } from '../../src/moderation/queue-items.ts';
import { can } from '../../src/policy/policy.ts';
import { startConversation } from '../../src/conversations/start-conversation.ts';
import { countOpenReviews } from '../../src/moderation/queue-items.ts';
import { firstUnread, readerOnTopic } from '../../src/notifications/tracking.ts';
import { setWatch, watchLevel } from '../../src/notifications/watch.ts';
import { moveTopic } from '../../src/moderation/reorganize-topics.ts';
import { createSession, SESSION_COOKIE } from '../../src/accounts/sessions.ts';
import { logSlowQueries, type SlowQuery } from '../../src/db/slow-queries.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { forgetAuthor } from '../../src/accounts/find-user.ts';
import { testServer } from '../helpers/server.ts';

// What each database rendered, to compare once both ran.
const pages = new Map<string, Map<string, string>>();
const counts = new Map<string, Map<string, number>>();

for (const kind of testDatabaseKinds()) {
  describe(`page round trips on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let topicId = 0;
    let cookie = '';
    let staffCookie = '';
    let reader: Awaited<ReturnType<typeof makeUser>>;
    let moderatorId = 0;
    before(async () => {
      database = await kind.open();
      const db = database.db;
      const author = await makeUser(db, [], 'trips_author');
      reader = await makeUser(db, [], 'trips_reader');
      const moderator = await makeUser(db, ['moderator'], 'trips_mod');
      moderatorId = moderator.id;
      await createBoard(db, null, { name: 'General', slug: 'general' });
      await createBoard(db, null, { name: 'Billing', slug: 'billing' });
      const q = await createTopic(db, author, { boardSlug: 'billing', kind: 'question', title: 'Invoices arrive twice', body: 'Why **twice**?', tags: ['invoices', 'email'] });
      topicId = q.id;
      const replies: number[] = [];
      for (let i = 0; i < 24; i++) replies.push((await createReply(db, i % 2 ? moderator : reader, { topicId, body: `Reply number ${i}` })).id);
      await acceptAnswer(db, author, replies[2]!); // on page 1, shown on page 2 too
      await giveKudos(db, reader, replies[1]!);
      await giveKudos(db, reader, replies[21]!);
      await deletePost(db, moderator, replies[5]!);
      await moveTopic(db, moderator, topicId, 'general'); // a notice on the topic
      const others: number[] = [];
      for (let i = 0; i < 3; i++) others.push((await createTopic(db, author, { boardSlug: 'general', kind: 'discussion', title: `Other topic ${i}`, body: 'text', tags: i ? ['email'] : [] })).id);
      // The bell empty on both databases (opening a topic marks its notifications read after the
      // response: a count that depends on when that ran)...
      await db.updateTable('notifications').set({ read_at: '2026-01-01T00:00:00.000Z' }).execute();
      // ...but for one about a topic the reader does not open here; and an unread private
      // message: both header counts show. On the board: kudos on a first post, one topic the
      // reader opened before with a post unread since, and the reader watches the board.
      await db.insertInto('notifications').values({ user_id: reader.id, kind: 'reply', actor_id: author.id, topic_id: others[0]!, post_id: null, created_at: new Date().toISOString(), read_at: null, outcome: null, reason: null, until_at: null, subject_title: null }).execute();
      await startConversation(db, author, { to: ['trips_reader'], subject: 'Header count', body: 'Did you see this?' });
      const first = await db.selectFrom('posts').select('id').where('topic_id', '=', others[2]!).where('post_number', '=', 1).executeTakeFirstOrThrow();
      await giveKudos(db, reader, first.id);
      await db.insertInto('topic_reads').values({ user_id: reader.id, topic_id: others[1]!, last_read_post_number: 0, updated_at: new Date().toISOString() }).execute();
      const general = await db.selectFrom('boards').select('id').where('slug', '=', 'general').executeTakeFirstOrThrow();
      await setWatch(db, reader, 'board', general.id, 'watching');
      app = await testServer(database);
      cookie = `${SESSION_COOKIE}=${app.signCookie((await createSession(db, reader.id)).token)}`;
      staffCookie = `${SESSION_COOKIE}=${app.signCookie((await createSession(db, moderator.id)).token)}`;
    });
    after(async () => {
      logSlowQueries(0, null);
      await app?.close();
      await database?.drop();
    });

    test('reads per page, and the pages as rendered', async () => {
      const urls = { topic: `/t/invoices-arrive-twice/${topicId}`, topic2: `/t/invoices-arrive-twice/${topicId}?page=2`, board: '/b/general', home: '/' };
      const seen: SlowQuery[] = [];
      const mine = new Map<string, number>();
      const rendered = new Map<string, string>();
      // A visitor, a member, and staff (whose header also counts the review queue).
      for (const [who, headers] of [['', {}], ['signed-in ', { cookie }], ['staff ', { cookie: staffCookie }]] as const) {
        for (const [name, url] of Object.entries(urls)) {
          const warm = await app.inject({ url, headers }); // warms the caches
          assert.equal(warm.statusCode, 200, url);
          // A signed-in topic view records what was read after the response: let that finish so
          // that it is not counted as the next page's, nor missing from it. First the position
          // itself (the page's last post; a loaded machine can take longer than the quiet wait
          // below to start the write)...
          if ('cookie' in headers && name.startsWith('topic')) {
            const userId = who === 'staff ' ? moderatorId : reader.id;
            const lastShown = Math.max(0, ...[...warm.body.matchAll(/ id="post-(\d+)"/g)].map((m) => Number(m[1])));
            for (let waited = 0; waited < 100; waited++) {
              const row = await database.db.selectFrom('topic_reads').select('last_read_post_number').where('user_id', '=', userId).where('topic_id', '=', topicId).executeTakeFirst();
              if (row && row.last_read_post_number >= lastShown) break;
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
          }
          // ...then no query for 150 ms (the notifications marked read).
          let last = 0;
          logSlowQueries(Number.MIN_VALUE, () => void last++);
          for (let before = -1, waited = 0; before !== last && waited < 40; waited++) {
            before = last;
            await new Promise((resolve) => setTimeout(resolve, 150));
          }
          seen.length = 0;
          logSlowQueries(Number.MIN_VALUE, (q) => seen.push(q));
          const res = await app.inject({ url, headers });
          logSlowQueries(0, null);
          assert.equal(res.statusCode, 200, url);
          // Reads only: writes after the page (what the reader has read) are not part of it.
          mine.set(`${who}${name}`, seen.filter((q) => /^\s*(select|with)\b/i.test(q.sql)).length);
          if (process.env.SHOW_READS) process.stderr.write(`${kind.name} ${who}${name}:\n${seen.map((q) => '  ' + q.sql.slice(0, 150)).join('\n')}\n`);
          rendered.set(`${who}${name}`, res.body);
        }
      }
      counts.set(kind.name, mine);
      pages.set(kind.name, rendered);
      if (kind.name === 'postgres') {
        // One statement for what a visitor's page reads. A signed-in page: the session (user,
        // roles, moderated boards, avatar) and one statement with the page, the reader's own
        // facts (how far they read, what they watch) and the header's counts. Counted in all
        // (none may run beside another), so at most two round trips one after the other.
        for (const page of Object.keys(urls)) assert.ok(mine.get(page)! <= 1, `${page}: ${mine.get(page)} reads`);
        for (const who of ['signed-in', 'staff']) {
          for (const page of Object.keys(urls)) assert.ok(mine.get(`${who} ${page}`)! <= 2, `${who} ${page}: ${mine.get(`${who} ${page}`)} reads`);
        }
      }
      // What the signed-in pages read with the page shows on them (on both databases).
      for (const page of Object.keys(urls)) {
        const html = rendered.get(`signed-in ${page}`)!;
        assert.match(html, /class="bell"[^]*?<span class="count">1<span class="sr-only">/, `${page}: the bell's count`);
        assert.match(html, /<a href="\/messages">[^<]*<span class="count unread-count">1</, `${page}: unread messages`);
      }
      for (const page of Object.keys(urls)) assert.match(rendered.get(`staff ${page}`)!, /class="review-count"/, `${page}: the review queue's count`);
      assert.match(rendered.get('signed-in topic')!, /href="\/t\/invoices-arrive-twice\/\d+\?page=2#post-21"/, 'the first unread post');
      assert.match(rendered.get('signed-in board')!, /<span class="unread-count">/, 'unread posts in the list');
      assert.match(rendered.get('signed-in board')!, /<option value="watching" selected>/, 'watching the board');
      assert.match(rendered.get('board')!, /class="kudos-count"/, 'kudos in the list');
      process.stderr.write(`reads per page on ${kind.name}: ${JSON.stringify(Object.fromEntries(mine))}\n`);
    });

    test("the reader's facts in one statement equal the two lookups", async () => {
      const topic = { id: topicId, slug: 'invoices-arrive-twice' };
      const other = await makeUser(database.db, [], `trips_other_${kind.name}`);
      const lastRead = async (who: { id: number }) => (await database.db.selectFrom('topic_reads').select('last_read_post_number').where('user_id', '=', who.id).where('topic_id', '=', topicId).executeTakeFirst())?.last_read_post_number ?? null;
      for (const who of [reader, other]) {
        assert.deepEqual(await readerOnTopic(database.db, who, topic), { firstUnread: await firstUnread(database.db, who, topic), watch: await watchLevel(database.db, who, 'topic', topicId), lastRead: await lastRead(who) });
      }
      // Read up to post 3 and watching: the next unread is post 4 (post 7 was deleted, not 4).
      await database.db.updateTable('topic_reads').set({ last_read_post_number: 3 }).where('user_id', '=', reader.id).execute();
      await setWatch(database.db, reader, 'topic', topicId, 'watching');
      const facts = await readerOnTopic(database.db, reader, topic);
      assert.deepEqual(facts, { firstUnread: { postNumber: 4, url: `/t/invoices-arrive-twice/${topicId}#post-4` }, watch: 'watching', lastRead: 3 });
      assert.deepEqual(facts, { firstUnread: await firstUnread(database.db, reader, topic), watch: await watchLevel(database.db, reader, 'topic', topicId), lastRead: await lastRead(reader) });
      // The topic page read query by query (SQLite's way) takes the same facts along with the
      // topic's row, and the kudos the reader gave on that page (replies 2 and 22: posts 3, 23).
      for (const who of [reader, other]) {
        for (const page of [1, 2]) {
          const shown = await showTopic(database.db, who, topicId, page, { oneRoundTrip: false, reader: true });
          assert.deepEqual(shown.reader, await readerOnTopic(database.db, who, topic), `page ${page}: the reader's facts`);
          const given = [...shown.abilities].filter(([, a]) => a.gaveKudos).map(([id]) => shown.posts.find((p) => p.id === id)!.post_number);
          assert.deepEqual(given, who === reader ? [page === 1 ? 3 : 23] : [], `page ${page}: the kudos given`);
        }
      }
    });

    test('the one-statement topic page equals the query-by-query one', { skip: kind.name !== 'postgres' }, async () => {
      const db = database.db;
      for (const actor of [null, reader]) {
        for (const page of [1, 2]) {
          for (const reading of [false, true]) {
            const extra = actor ? headerCountColumns(db, actor) : null;
            const { extra: values, ...one } = await showTopic(db, actor, topicId, page, { oneRoundTrip: true, reader: reading, extra });
            const { extra: none, ...many } = await showTopic(db, actor, topicId, page, { oneRoundTrip: false, reader: reading });
            assert.deepEqual(one, many, `page ${page}, ${actor ? 'signed in' : 'visitor'}${reading ? ", with the reader's facts" : ''}`);
            assert.equal(none, null);
            assert.deepEqual(headerCountsFrom(values), actor ? await headerCounts(db, actor) : null);
          }
        }
      }
    });

    // The posts come back as rows and the rest as JSON on the first: a range without posts still
    // brings the topic (and its accepted answer), no topic brings no row.
    test('the one-statement topic read past the last post and of a topic that does not exist', { skip: kind.name !== 'postgres' }, async () => {
      const db = database.db;
      const past = await readTopicPage(db, topicId, 100, 120, 0);
      assert.ok(past);
      assert.equal(past.topic.id, topicId);
      assert.deepEqual(past.posts, []);
      assert.equal(past.answer?.id, past.topic.solved_post_id);
      assert.ok(past.tags.length > 0 || past.notices.length > 0);
      const first = await readTopicPage(db, topicId, 0, 20, 0);
      assert.deepEqual(first!.posts.map((p) => p.post_number), Array.from({ length: 20 }, (_, i) => i + 1));
      assert.equal(await readTopicPage(db, 2_000_000_000, 0, 20, 0), undefined);
    });

    test("the header's count columns, compiled once per shape, are the statements Kysely builds for each actor", { skip: kind.name !== 'postgres' }, async () => {
      const db = database.db;
      const boardModerator = { ...(await makeUser(db, [], 'trips_boardkeeper')), boards: new Set([2, 1]) };
      const admin = await makeUser(db, ['admin'], 'trips_admin');
      const moderator = await makeUser(db, ['moderator'], 'trips_mod_3');
      const compiled = (extra: ReturnType<typeof headerCountColumns>) => sql`select 1${extraColumns(extra, 'x')}`.compile(db);
      for (const actor of [reader, moderator, admin, boardModerator, reader, { ...boardModerator, boards: new Set([3]) }]) {
        const from = keptSince(Date.now());
        const direct: ReturnType<typeof headerCountColumns> = { header_notifications: unreadCountQuery(db, actor, 0, from), header_messages: unreadConversationsQuery(db, actor) };
        if (can(actor, 'queue.review', null)) direct.header_reviews = openReviewsQuery(db, actor);
        const once = compiled(headerCountColumns(db, actor));
        const built = compiled(direct);
        assert.equal(once.sql, built.sql, actor.username);
        // The oldest notification kept is read at each call: equal to the millisecond or nearly.
        const near = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? Math.round(Date.parse(v) / 60_000) : v);
        assert.deepEqual(once.parameters.map(near), built.parameters.map(near), actor.username);
        assert.ok(once.parameters.includes(actor.id));
      }
    });

    test("the rendered topic page's statement carries the plain text of its first post not deleted only", { skip: kind.name !== 'postgres' }, async () => {
      const db = database.db;
      // Page 2 once as it is (post 21 leads) and once with post 21 deleted (post 22 leads).
      for (const deleteFirst of [false, true]) {
        const at = deleteFirst ? '2026-01-02T00:00:00.000Z' : null;
        await db.updateTable('posts').set({ deleted_at: at }).where('topic_id', '=', topicId).where('post_number', '=', 21).execute();
        for (const actor of [null, reader]) {
          for (const page of [1, 2]) {
            const extra = actor ? headerCountColumns(db, actor) : null;
            const { extra: _values, ...one } = await showTopic(db, actor, topicId, page, { oneRoundTrip: true, reader: !!actor, extra, leadText: true });
            const { extra: _none, ...many } = await showTopic(db, actor, topicId, page, { oneRoundTrip: false, reader: !!actor });
            const lead = many.posts.find((p) => !p.deleted_at)!;
            assert.equal(lead.post_number, page === 1 ? 1 : deleteFirst ? 22 : 21);
            assert.ok(lead.body_text.startsWith(page === 1 ? 'Why' : 'Reply number'), lead.body_text);
            for (const p of new Set([...many.posts, ...(many.answer ? [many.answer] : [])])) if (p !== lead) p.body_text = '';
            assert.deepEqual(one, many, `page ${page}, ${actor ? 'signed in' : 'visitor'}${deleteFirst ? ', first post deleted' : ''}`);
          }
        }
      }
      await db.updateTable('posts').set({ deleted_at: null }).where('topic_id', '=', topicId).where('post_number', '=', 21).execute();
    });

    test('the one-statement board and home pages equal the query-by-query ones', { skip: kind.name !== 'postgres' }, async () => {
      const db = database.db;
      const moderator = await makeUser(db, ['moderator'], 'trips_mod_2');
      for (const actor of [null, reader, moderator]) {
        const extra = actor ? headerCountColumns(db, actor) : null;
        for (const reading of [false, true]) {
          for (const [page, start] of [[1, null], [2, null]] as const) {
            const { extra: values, ...one } = await listBoardTopics(db, actor, 'general', page, 'latest', undefined, start, { oneRoundTrip: true, reader: reading, extra }).catch((e: Error) => ({ extra: null, error: e.message }));
            const { extra: none, ...many } = await listBoardTopics(db, actor, 'general', page, 'latest', undefined, start, { oneRoundTrip: false, reader: reading }).catch((e: Error) => ({ extra: null, error: e.message }));
            assert.deepEqual(one, many, `board page ${page}, ${actor ? 'signed in' : 'visitor'}`);
            assert.equal(none, null);
            if (!('error' in one)) assert.deepEqual(headerCountsFrom(values), actor ? await headerCounts(db, actor) : null);
          }
        }
        const { extra: values, ...one } = await homePage(db, actor, 10, { oneRoundTrip: true, extra });
        const { extra: none, ...many } = await homePage(db, actor, 10, { oneRoundTrip: false });
        assert.deepEqual(one, many, `home, ${actor ? 'signed in' : 'visitor'}`);
        assert.equal(none, null);
        assert.deepEqual(headerCountsFrom(values), actor ? await headerCounts(db, actor) : null);
        // Staff's header also counts the review queue (as countOpenReviews), others' does not.
        assert.equal(values?.header_reviews, actor === moderator ? await countOpenReviews(db, moderator) : undefined);
      }
    });

    test('a page that reads the header counts with its data still shows them when it fails', async () => {
      const res = await app.inject({ url: '/t/no-such-topic/2000000', headers: { cookie } });
      assert.equal(res.statusCode, 404);
      assert.match(res.body, /class="bell"[^]*?<span class="count">1<span class="sr-only">/);
      assert.match(res.body, /<a href="\/messages">[^<]*<span class="count unread-count">1</);
    });

    test('the same pages as SQLite', { skip: kind.name !== 'postgres' }, (t) => {
      if (!pages.has('sqlite')) return t.skip('the SQLite run did not finish');
      // Times differ (the data was written at other moments), and so do per-server secrets.
      const normal = (html: string) => html
        .replace(/<time[^>]*>[^<]*<\/time>/g, '<time>')
        .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T')
        .replace(/name="_csrf" value="[^"]*"/g, '')
        .replace(/(csrf|nonce)[^"]*"[^"]*"/gi, '')
        .replace(/\?v=[\w-]+/g, '');
      const sqlite = pages.get('sqlite')!;
      for (const [name, html] of pages.get('postgres')!) {
        const a = normal(sqlite.get(name)!).split('\n');
        const b = normal(html).split('\n');
        const differ = a.findIndex((line, i) => line !== b[i]);
        assert.equal(differ, -1, `${name} differs at line ${differ + 1}:\n sqlite:   ${a[differ]}\n postgres: ${b[differ]}`);
        assert.equal(a.length, b.length, name);
      }
    });

    // The PostgreSQL page leaves out of its statement the authors whose cards the server holds
    // (as the SQLite page reads only the missing ones): a name changed behind the server's back
    // shows once the card is forgotten, as on SQLite. Each page: a user it shows, and their name there.
    const shown = {
      topic: async () => ({ id: reader.id, name: (await showTopic(database.db, null, topicId, 1)).posts.find((p) => p.user_id === reader.id)!.display_name }),
      board: async () => {
        const t = (await listBoardTopics(database.db, null, 'general', 1)).topics.find((x) => x.id === topicId)!;
        return { id: t.last_user_id, name: t.last_user_name };
      },
    };
    for (const [page, show] of Object.entries(shown)) {
      test(`a ${page} page reads only the authors whose cards the server lacks`, async () => {
        const db = database.db;
        const { id, name: before } = await show();
        await db.updateTable('users').set({ display_name: 'Renamed behind the cards' }).where('id', '=', id).execute();
        try {
          assert.equal((await show()).name, before);
          forgetAuthor(db, id);
          assert.equal((await show()).name, 'Renamed behind the cards');
        } finally {
          await db.updateTable('users').set({ display_name: before }).where('id', '=', id).execute();
          forgetAuthor(db, id);
        }
      });
    }
  });
}
