// The search page, the header box, the JSON API and the similar-questions list, over HTTP on
// both databases; and `parley reindex`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { acceptAnswer } from '../../src/community/accept-answer.ts';
import { createArticle } from '../../src/knowledge/create-article.ts';
import { publishArticle } from '../../src/knowledge/publish-article.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import Database from 'better-sqlite3';
import { generate } from '../../bench/generate.ts';

for (const kind of testDatabaseKinds()) {
  describe(`search pages on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    before(async () => {
      database = await kind.open();
      app = await testServer(database, { PUBLIC_URL: 'http://community.test' });
      const db = database.db;
      await createBoard(db, null, { name: 'Help', slug: 'help' });
      await createBoard(db, null, { name: 'Lounge', slug: 'lounge', visibility: 'members' });
      await createBoard(db, null, { name: 'Staff', slug: 'staff', visibility: 'staff' });
      const asker = await makeUser(db, [], 'asker_ann');
      const staffer = await makeUser(db, ['employee'], 'emp_ed');
      const mod = await makeUser(db, ['moderator'], 'mod_moe');
      const cm = await makeUser(db, ['community_manager'], 'cm_cat');
      const q = await createTopic(db, asker, { boardSlug: 'help', kind: 'question', title: 'Voicemail PIN forgotten', body: 'How do I reset my voicemail PIN? <img src=x onerror=alert(1)>' });
      const a = await createReply(db, staffer, { topicId: q.id, body: 'Dial 1233 and choose option 4 to reset the voicemail PIN.' });
      await acceptAnswer(db, asker, a.id);
      await createTopic(db, asker, { boardSlug: 'help', kind: 'question', title: 'Voicemail greeting is silent', body: 'Unsolved so far.' });
      await createTopic(db, asker, { boardSlug: 'lounge', kind: 'discussion', title: 'Voicemail jokes', body: 'Members only.' });
      await createTopic(db, mod, { boardSlug: 'staff', kind: 'discussion', title: 'Voicemail outage postmortem', body: 'Staff only.' });
      const art = await createArticle(db, cm, { title: 'Setting up voicemail', body: 'Your voicemail PIN is the last four digits at first.' });
      await publishArticle(db, cm, art.slug);
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('every page has a search box in the header that works without JavaScript', async () => {
      for (const url of ['/', '/kb', '/search']) {
        const html = (await app.inject(url)).body;
        assert.match(html, /<form class="site-search" role="search" method="get" action="\/search">/, url);
        assert.match(html, /<input id="site-search-q" type="search" name="q"/);
      }
      const res = await app.inject('/search?q=voicemail+pin');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<a href="\/kb\/setting-up-voicemail"><mark>Setting<\/mark> up <mark>voicemail<\/mark><\/a>|<a href="\/kb\/setting-up-voicemail">Setting up <mark>voicemail<\/mark><\/a>/);
      assert.match(res.body, /Accepted answer/);
      assert.match(res.body, /<span class="badge badge-employee"[^>]*><span class="sr-only">Role: <\/span>Employee<\/span>/, 'authors carry their role badges');
      assert.ok(!res.body.includes('<img src=x'), 'post text is escaped in snippets');
      assert.ok(res.body.includes('&lt;img src=x onerror=alert(1)&gt;'));
      assert.match(res.body, /value="voicemail pin"/, 'the box keeps the query');
      assert.ok(!res.body.includes('/t/voicemail-jokes/') && !res.body.includes('postmortem'), 'a visitor sees no members or staff board');
      assert.match((await app.inject('/search?q=voicemail')).body, /greeting is silent/, 'while a public one is found by the same word');
    });

    test('filters narrow the results; a bad date is a clear 400, not an error page', async () => {
      const unsolved = await app.inject('/search?q=voicemail&status=unsolved');
      assert.match(unsolved.body, /greeting is silent/);
      assert.ok(!unsolved.body.includes('PIN forgotten'));
      const articles = await app.inject('/search?q=voicemail&kind=article');
      assert.match(articles.body, /1 result\b/);
      const employee = await app.inject('/search?q=voicemail&employee=1');
      assert.match(employee.body, /PIN forgotten/);
      assert.ok(!employee.body.includes('greeting is silent'));
      const bad = await app.inject('/search?q=voicemail&from=yesterday');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Dates are written as YYYY-MM-DD/);
    });

    test('members see the members board; staff the staff board', async () => {
      const ann = new Agent(app);
      await ann.post('/signin', { login: 'asker_ann', password: 'correct horse battery staple' }, '/signin');
      const body = (await ann.get('/search?q=voicemail')).body;
      assert.match(body, /Voicemail<\/mark> jokes/);
      assert.ok(!body.includes('postmortem') && body.includes('/t/voicemail-jokes/'));
      const moe = new Agent(app);
      await moe.post('/signin', { login: 'mod_moe', password: 'correct horse battery staple' }, '/signin');
      assert.match((await moe.get('/search?q=postmortem')).body, /Voicemail outage <mark>postmortem<\/mark>/);
    });

    test('hostile query text never makes a server error, on the page or the API', async () => {
      const queries = ['"', '"voicemail', '*', 'voice*', 'NEAR(voicemail pin)', 'voicemail NEAR/2 pin', '{title_en}:pin', 'pin:*', "'", "a' OR '1'='1", '\\', '%00', 'pin%00pin', '(((', 'AND OR NOT', '-pin', '^pin', 'x'.repeat(10 * 1024), encodeURIComponent('voicemail\u0000')];
      for (const q of queries) {
        const qs = q.includes('%') ? q : encodeURIComponent(q);
        for (const base of ['/search?q=', '/api/v1/search?q=', '/search/similar?title=']) {
          const res = await app.inject(base + qs);
          assert.ok(res.statusCode < 500, `${base}${qs.slice(0, 40)} → ${res.statusCode}`);
          if (!base.startsWith('/search/similar')) assert.ok(res.statusCode === 200 || res.statusCode === 400, `${base}${qs.slice(0, 40)} → ${res.statusCode}`);
        }
      }
      const longest = await app.inject('/search?q=' + 'voicemail%20'.repeat(900));
      assert.equal(longest.statusCode, 200);
    });

    test('filters alone, or signs alone, say what to type instead of an empty page', async () => {
      for (const url of ['/search?q=&author=someone', '/search?q=*', '/search?q=%22%22&board=general', '/search?q=&tag=pin&kind=question']) {
        const res = await app.inject(url);
        assert.equal(res.statusCode, 200, url);
        assert.match(res.body, /Type one or more words to look for/, url);
      }
      assert.doesNotMatch((await app.inject('/search')).body, /Type one or more words/, 'a first visit: just the form');
      assert.doesNotMatch((await app.inject('/search?q=voicemail')).body, /Type one or more words/);
    });

    test('GET /api/v1/search answers JSON and is in the OpenAPI description', async () => {
      const res = await app.inject('/api/v1/search?q=voicemail%20pin&status=solved');
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.ok(body.results.length >= 2);
      const answer = body.results.find((r: { type: string }) => r.type === 'post');
      assert.equal(answer.acceptedAnswer, true);
      assert.deepEqual(answer.author.badges, ['Employee']);
      assert.match(answer.url, /^http:\/\/community\.test\/t\/voicemail-pin-forgotten\/\d+#post-2$/);
      assert.match(answer.snippetHtml, /<mark>voicemail<\/mark> <mark>PIN<\/mark>/);
      assert.equal((await app.inject('/api/v1/search?q=postmortem')).json().results.length, 0);
      assert.equal((await app.inject('/api/v1/search?q=x&from=2026-13')).statusCode, 400);
      const spec = (await app.inject('/api/openapi.json')).json();
      assert.ok(spec.paths['/api/v1/search']?.get, 'documented');
      assert.deepEqual(spec.paths['/api/v1/search'].get.tags, ['Search']);
    });

    test('similar questions: solved questions and articles that share the title words', async () => {
      const res = await app.inject('/search/similar?title=' + encodeURIComponent('How can I reset the voicemail PIN?'));
      assert.equal(res.statusCode, 200);
      const titles = res.json().results.map((r: { title: string }) => r.title);
      assert.ok(titles.includes('Voicemail PIN forgotten'), titles.join('|'));
      assert.ok(titles.includes('Setting up voicemail'));
      assert.ok(!titles.includes('Voicemail greeting is silent'), 'unsolved questions are not offered');
      assert.deepEqual((await app.inject('/search/similar?title=')).json().results, []);
      assert.deepEqual((await app.inject('/search/similar?title=' + encodeURIComponent('outage postmortem'))).json().results, [], 'nothing from the staff board');
    });
  });
}

test('parley reindex rebuilds the index with a summary, and progress lines when not on a terminal', async () => {
  const url = `file:${join(mkdtempSync(join(tmpdir(), 'parley-reindex-')), 'parley.db')}`;
  const database = await openDatabase(url);
  await migrateToLatest(database);
  await createBoard(database.db, null, { name: 'Help', slug: 'help' });
  const u = await makeUser(database.db, [], 'cli_carla');
  for (let i = 0; i < 3; i++) await createTopic(database.db, u, { boardSlug: 'help', kind: 'question', title: `Question number ${i}`, body: 'About the modem.' });
  await database.close();
  const bin = fileURLToPath(new URL('../../bin/parley.js', import.meta.url));
  const r = spawnSync(process.execPath, [bin, 'reindex'], { env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Search index rebuilt: 3 documents in \d+\.\d s\./);
  // Not on a terminal (a pipe here): progress as plain lines, without the bar's drawing.
  assert.match(r.stderr, /^Indexing 0% 0\/3 posts and articles/m);
  assert.match(r.stderr, /^Indexing 100% 3\/3 posts and articles/m);
  assert.doesNotMatch(r.stderr, /\u001b|░|█/);
});

test('parley reindex stops at Ctrl-C between two batches, says so, and leaves FTS5 set as a live server needs it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-reindex-stop-'));
  const url = `file:${join(dir, 'parley.db')}`;
  // Enough posts (15 batches) for the signal to arrive while it indexes.
  await generate({ databaseUrl: url, users: 20, topics: 300, posts: 30_000, bodyPool: 50 });
  const bin = fileURLToPath(new URL('../../bin/parley.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'reindex'], { env: { ...process.env, DATABASE_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve) => child.stderr.on('data', (chunk: string) => ((stderr += chunk), /Indexing 0%/.test(stderr) && resolve())));
  child.kill('SIGINT');
  assert.equal(await exited, 130, stderr);
  assert.match(stderr, /reindex stopped; search misses what it had not reached yet until `parley reindex` runs to the end/);
  const db = new Database(join(dir, 'parley.db'), { readonly: true });
  try {
    const { n } = db.prepare('select count(*) as n from search_docs').get() as { n: number };
    assert.ok(n < 30_000, `stopped before the end (${n} documents)`);
    const settings = Object.fromEntries((db.prepare("select k, v from search_fts_config where k in ('automerge', 'crisismerge', 'hashsize')").all() as { k: string; v: number }[]).map((r) => [r.k, Number(r.v)]));
    assert.deepEqual(settings, { automerge: 4, crisismerge: 16, hashsize: 1048576 });
  } finally {
    db.close();
  }
});
