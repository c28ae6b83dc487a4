// Taking a published knowledge-base article down (unpublish), as a use case and over HTTP, on a
// real database (SQLite, and PostgreSQL when configured): readers lose it at once everywhere
// (page, list, search, the thread's link, the visitors' page cache), the team keeps it as a draft
// with its versions, and the staff log says who did it and why.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { acceptAnswer } from '../../src/community/accept-answer.ts';
import { createBoard } from '../../src/community/create-board.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { showTopic } from '../../src/community/show-topic.ts';
import type { DB } from '../../src/db/schema.ts';
import { createArticleFromTopic } from '../../src/knowledge/create-article-from-topic.ts';
import { listArticles } from '../../src/knowledge/list-articles.ts';
import { publishArticle } from '../../src/knowledge/publish-article.ts';
import { showArticle } from '../../src/knowledge/show-article.ts';
import { unpublishArticle } from '../../src/knowledge/unpublish-article.ts';
import type { Actor } from '../../src/policy/policy.ts';
import { searchContent } from '../../src/search/search-content.ts';
import type { UserError } from '../../src/shared/errors.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { testServer } from '../helpers/server.ts';
import { Agent, csrfToken } from '../helpers/browserless-agent.ts';

const status = (code: number, message?: RegExp) => (e: UserError) => e.status === code && (!message || message.test(e.message));

