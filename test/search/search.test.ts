// Full-text search on both databases: stemming (English and Dutch), phrases, prefixes, ranking,
// snippets, filters, visibility, the index kept current by writes, and hostile query text.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { editPost } from '../../src/community/edit-post.ts';
import { deletePost } from '../../src/community/delete-post.ts';
import { acceptAnswer } from '../../src/community/accept-answer.ts';
import { createArticle } from '../../src/knowledge/create-article.ts';
import { publishArticle } from '../../src/knowledge/publish-article.ts';
import { editArticle } from '../../src/knowledge/edit-article.ts';
import { searchContent, type SearchInput } from '../../src/search/search-content.ts';
import { rebuildSearchIndex } from '../../src/search/rebuild-index.ts';
import type { Actor } from '../../src/policy/policy.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';

for (const kind of testDatabaseKinds()) {
  describe(`search on ${kind.name}`, () => {
    let database: TestDatabase;
    let member: Actor & { username: string };
    let other: Actor & { username: string };
    let employee: Actor & { username: string };
    let mod: Actor & { username: string };
    let cm: Actor & { username: string };
    const ids: Record<string, { id: number; postId: number }> = {};
    const find = (actor: Actor | null, q: string, extra: Partial<SearchInput> = {}) => searchContent(database.db, actor, { q, ...extra });
    const titles = async (actor: Actor | null, q: string, extra: Partial<SearchInput> = {}) => (await find(actor, q, extra)).results.map((r) => `${r.type}:${r.title}`);

    before(async () => {
      database = await kind.open();
      const db = database.db;
      await createBoard(db, null, { name: 'Billing', slug: 'billing' });
      await createBoard(db, null, { name: 'Internet', slug: 'internet' });
      await createBoard(db, null, { name: 'Members lounge', slug: 'lounge', visibility: 'members' });
      await createBoard(db, null, { name: 'Staff room', slug: 'staff', visibility: 'staff' });
      member = await makeUser(db, [], 'mia_member');
      other = await makeUser(db, [], 'otto_other');
      employee = await makeUser(db, ['employee'], 'eva_employee');
      mod = await makeUser(db, ['moderator'], 'max_mod');
      cm = await makeUser(db, ['community_manager'], 'carl_cm');
      const t = async (key: string, actor: Actor, input: { board: string; kind?: 'question' | 'discussion'; title: string; body: string; tags?: string; at?: string }) => {
        const r = await createTopic(db, actor, { boardSlug: input.board, kind: input.kind ?? 'question', title: input.title, body: input.body, ...(input.tags ? { tags: input.tags } : {}), ...(input.at ? { at: input.at } : {}) });
        ids[key] = { id: r.id, postId: r.postId };
      };
      await t('invoices', member, { board: 'billing', title: 'Invoices are not arriving by e-mail', body: 'Since March my monthly bill never reaches my inbox.', tags: 'email, invoices', at: '2026-03-10T10:00:00.000Z' });
      await t('facturen', other, { board: 'billing', title: 'Facturen komen niet aan', body: 'Mijn maandelijkse factuur staat niet in mijn mailbox.', at: '2026-04-01T10:00:00.000Z' });
      await t('router', member, { board: 'internet', kind: 'discussion', title: 'Which router do you use?', body: 'I reset the router every week. Thoughts?', at: '2026-05-01T10:00:00.000Z' });
      await t('reset', other, { board: 'internet', title: 'Connection drops every evening', body: 'I tried to reset it and the router lights stay orange. <script>alert(1)</script> & more', at: '2026-05-02T10:00:00.000Z' });
      await t('lounge', member, { board: 'lounge', kind: 'discussion', title: 'Members only chat about routers', body: 'Nothing secret, just members.', at: '2026-05-03T10:00:00.000Z' });
      await t('staff', mod, { board: 'staff', kind: 'discussion', title: 'Router recall plan (internal)', body: 'The staff discuss the router recall here.', at: '2026-05-04T10:00:00.000Z' });
      const reply = await createReply(db, employee, { topicId: ids.invoices!.id, body: 'Check your spam folder: invoices come from billing@ our domain.', at: '2026-03-11T10:00:00.000Z' });
      ids.answer = { id: ids.invoices!.id, postId: reply.id };
      await acceptAnswer(db, member, reply.id);
      const draft = await createArticle(db, cm, { title: 'Router setup guide', body: 'How to set up the router and reset it to factory settings.' });
      ids.guide = { id: draft.id, postId: 0 };
      await createArticle(db, cm, { title: 'Unpublished router draft', body: 'Not yet public: router quokka.' });
      await publishArticle(db, cm, draft.slug);
    });
    after(async () => database.drop());

    test('English and Dutch words are found by their other forms (stemming)', async () => {
      assert.deepEqual(await titles(null, 'invoice'), ['topic:Invoices are not arriving by e-mail', 'post:Invoices are not arriving by e-mail']);
      assert.deepEqual(await titles(null, 'arrive'), ['topic:Invoices are not arriving by e-mail']);
      // Dutch: "factuur" (singular) finds "Facturen" (plural) in the title and "factuur" in the body.
      assert.deepEqual(await titles(null, 'factuur'), ['topic:Facturen komen niet aan']);
      assert.deepEqual(await titles(null, 'maandelijks'), ['topic:Facturen komen niet aan']);
      assert.deepEqual(await titles(null, 'nothingmatchesthis'), []);
    });

    test('phrases match words in order, prefixes match word starts', async () => {
      const phrase = await titles(null, '"reset the router"');
      assert.deepEqual(phrase, ['topic:Which router do you use?'], 'only the post with the exact phrase (the other has "reset it and the router")');
      const words = await titles(null, 'reset router');
      assert.ok(words.includes('topic:Connection drops every evening') && words.includes('topic:Which router do you use?'));
      assert.deepEqual(await titles(null, 'maandel*'), ['topic:Facturen komen niet aan']);
      assert.ok((await titles(null, 'rout*')).includes('topic:Which router do you use?'));
      assert.deepEqual(await titles(null, 'rout'), [], 'without * a part of a word is not a match');
    });

    test('PostgreSQL: each plan for the newest matches finds the same documents', { skip: kind.name !== 'postgres' }, async () => {
      const { candidatesSql } = await import('../../src/search/search-content.ts');
      const { parseQuery, toTsquery } = await import('../../src/search/query.ts');
      for (const q of ['router', 'rout*', 'rese* router', '"reset the router"', 'factuur', 'nothingmatchesthis']) {
        const ts = toTsquery(parseQuery(q));
        const ids = async (plan: Parameters<typeof candidatesSql>[0]) => (await sql<{ id: number }>`${candidatesSql(plan, ts)}`.execute(database.db)).rows.map((r) => r.id);
        const planned = await ids({ kind: 'planned' });
        assert.deepEqual(await ids({ kind: 'bitmap' }), planned, q);
        assert.deepEqual(await ids({ kind: 'window', after: 0 }), planned, q);
        if (q !== 'nothingmatchesthis') assert.ok(planned.length > 0, q);
        // A prefix's window: read with index scans off, its ids handed to the ranking statement.
        const indexesOnly = await database.db.transaction().execute(async (tx) => {
          await sql`set local enable_indexscan = off`.execute(tx);
          return (await sql<{ id: number }>`${candidatesSql({ kind: 'window', after: 0, indexesOnly: true }, ts)}`.execute(tx)).rows.map((r) => r.id);
        });
        assert.deepEqual(indexesOnly, planned, q);
        const handed = await sql<{ id: number }>`with c as materialized (select unnest(${indexesOnly}::int[]) as id) select id from c`.execute(database.db);
        assert.deepEqual(handed.rows.map((r) => r.id), planned, q);
      }
    });

    test('ranking: articles and title matches first, accepted answers lifted, newer first on a tie', async () => {
      const r = await find(null, 'router');
      // The article weighs most; title matches beat body-only matches.
      assert.equal(r.results[0]!.type, 'article');
      const order = r.results.map((x) => x.title);
      assert.ok(order.indexOf('Which router do you use?') < order.indexOf('Connection drops every evening'), order.join(' | '));
      // Same text twice, different dates: the newer comes first.
      await createTopic(database.db, other, { boardSlug: 'internet', kind: 'discussion', title: 'Zebra twin topic', body: 'identical words here', at: '2026-01-01T00:00:00.000Z' });
      await createTopic(database.db, member, { boardSlug: 'internet', kind: 'discussion', title: 'Zebra twin topic', body: 'identical words here', at: '2026-02-01T00:00:00.000Z' });
      const twins = await find(null, 'zebra twin');
      assert.deepEqual(twins.results.map((x) => x.author.username), ['mia_member', 'otto_other']);
      // The accepted answer outranks the question's body mention of a word both contain.
      const spam = await find(null, 'invoices');
      const answer = spam.results.find((x) => x.type === 'post')!;
      assert.equal(answer.acceptedAnswer, true);
      assert.equal(answer.author.username, 'eva_employee');
      assert.deepEqual(answer.author.roles.includes('employee'), true, 'results carry the author roles for badges');
      assert.match(answer.url, /^\/t\/invoices-are-not-arriving-by-e-mail\/\d+#post-2$/);
    });

    test('a query with a very common word ranks without bm25 (SQLite), in the same order of kinds', async () => {
      const common = { commonDocuments: 0 };
      if (kind.name === 'sqlite') {
        const { hasCommonWord } = await import('../../src/search/search-content.ts');
        const { fts5Parts, parseQuery } = await import('../../src/search/query.ts');
        assert.equal(await hasCommonWord(database.db, fts5Parts(parseQuery('router')), 0), true);
        assert.equal(await hasCommonWord(database.db, fts5Parts(parseQuery('router')), 25_000), false, 'a small forum has no common words');
        assert.equal(await hasCommonWord(database.db, fts5Parts(parseQuery('nothingmatchesthis')), 0), false);
      }
      const r = await searchContent(database.db, null, { q: 'router' }, common);
      assert.equal(r.results[0]!.type, 'article');
      const order = r.results.map((x) => x.title);
      assert.ok(order.indexOf('Which router do you use?') < order.indexOf('Connection drops every evening'), order.join(' | '));
      const twins = await searchContent(database.db, null, { q: 'zebra twin' }, common);
      assert.deepEqual(twins.results.map((x) => x.author.username), ['mia_member', 'otto_other']);
      const answer = (await searchContent(database.db, null, { q: 'invoices' }, common)).results.find((x) => x.type === 'post')!;
      assert.equal(answer.acceptedAnswer, true);
      // The same documents are found either way; only their order may differ.
      const urls = async (tuning: object) => (await searchContent(database.db, null, { q: 'routers' }, tuning)).results.map((x) => x.url).sort();
      assert.deepEqual(await urls(common), await urls({}));
    });

    test('newest first: the same matches as by relevance, counted, newest first; a page past them is empty', async () => {
      const byRelevance = await find(null, 'router');
      const newest = await find(null, 'router', { sort: 'newest' });
      assert.deepEqual(newest.results.map((x) => x.url).sort(), byRelevance.results.map((x) => x.url).sort());
      assert.equal(newest.total, byRelevance.total);
      const dates = newest.results.map((x) => x.createdAt);
      assert.deepEqual(dates, [...dates].sort().reverse());
      assert.deepEqual((await find(null, 'router', { sort: 'newest', page: 2 })).results, []);
    });

    test('a hyphenated word is found written joined and with its hyphen, and marked whole', async () => {
      const db = database.db;
      const a = await createTopic(db, member, { boardSlug: 'internet', kind: 'question', title: 'Wi-Fi calling stopped', body: 'The icon vanished after the update.', at: '2026-05-05T10:00:00.000Z' });
      const b = await createTopic(db, other, { boardSlug: 'internet', kind: 'question', title: 'Weak wifi upstairs', body: 'The signal drops on the top floor.', at: '2026-05-06T10:00:00.000Z' });
      try {
        for (const q of ['wifi', 'wi-fi', 'WiFi', 'Wi-Fi']) assert.deepEqual((await titles(null, q)).sort(), ['topic:Weak wifi upstairs', 'topic:Wi-Fi calling stopped'], q);
        assert.deepEqual(await titles(null, 'email'), ['topic:Invoices are not arriving by e-mail'], '"e-mail" in the title, found by "email"');
        assert.deepEqual((await titles(null, 'wi-f*')).sort(), ['topic:Weak wifi upstairs', 'topic:Wi-Fi calling stopped'], 'a prefix, joined');
        // In quotes, the hyphen's parts are the phrase's words.
        assert.deepEqual(await titles(null, '"wi-fi calling"'), ['topic:Wi-Fi calling stopped']);
        const hit = (await find(null, 'wifi')).results.find((r) => r.title === 'Wi-Fi calling stopped')!;
        assert.equal(hit.titleHtml, '<mark>Wi-Fi</mark> calling stopped');
        // Dates and long codes are not joined into words.
        assert.deepEqual(await titles(null, '20260310'), []);
      } finally {
        await deletePost(db, mod, a.postId);
        await deletePost(db, mod, b.postId);
      }
    });

    test('snippets mark the words and escape the text', async () => {
      const r = await find(null, 'orange');
      const hit = r.results[0]!;
      assert.match(hit.snippetHtml, /<mark>orange<\/mark>/);
      assert.ok(hit.snippetHtml.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more'), hit.snippetHtml);
      assert.ok(!hit.snippetHtml.includes('<script>'));
      const t = (await find(null, 'connection')).results[0]!;
      assert.equal(t.titleHtml, '<mark>Connection</mark> drops every evening');
    });

    test('private boards, staff boards and drafts are only found by those who may read them', async () => {
      assert.ok(!(await titles(null, 'routers')).some((t) => t.includes('Members only')), 'a visitor does not see the members board');
      assert.ok((await titles(member, 'routers')).some((t) => t.includes('Members only')));
      // The count, too, leaves out what the reader may not see (it is taken from the same candidates).
      const [asVisitor, asMember] = [await find(null, 'routers'), await find(member, 'routers')];
      assert.equal(asVisitor.total, asVisitor.results.length);
      assert.equal(asMember.total, asMember.results.length);
      assert.ok(asMember.total > asVisitor.total && !asVisitor.totalCapped);
      assert.ok(!(await titles(member, 'recall')).length, 'a member does not find the staff board');
      assert.ok(!(await titles(employee, 'recall')).length, 'nor does an employee (no staff role)');
      assert.deepEqual(await titles(mod, 'recall'), ['topic:Router recall plan (internal)']);
      assert.deepEqual(await titles(cm, 'quokka'), [], 'an unpublished article is not in the index, even for its editors');
    });

    test('edits, deletes and article versions change the index in the same write', async () => {
      const db = database.db;
      await editPost(db, other, { postId: ids.reset!.postId, title: 'Connection drops every night', body: 'The modem lights blink purple now.' });
      assert.deepEqual(await titles(null, 'orange'), [], 'the old text is gone');
      assert.deepEqual(await titles(null, 'purple'), ['topic:Connection drops every night']);
      assert.deepEqual(await titles(null, 'evening'), []);
      const reply = await createReply(db, member, { topicId: ids.reset!.id, body: 'Purple means the firmware updates.' });
      assert.equal((await find(null, 'firmware')).results.length, 1);
      await deletePost(db, member, reply.id);
      assert.equal((await find(null, 'firmware')).results.length, 0, 'a deleted reply is not found');
      await deletePost(db, other, ids.reset!.postId);
      assert.equal((await find(mod, 'purple')).results.length, 0, 'a deleted topic is not found, not even by staff');
      const docs = await db.selectFrom('search_docs').select('id').where('topic_id', '=', ids.reset!.id).execute();
      assert.equal(docs.length, 0, 'and it left the index');
      await editArticle(db, cm, { slug: 'router-setup-guide', title: 'Router setup guide', body: 'Hold the pinhole button for ten seconds.' });
      assert.deepEqual(await titles(null, 'pinhole'), ['article:Router setup guide']);
      assert.deepEqual(await titles(null, 'factory'), []);
    });

    test('a post deleted in the table is neither found nor counted, even while the index still holds it', async () => {
      const db = database.db;
      const topic = await createTopic(db, member, { boardSlug: 'internet', kind: 'discussion', title: 'Wombat cable colours', body: 'The wombat cable is grey.' });
      const reply = await createReply(db, other, { topicId: topic.id, body: 'Mine is a blue wombat cable.' });
      const seen = async (extra: Partial<SearchInput> = {}) => {
        const r = await find(null, 'wombat', extra);
        return { types: r.results.map((x) => x.type), total: r.total };
      };
      assert.deepEqual(await seen(), { types: ['topic', 'post'], total: 2 });
      // Marked deleted behind the index's back (as a write that failed to unindex would leave it).
      await db.updateTable('posts').set({ deleted_at: '2026-06-01T00:00:00.000Z' }).where('id', '=', reply.id).execute();
      assert.deepEqual(await seen(), { types: ['topic'], total: 1 });
      assert.deepEqual(await seen({ board: 'internet' }), { types: ['topic'], total: 1 }, 'with a filter too');
      assert.deepEqual(await seen({ sort: 'newest' }), { types: ['topic'], total: 1 });
      await db.updateTable('posts').set({ deleted_at: null }).where('id', '=', reply.id).execute();
      assert.deepEqual(await seen(), { types: ['topic', 'post'], total: 2 }, 'and found again once it is not');
      await deletePost(db, other, reply.id);
      await deletePost(db, member, topic.postId);
      assert.deepEqual(await seen(), { types: [], total: 0 });
    });

    test('filters: board, tag, kind, solved, author, answered by an employee, dates', async () => {
      assert.deepEqual(await titles(null, 'router', { board: 'internet' }), ['topic:Which router do you use?']);
      assert.deepEqual(await titles(null, 'invoices', { tag: 'email' }), ['topic:Invoices are not arriving by e-mail', 'post:Invoices are not arriving by e-mail']);
      assert.deepEqual(await titles(null, 'invoices', { tag: 'router' }), []);
      assert.deepEqual(await titles(null, 'router', { kind: 'article' }), ['article:Router setup guide']);
      assert.deepEqual(await titles(null, 'router', { kind: 'discussion' }), ['topic:Which router do you use?']);
      assert.deepEqual(await titles(null, 'mailbox OR inbox', { status: 'solved' }), []);
      assert.deepEqual(await titles(null, 'inbox', { status: 'solved' }), ['topic:Invoices are not arriving by e-mail']);
      assert.deepEqual(await titles(null, 'factuur', { status: 'unsolved' }), ['topic:Facturen komen niet aan']);
      assert.deepEqual(await titles(null, 'invoices', { author: 'EVA_employee' }), ['post:Invoices are not arriving by e-mail']);
      assert.deepEqual(await titles(null, 'invoices', { employee: true }).then((x) => x.length), 2);
      assert.deepEqual(await titles(null, 'factuur', { employee: true }), []);
      assert.deepEqual(await titles(null, 'invoices', { from: '2026-03-11', to: '2026-03-11' }), ['post:Invoices are not arriving by e-mail']);
      assert.deepEqual(await titles(null, 'invoices', { to: '2026-03-10' }), ['topic:Invoices are not arriving by e-mail']);
      await assert.rejects(find(null, 'x', { from: '03/11/2026' }), /YYYY-MM-DD/);
    });

    test('malformed or hostile query text is read as words and never fails', async () => {
      const hostile = [
        '"unbalanced quote', 'quote" in the middle', '*', '**router', 'router*', '* * *', 'NEAR(router reset, 2)', 'NEAR', 'router NEAR reset',
        'title_en: router', '{title_en body_nl}: router', '^router', 'router AND', 'OR', 'NOT router', '-router', '+router', '(router', 'router)',
        "'router'", "router'", "'; drop table posts; --", 'router & | ! <-> :*', 'router:*', '\\"', '\u0000', 'rou\u0000ter', '\u0000'.repeat(100),
        'x'.repeat(10 * 1024), 'router '.repeat(2000), '"'.repeat(999), '😀 router 😀', 'ü', '%_%', '\u202e\u200b', '',
      ];
      for (const q of hostile) {
        const r = await find(null, q);
        assert.ok(Array.isArray(r.results), `query ${JSON.stringify(q.slice(0, 30))}`);
      }
      assert.ok((await titles(null, '"router')).includes('topic:Which router do you use?'), 'an unbalanced quote is ignored');
      assert.ok((await titles(null, 'NEAR(router, use)')).length === 0, 'NEAR is a word, not an operator (no post says "near")');
      assert.deepEqual(await titles(null, '{title_en}: factuur'), [], 'column filters are words too');
    });

    test('reindex rebuilds the same index', async () => {
      const before = await titles(member, 'router invoices factuur rout*');
      const all = ['router', 'invoice', 'factuur', 'purple', 'pinhole', 'zebra'];
      const snapshot = await Promise.all(all.map((q) => titles(mod, q)));
      if (kind.name === 'sqlite') await sql`insert into search_fts (search_fts) values ('delete-all')`.execute(database.db);
      await database.db.deleteFrom('search_docs').execute();
      assert.deepEqual(await titles(mod, 'router'), [], 'emptied');
      const seen: number[] = [];
      const { documents } = await rebuildSearchIndex(database.db, (done) => seen.push(done));
      assert.equal(documents, 9, "7 topics, 1 reply, 1 article (deleted ones and drafts stay out)");
      assert.ok(seen.length >= 2 && seen.at(-1)! >= documents);
      assert.deepEqual(await Promise.all(all.map((q) => titles(mod, q))), snapshot);
      assert.deepEqual(await titles(member, 'router invoices factuur rout*'), before);
      if (kind.name === 'sqlite') {
        // The larger page cache of the rebuild is the rebuild's only: the server's is back.
        const cache = async () => (await sql<{ cache_size: number }>`pragma cache_size`.execute(database.db)).rows[0]!.cache_size;
        assert.equal(await cache(), -65536);
        // So are FTS5's settings (no merging while it builds): a live index merges as FTS5 does.
        assert.deepEqual(await ftsSettings(), { automerge: 4, crisismerge: 16, hashsize: 1048576 });
      }
    });

    test('reindex writing batches side by side (PostgreSQL: one connection each) builds the same index', async () => {
      const all = ['router', 'invoice', 'factuur', 'purple', 'pinhole', 'zebra'];
      const snapshot = await Promise.all(all.map((q) => titles(mod, q)));
      const seen: number[] = [];
      const { documents } = await rebuildSearchIndex(database.db, (done) => seen.push(done), { batch: 1, concurrency: 3 });
      assert.equal(documents, 9);
      assert.ok(seen.length >= 9, `progress after each batch of 1 (${seen.length})`);
      assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'progress only grows');
      const docs = await database.db.selectFrom('search_docs').select(['post_id', 'article_id']).execute();
      assert.equal(docs.length, 9);
      assert.equal(new Set(docs.map((d) => `${d.post_id}/${d.article_id}`)).size, 9, 'each document once');
      assert.deepEqual(await Promise.all(all.map((q) => titles(mod, q))), snapshot);
    });

    test('reindex lets timers run between its batches, and stops at a signal with the settings of a live index', async () => {
      // Timers: the CLI's progress lines. better-sqlite3 answers at once, so without a turn of the
      // event loop between batches no timer would fire before the end.
      let ticks = 0;
      const timer = setInterval(() => ticks++, 0);
      const seen: number[] = [];
      try {
        await rebuildSearchIndex(database.db, () => seen.push(ticks), { batch: 2 });
      } finally {
        clearInterval(timer);
      }
      assert.ok(seen.length >= 6, `progress after each batch of 2 (${seen.length})`);
      assert.ok(seen.at(-1)! >= seen[0]! + 3, `timers ran while it indexed (${seen.join(',')})`);
      const stop = new AbortController();
      let calls = 0;
      await assert.rejects(
        rebuildSearchIndex(database.db, () => ++calls === 3 && stop.abort(), { batch: 2, signal: stop.signal }),
        { name: 'AbortError' },
      );
      const indexed = await database.db.selectFrom('search_docs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      assert.ok(Number(indexed.n) > 0 && Number(indexed.n) < 9, `stopped partway (${indexed.n} documents)`);
      if (kind.name === 'sqlite') {
        assert.deepEqual(await ftsSettings(), { automerge: 4, crisismerge: 16, hashsize: 1048576 }, 'put back after the stop');
        assert.equal((await sql<{ cache_size: number }>`pragma cache_size`.execute(database.db)).rows[0]!.cache_size, -65536);
      }
      assert.equal((await rebuildSearchIndex(database.db)).documents, 9, 'a full run afterwards indexes everything again');
      assert.ok((await titles(mod, 'router')).length > 0);
    });

    const ftsSettings = async () => {
      const rows = await sql<{ k: string; v: number }>`select k, v from search_fts_config where k in ('automerge', 'crisismerge', 'hashsize')`.execute(database.db);
      return Object.fromEntries(rows.rows.map((r) => [r.k, Number(r.v)]));
    };
  });
}
