import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { seedDemo } from '../../src/seed/seed-demo.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';

for (const kind of testDatabaseKinds()) {
  describe(`pages on ${kind.name}, seeded demo community`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let topic: { id: number; slug: string; title: string };
    before(async () => {
      database = await kind.open();
      await seedDemo(database.db);
      app = await testServer(database);
      topic = await database.db
        .selectFrom('topics')
        .select(['id', 'slug', 'title'])
        .where('solved_post_id', 'is not', null)
        .orderBy('id')
        .executeTakeFirstOrThrow();
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('home lists the public boards with counts and latest activity, not staff boards', async () => {
      const res = await app.inject({ url: '/' });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /text\/html/);
      assert.match(res.body, /Mobile &amp; SIM/);
      assert.match(res.body, /Latest activity/);
      assert.doesNotMatch(res.body, /Staff Lounge/);
      const boards = await database.db.selectFrom('boards').select(['topic_count']).where('slug', '=', 'mobile-sim').executeTakeFirstOrThrow();
      assert.match(res.body, new RegExp(`<dt>Topics</dt><dd>${boards.topic_count}</dd>`));
      assert.match(res.headers['content-security-policy'] as string, /default-src 'self'/);
    });

    test('board page lists topics with links; unknown and hidden boards are a 404 page', async () => {
      const res = await app.inject({ url: '/b/home-internet' });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<a class="topic-title" href="\/t\/[a-z0-9-]+\/\d+">/);
      for (const url of ['/b/no-such-board', '/b/staff-lounge']) {
        const missing = await app.inject({ url });
        assert.equal(missing.statusCode, 404, url);
        assert.match(missing.body, /<h1>Page not found<\/h1>/);
      }
      const badPage = await app.inject({ url: '/b/home-internet?page=zero' });
      assert.equal(badPage.statusCode, 400);
      assert.equal((await app.inject({ url: '/b/home-internet?page=99' })).statusCode, 404);
    });

    test('topic page shows posts, author badges, dates and the accepted answer block', async () => {
      const res = await app.inject({ url: `/t/${topic.slug}/${topic.id}` });
      assert.equal(res.statusCode, 200);
      assert.ok(res.body.includes(topic.title.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;')));
      assert.match(res.body, /<section class="answer-block"/);
      assert.match(res.body, /<time datetime="\d{4}-\d\d-\d\dT/);
      assert.match(res.body, /<link rel="canonical" href="http:\/\/127\.0\.0\.1:0\/t\//);
      const staffPosts = await database.db
        .selectFrom('posts')
        .innerJoin('user_roles', 'user_roles.user_id', 'posts.user_id')
        .select('posts.id')
        .where('posts.topic_id', '=', topic.id)
        .where('user_roles.role', '=', 'employee')
        .execute();
      if (staffPosts.length) assert.match(res.body, /<span class="badge badge-employee" title="Employee"><span class="sr-only">Role: <\/span>Employee<\/span>/);
    });

    test('a wrong slug or a bare id redirects to the canonical URL; unknown topics are 404', async () => {
      const wrong = await app.inject({ url: `/t/old-title/${topic.id}` });
      assert.equal(wrong.statusCode, 301);
      assert.equal(wrong.headers.location, `/t/${topic.slug}/${topic.id}`);
      const bare = await app.inject({ url: `/t/${topic.id}` });
      assert.equal(bare.statusCode, 301);
      assert.equal((await app.inject({ url: '/t/whatever/999999' })).statusCode, 404);
      assert.equal((await app.inject({ url: '/t/whatever/not-a-number' })).statusCode, 400);
    });

    test('JSON clients get JSON errors; the stylesheet is served', async () => {
      const res = await app.inject({ url: '/b/nope', headers: { accept: 'application/json' } });
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().message, 'No such board');
      const css = await app.inject({ url: '/assets/style.css' });
      assert.equal(css.statusCode, 200);
      assert.match(css.body, /--employee/);
    });
  });
}

for (const kind of testDatabaseKinds().slice(0, 1)) {
  describe(`profiles on ${kind.name}`, () => {
    test('a public profile shows name, badges, counts and bio; never the e-mail address', async () => {
      const database = await kind.open();
      const app = await testServer(database);
      try {
        await seedDemo(database.db);
        const res = await app.inject({ url: '/u/demo-employee' });
        assert.equal(res.statusCode, 200);
        assert.match(res.body, /<span class="sr-only">Role: <\/span>Employee<\/span>/);
        assert.match(res.body, /Accepted answers/);
        const email = (await database.db.selectFrom('users').select('email').where('username', '=', 'demo-employee').executeTakeFirstOrThrow()).email!;
        assert.ok(!res.body.includes(email));
        assert.equal((await app.inject({ url: '/u/nobody-here' })).statusCode, 404);
      } finally {
        await app.close();
        await database.drop();
      }
    });
  });
}

for (const kind of testDatabaseKinds().slice(0, 1)) {
  describe(`badges in lists on ${kind.name}`, () => {
    test('board and home lists show role badges beside names', async () => {
      const database = await kind.open();
      const app = await testServer(database);
      try {
        await seedDemo(database.db);
        const employeeTopic = await database.db
          .selectFrom('topics')
          .innerJoin('user_roles', 'user_roles.user_id', 'topics.last_post_user_id')
          .innerJoin('boards', 'boards.id', 'topics.board_id')
          .select(['boards.slug'])
          .where('user_roles.role', '=', 'employee')
          .where('boards.visibility', '=', 'public')
          .executeTakeFirstOrThrow();
        const board = await app.inject({ url: `/b/${employeeTopic.slug}` });
        assert.match(board.body, /<td class="meta">[^]*?<span class="badge badge-employee"/);
        const home = await app.inject({ url: '/' });
        const latest = home.body.slice(home.body.indexOf('latest-list'));
        const employeeLast = await database.db
          .selectFrom('topics')
          .innerJoin('user_roles', 'user_roles.user_id', 'topics.last_post_user_id')
          .innerJoin('boards', 'boards.id', 'topics.board_id')
          .select('topics.id')
          .where('user_roles.role', '=', 'employee')
          .where('boards.visibility', '=', 'public')
          .orderBy('topics.last_post_at', 'desc')
          .execute();
        if (employeeLast.length) assert.match(latest, /badge-employee|badge-moderator|badge-community_manager/);
      } finally {
        await app.close();
        await database.drop();
      }
    });
  });
}