for (const kind of testDatabaseKinds()) {
  describe(`unpublishing a knowledge-base article on ${kind.name}`, () => {
    let database: TestDatabase;
    let db: Kysely<DB>;
    let app: FastifyInstance;
    let asker: Actor, helper: Actor, member: Actor & { username: string }, moderator: Actor & { username: string }, manager: Actor & { username: string };

    /** A solved question turned into a published article; its slug, id and topic. */
    async function publishedArticle(title: string) {
      const t = await createTopic(db, asker, { boardSlug: 'help', kind: 'question', title, body: `The modem drops the line every evening (${title}).` });
      const r = await createReply(db, helper, { topicId: t.id, body: 'Set the **zwavelblauw** profile in the modem menu, then restart it.' });
      await acceptAnswer(db, asker, r.id);
      const a = await createArticleFromTopic(db, manager, t.id);
      await publishArticle(db, manager, a.slug);
      const { id } = await db.selectFrom('articles').select('id').where('slug', '=', a.slug).executeTakeFirstOrThrow();
      return { slug: a.slug, id, topicId: t.id };
    }
    const articleRow = (id: number) => db.selectFrom('articles').select(['status', 'current_version']).where('id', '=', id).executeTakeFirstOrThrow();
    const logRows = (id: number) => db.selectFrom('staff_actions').selectAll().where('action', '=', 'article.unpublish').where('target', '=', `article:${id}`).execute();
    const articleHits = async (q: string) => (await searchContent(db, null, { q })).results.filter((r) => r.type === 'article').map((r) => r.url);

    before(async () => {
      database = await kind.open();
      db = database.db;
      [asker, helper, member, moderator, manager] = await Promise.all([makeUser(db), makeUser(db), makeUser(db), makeUser(db, ['moderator']), makeUser(db, ['community_manager'])]);
      await createBoard(db, null, { name: 'Help', slug: 'help' });
      // The visitors' page cache on, as in production: a take-down must reach visitors at once.
      app = await testServer(database, { ANON_CACHE_SECONDS: '60' });
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('the team takes an article down: readers lose it everywhere, the team keeps it as a draft, the log says why', async () => {
      const a = await publishedArticle('Evening line drops on the modem');
      assert.deepEqual(await articleHits('zwavelblauw'), [`/kb/${a.slug}`]);
      assert.equal((await showTopic(db, null, a.topicId, 1)).article?.slug, a.slug);

      // Members and moderators may not; nothing changes.
      await assert.rejects(unpublishArticle(db, member, a.slug, 'mine now'), status(403));
      await assert.rejects(unpublishArticle(db, moderator, a.slug), status(403));
      assert.equal((await articleRow(a.id)).status, 'published');
      assert.equal((await logRows(a.id)).length, 0);

      const { current_version } = await articleRow(a.id);
      assert.deepEqual(await unpublishArticle(db, manager, a.slug, '  Names a   customer\'s modem settings '), { slug: a.slug, unpublished: true });
      assert.deepEqual(await articleRow(a.id), { status: 'draft', current_version }, 'a draft again, every version kept');
      await assert.rejects(showArticle(db, null, a.slug), status(404));
      await assert.rejects(showArticle(db, member, a.slug), status(404));
      assert.equal((await showArticle(db, manager, a.slug)).canPublish, true, 'the team can fix it and publish it again');
      assert.ok(!(await listArticles(db, null)).articles.some((x) => x.slug === a.slug));
      assert.equal((await listArticles(db, manager)).articles.find((x) => x.slug === a.slug)?.status, 'draft');
      assert.deepEqual(await articleHits('zwavelblauw'), [], 'out of search');
      assert.equal((await db.selectFrom('search_docs').select('id').where('article_id', '=', a.id).execute()).length, 0, 'and out of the index');
      assert.equal((await showTopic(db, null, a.topicId, 1)).article, null, 'the thread no longer links readers to it');
      const log = await logRows(a.id);
      assert.equal(log.length, 1);
      assert.equal(log[0]!.actor_id, manager.id);
      assert.equal(log[0]!.reason, "Names a customer's modem settings");

      // Again: nothing to do, nothing logged. Back up: readers and search have it again.
      assert.deepEqual(await unpublishArticle(db, manager, a.slug), { slug: a.slug, unpublished: false });
      assert.equal((await logRows(a.id)).length, 1);
      await publishArticle(db, manager, a.slug);
      assert.equal((await showArticle(db, null, a.slug)).article.status, 'published');
      assert.deepEqual(await articleHits('zwavelblauw'), [`/kb/${a.slug}`]);
    });

    test('bad input is refused with a clear message and changes nothing', async () => {
      const a = await publishedArticle('Evening line drops, second modem');
      await assert.rejects(unpublishArticle(db, manager, a.slug, 'x'.repeat(1001)), (e: UserError) => e.status === 400 && e.field === 'reason' && /at most 1000 characters/.test(e.message));
      assert.equal((await articleRow(a.id)).status, 'published');
      assert.equal((await logRows(a.id)).length, 0);
      await assert.rejects(unpublishArticle(db, manager, 'no-such-article'), status(404));
    });

    test('over HTTP: the article page offers it to the team only; a visitor is told the article is gone at once', async () => {
      const a = await publishedArticle('Evening line drops, third modem');
      const signIn = async (username: string) => {
        const agent = new Agent(app);
        const res = await agent.post('/signin', { login: username, password: 'correct horse battery staple' }, '/signin');
        assert.equal(res.statusCode, 303, res.body);
        return agent;
      };
      const [cm, mem] = [await signIn(manager.username), await signIn(member.username)];
      const url = `/kb/${a.slug}`;
      // A visitor's view (now in the visitors' cache) and the thread's link.
      // (stored on a page's second visit, served from its third)
      assert.equal((await app.inject({ url })).statusCode, 200);
      assert.equal((await app.inject({ url })).statusCode, 200);
      assert.equal((await app.inject({ url })).headers['x-parley-cache'], 'hit');
      const topicUrl = `/t/${(await db.selectFrom('topics').select('slug').where('id', '=', a.topicId).executeTakeFirstOrThrow()).slug}/${a.topicId}`;
      assert.match((await app.inject({ url: topicUrl })).body, new RegExp(`href="/kb/${a.slug}"`));

      const page = await cm.get(url);
      assert.match(page.body, new RegExp(`<form class="kb-actions kb-unpublish" method="post" action="/kb/${a.slug}/unpublish">`));
      assert.match(page.body, /<label for="unpublish-reason">Reason \(for the staff log; optional\)<\/label>/);
      assert.doesNotMatch((await mem.get(url)).body, /\/unpublish"/);
      assert.doesNotMatch((await app.inject({ url: `${url}?v=1` })).body, /\/unpublish"/);

      const memberToken = csrfToken((await mem.get('/settings')).body);
      const refused = await mem.post(`${url}/unpublish`, { _csrf: memberToken, reason: 'no' });
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, /<h1>Not allowed<\/h1>/);
      assert.equal((await cm.post(`${url}/unpublish`, { reason: 'no token' })).statusCode, 403, 'a form without its CSRF token is refused');
      const long = await cm.post(`${url}/unpublish`, { _csrf: csrfToken(page.body), reason: 'y'.repeat(1001) });
      assert.equal(long.statusCode, 400);
      assert.match(long.body, /The reason must be at most 1000 characters/);
      assert.equal((await articleRow(a.id)).status, 'published');

      const done = await cm.post(`${url}/unpublish`, { _csrf: csrfToken(page.body), reason: 'Outdated firmware steps' });
      assert.equal(done.statusCode, 303);
      assert.equal(done.headers.location, url);
      const gone = await app.inject({ url });
      assert.equal(gone.statusCode, 404, 'the cached copy is dropped with the take-down');
      assert.match(gone.body, /<h1>Page not found<\/h1>/);
      assert.doesNotMatch((await app.inject({ url: topicUrl })).body, new RegExp(`href="/kb/${a.slug}"`));
      assert.doesNotMatch((await app.inject({ url: '/kb' })).body, new RegExp(`href="/kb/${a.slug}"`));
      const draft = await cm.follow(done);
      assert.match(draft.body, /<span class="tag">Draft<\/span>/);
      assert.match(draft.body, new RegExp(`action="/kb/${a.slug}/publish"`));
      assert.doesNotMatch(draft.body, /\/unpublish"/);

      // The staff log names the article (linked for those who may read drafts) and the reason.
      const log = await cm.get(`/moderation/log?action=article.unpublish&target=article:${a.id}`);
      assert.equal(log.statusCode, 200);
      assert.match(log.body, /Unpublished a knowledge-base article/);
      assert.match(log.body, new RegExp(`<a href="/kb/${a.slug}">`));
      assert.match(log.body, /Outdated firmware steps/);
    });
  });
}
