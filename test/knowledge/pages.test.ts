// Knowledge-base pages over HTTP on the seeded demo community: a community manager turns a
// solved question into an article, edits and publishes it; readers follow the links both ways.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { seedDemo, type DemoLogin } from '../../src/seed/seed-demo.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent, csrfToken } from '../helpers/browserless-agent.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

for (const kind of testDatabaseKinds()) {
  describe(`knowledge-base pages on ${kind.name}, seeded demo community`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let logins: DemoLogin[];
    type T = { id: number; slug: string; title: string };
    let solved: T, discussion: T, unsolved: T;
    let manager: Agent, member: Agent;
    let slug = '';

    const signIn = async (username: string) => {
      const agent = new Agent(app);
      const login = logins.find((l) => l.username === username)!;
      const res = await agent.post('/signin', { login: login.username, password: login.password }, '/signin');
      assert.equal(res.statusCode, 303, res.body);
      return agent;
    };
    const versionCount = async () =>
      Number((await database.db.selectFrom('article_versions').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()).n);

    before(async () => {
      database = await kind.open();
      logins = await seedDemo(database.db);
      app = await testServer(database);
      const topics = (where: (q: any) => any) =>
        where(database.db.selectFrom('topics').innerJoin('boards', 'boards.id', 'topics.board_id').select(['topics.id', 'topics.slug', 'topics.title']).where('boards.visibility', '=', 'public').orderBy('topics.id'))
          .executeTakeFirstOrThrow();
      solved = await topics((q) => q.where('topics.kind', '=', 'question').where('topics.solved_post_id', 'is not', null));
      discussion = await topics((q) => q.where('topics.kind', '=', 'discussion'));
      unsolved = await topics((q) => q.where('topics.kind', '=', 'question').where('topics.solved_post_id', 'is', null));
      manager = await signIn('demo-manager');
      member = await signIn('demo-member');
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('a community manager turns a solved question into a draft, edits it and publishes it', async () => {
      const topicUrl = `/t/${solved.slug}/${solved.id}`;
      const page = await manager.get(topicUrl);
      assert.match(page.body, new RegExp(`<form class="kb-actions" method="post" action="/kb/from-topic/${solved.id}">`));
      assert.match(page.body, /Turn into knowledge-base article/);
      assert.match(page.body, /<a href="\/kb">Knowledge base<\/a>/, 'the header links to the knowledge base');
      assert.doesNotMatch((await member.get(topicUrl)).body, /Turn into knowledge-base article/);
      assert.doesNotMatch((await app.inject({ url: topicUrl })).body, /Turn into knowledge-base article/);

      const made = await manager.post(`/kb/from-topic/${solved.id}`, { _csrf: csrfToken(page.body) });
      assert.equal(made.statusCode, 303, made.body);
      const editUrl = made.headers.location as string;
      slug = /^\/kb\/([a-z0-9-]+)\/edit$/.exec(editUrl)![1]!;

      const form = await manager.get(editUrl);
      assert.equal(form.statusCode, 200);
      assert.ok(form.body.includes(`value="${esc(solved.title)}"`), 'title prefilled');
      assert.match(form.body, /## Answer/);
      assert.match(form.body, /name="baseVersion" value="1"/);

      // Before publishing, the draft is the team's alone.
      for (const agent of [member, new Agent(app)]) {
        assert.equal((await agent.get(`/kb/${slug}`)).statusCode, 404);
        assert.doesNotMatch((await agent.get('/kb')).body, new RegExp(`/kb/${slug}"`));
        assert.doesNotMatch((await agent.get(topicUrl)).body, /Knowledge base article:/);
      }
      assert.match((await manager.get('/kb')).body, new RegExp(`href="/kb/${slug}"[^<]*</a> <span class="tag">Draft</span>`));

      const saved = await manager.post(`/kb/${slug}`, {
        _csrf: csrfToken(form.body),
        title: `${solved.title} (how to)`,
        body: 'Short version: **restart** the router.\n\n## Answer\n\nAs the community found.',
        note: 'tightened the text',
        baseVersion: '1',
      });
      assert.equal(saved.statusCode, 303, saved.body);
      assert.equal(saved.headers.location, `/kb/${slug}`);

      const draft = await manager.get(`/kb/${slug}`);
      assert.match(draft.body, /<strong>restart<\/strong>/);
      assert.match(draft.body, /tightened the text/);
      assert.match(draft.body, /<button type="submit">Publish<\/button>/);
      const published = await manager.post(`/kb/${slug}/publish`, { _csrf: csrfToken(draft.body) });
      assert.equal(published.statusCode, 303);
    });

    test('the published article says where it came from, and the thread links to it', async () => {
      const article = await app.inject({ url: `/kb/${slug}` });
      assert.equal(article.statusCode, 200);
      assert.match(article.body, new RegExp(`Created from a community discussion: <a href="/t/${solved.slug}/${solved.id}">`));
      assert.match(article.body, new RegExp(`<link rel="canonical" href="[^"]*/kb/${slug}">`));
      assert.doesNotMatch(article.body, /tightened the text/, 'edit notes are for the team');
      assert.doesNotMatch(article.body, /Publish<\/button>|>Edit<\/a>/);
      assert.match((await app.inject({ url: '/kb' })).body, new RegExp(`<a href="/kb/${slug}">`));

      const thread = await app.inject({ url: `/t/${solved.slug}/${solved.id}` });
      assert.ok(thread.body.includes(`Knowledge base article: <a href="/kb/${slug}">${esc(solved.title)} (how to)</a>`));
      assert.doesNotMatch((await manager.get(`/t/${solved.slug}/${solved.id}`)).body, /Turn into knowledge-base article/);
    });

    test('readers open earlier published versions and see who saved them and when', async () => {
      const form = await manager.get(`/kb/${slug}/edit`);
      assert.match(form.body, /name="baseVersion" value="2"/);
      const saved = await manager.post(`/kb/${slug}`, { _csrf: csrfToken(form.body), title: `${solved.title} (how to)`, body: 'Version three of the text.', note: '', baseVersion: '2' });
      assert.equal(saved.statusCode, 303);

      const current = await app.inject({ url: `/kb/${slug}` });
      assert.match(current.body, /Version three of the text/);
      assert.match(current.body, new RegExp(`<a href="/kb/${slug}/versions/2">Version 2</a>`));
      assert.doesNotMatch(current.body, new RegExp(`/kb/${slug}/versions/1"`), 'the draft before publication is not listed');

      const v2 = await app.inject({ url: `/kb/${slug}/versions/2` });
      assert.equal(v2.statusCode, 200);
      assert.match(v2.body, /You are reading version 2 of this article, saved by <a class="author" href="\/u\/demo-manager">/);
      assert.match(v2.body, /<time datetime="\d{4}-\d\d-\d\dT[^"]+">/);
      assert.match(v2.body, /<strong>restart<\/strong>/);
      assert.match(v2.body, new RegExp(`<a href="/kb/${slug}">Read the current version</a>`));

      assert.equal((await app.inject({ url: `/kb/${slug}/versions/1` })).statusCode, 404);
      assert.equal((await member.get(`/kb/${slug}/versions/1`)).statusCode, 404);
      assert.equal((await manager.get(`/kb/${slug}/versions/1`)).statusCode, 200, 'the team sees the drafts');
      assert.equal((await app.inject({ url: `/kb/${slug}/versions/9` })).statusCode, 404);
      assert.equal((await app.inject({ url: `/kb/${slug}/versions/zero` })).statusCode, 400);
    });

    test('members and visitors cannot write; the refusals are clear and change nothing', async () => {
      const before = await versionCount();
      const token = csrfToken((await member.get('/settings')).body);
      assert.equal((await member.get(`/kb/${slug}/edit`)).statusCode, 403);
      const edit = await member.post(`/kb/${slug}`, { _csrf: token, title: 'Vandalised title', body: 'Vandalised.' });
      assert.equal(edit.statusCode, 403);
      assert.match(edit.body, /<h1>Not allowed<\/h1>/);
      assert.equal((await member.get('/kb/new')).statusCode, 403);
      assert.equal((await member.post('/kb', { _csrf: token, title: 'A member article', body: 'Hello.' })).statusCode, 403);
      assert.equal((await member.post(`/kb/from-topic/${solved.id}`, { _csrf: token })).statusCode, 403);
      assert.equal((await member.post(`/kb/${slug}/publish`, { _csrf: token })).statusCode, 403);
      const visitor = await app.inject({ url: '/kb/new' });
      assert.equal(visitor.statusCode, 401);
      const unknown = await app.inject({ url: '/kb/no-such-article' });
      assert.equal(unknown.statusCode, 404);
      assert.match(unknown.body, /<h1>Page not found<\/h1>/);
      assert.equal(await versionCount(), before);
    });

    test('the team gets clear refusals too: duplicates, discussions, unsolved questions, bad text', async () => {
      const before = await versionCount();
      const token = csrfToken((await manager.get('/kb/new')).body);
      const dup = await manager.post(`/kb/from-topic/${solved.id}`, { _csrf: token });
      assert.equal(dup.statusCode, 409);
      assert.match(dup.body, /already been turned into a knowledge-base article/);
      assert.match(dup.body, new RegExp(`<a href="/kb/${slug}">`), 'points to the existing article');
      const disc = await manager.post(`/kb/from-topic/${discussion.id}`, { _csrf: token });
      assert.equal(disc.statusCode, 400);
      assert.match(disc.body, /this thread is a discussion/);
      const open = await manager.post(`/kb/from-topic/${unsolved.id}`, { _csrf: token });
      assert.equal(open.statusCode, 400);
      assert.match(open.body, /no accepted answer yet/);
      assert.equal((await manager.post('/kb/from-topic/99999999', { _csrf: token })).statusCode, 404);

      // Bad text re-renders the form with the message and everything typed.
      const bad = await manager.post(`/kb/${slug}`, { _csrf: token, title: 'Tiny', body: 'Kept <b>body</b> text', note: 'my note', baseVersion: '3' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Title must be at least 5 characters/);
      assert.match(bad.body, /Kept &lt;b&gt;body&lt;\/b&gt; text<\/textarea>/);
      assert.match(bad.body, /value="my note"/);
      const big = await manager.post('/kb', { _csrf: token, title: 'A very long article', body: 'x'.repeat(50_001) });
      assert.equal(big.statusCode, 413);
      assert.match(big.body, /at most 50000 characters/);
      const empty = await manager.post('/kb', { _csrf: token, title: 'An empty article', body: '' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /value="An empty article"/);
      const stale = await manager.post(`/kb/${slug}`, { _csrf: token, title: 'An older copy of it', body: 'Stale.', baseVersion: '1' });
      assert.equal(stale.statusCode, 409);
      assert.match(stale.body, /newer version/);
      assert.equal(await versionCount(), before);

      const created = await manager.post('/kb', { _csrf: token, title: 'Paying by direct debit', body: 'Go to **My account**.' });
      assert.equal(created.statusCode, 303);
      assert.equal(created.headers.location, '/kb/paying-by-direct-debit');
    });
  });
}
