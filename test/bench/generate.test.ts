// The benchmark generator writes its counters directly instead of going through the use cases,
// so these tests check every denormalised counter against COUNT(*) over the rows themselves.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generate, NotEmptyError, type GenerateResult } from '../../bench/generate.ts';
import { openDatabase } from '../../src/db/database.ts';
import { renderMarkdown } from '../../src/shared/markdown.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';

const SIZE = { users: 50, topics: 20, posts: 300, boards: 4 };

for (const kind of testDatabaseKinds()) {
  describe(`bench generator on ${kind.name}`, () => {
    let database: TestDatabase;
    let result: GenerateResult;
    before(async () => {
      database = await kind.open({ migrate: false });
      result = await generate({ databaseUrl: database.url, ...SIZE, seed: 7 });
    });
    after(async () => {
      await database?.drop();
    });

    test('writes the requested numbers of rows', async () => {
      const db = database.db;
      const count = async (table: 'users' | 'boards' | 'topics' | 'posts') =>
        (await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
      assert.equal(await count('users'), 50);
      assert.equal(await count('boards'), 4);
      assert.equal(await count('topics'), 20);
      assert.equal(await count('posts'), 300);
      assert.equal(result.posts, 300);
      assert.ok(result.rows > 370);
    });

    test('board counters match their topics and posts', async () => {
      const db = database.db;
      const boards = await db.selectFrom('boards').selectAll().execute();
      assert.equal(boards.reduce((s, b) => s + b.post_count, 0), 300);
      assert.equal(boards.reduce((s, b) => s + b.topic_count, 0), 20);
      for (const b of boards) {
        const topics = await db.selectFrom('topics').select(['id', 'last_post_at', 'post_count']).where('board_id', '=', b.id).execute();
        const posts = await db
          .selectFrom('posts')
          .innerJoin('topics', 'topics.id', 'posts.topic_id')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('topics.board_id', '=', b.id)
          .executeTakeFirstOrThrow();
        assert.equal(b.topic_count, topics.length, `board ${b.slug} topic_count`);
        assert.equal(b.post_count, posts.n, `board ${b.slug} post_count`);
        if (topics.length === 0) {
          assert.equal(b.last_post_at, null);
          continue;
        }
        const newest = topics.map((t) => t.last_post_at).sort().at(-1);
        assert.equal(b.last_post_at, newest, `board ${b.slug} last_post_at`);
        const last = topics.find((t) => t.id === b.last_topic_id);
        assert.ok(last, `board ${b.slug} last_topic_id is one of its topics`);
        assert.equal(last.last_post_at, newest);
      }
    });

    test('topic counters match their posts, and post numbers are dense from 1', async () => {
      const db = database.db;
      const topics = await db.selectFrom('topics').selectAll().execute();
      for (const t of topics) {
        const posts = await db.selectFrom('posts').selectAll().where('topic_id', '=', t.id).orderBy('post_number').execute();
        assert.equal(t.post_count, posts.length, `topic ${t.id} post_count`);
        assert.deepEqual(posts.map((p) => p.post_number), posts.map((_, i) => i + 1), `topic ${t.id} post numbers`);
        const first = posts[0]!;
        const lastPost = posts.at(-1)!;
        assert.equal(first.user_id, t.user_id, 'the first post is the topic author’s');
        assert.equal(first.created_at, t.created_at);
        assert.equal(t.last_post_at, lastPost.created_at);
        assert.equal(t.last_post_user_id, lastPost.user_id);
        for (let i = 1; i < posts.length; i++) assert.ok(posts[i]!.created_at >= posts[i - 1]!.created_at, 'posts are in time order');
      }
    });

    test('an accepted answer is a reply in the same question', async () => {
      const db = database.db;
      const solved = await db.selectFrom('topics').select(['id', 'kind', 'solved_post_id']).where('solved_post_id', 'is not', null).execute();
      assert.ok(solved.length > 0, 'some questions are solved');
      for (const t of solved) {
        const post = await db.selectFrom('posts').select(['topic_id', 'post_number']).where('id', '=', t.solved_post_id!).executeTakeFirstOrThrow();
        assert.equal(t.kind, 'question');
        assert.equal(post.topic_id, t.id, `topic ${t.id}: answer belongs to it`);
        assert.ok(post.post_number >= 2, `topic ${t.id}: the answer is a reply`);
      }
      const kinds = new Set((await db.selectFrom('topics').select('kind').execute()).map((r) => r.kind));
      assert.deepEqual([...kinds].sort(), ['discussion', 'question']);
    });

    test('user counters match their posts and accepted answers', async () => {
      const db = database.db;
      const users = await db.selectFrom('users').select(['id', 'post_count', 'answer_count', 'password_hash']).execute();
      const posts = await db.selectFrom('posts').select(['user_id']).execute();
      const answers = await db
        .selectFrom('topics')
        .innerJoin('posts', 'posts.id', 'topics.solved_post_id')
        .select('posts.user_id')
        .execute();
      for (const u of users) {
        assert.equal(u.post_count, posts.filter((p) => p.user_id === u.id).length, `user ${u.id} post_count`);
        assert.equal(u.answer_count, answers.filter((a) => a.user_id === u.id).length, `user ${u.id} answer_count`);
        assert.equal(u.password_hash, '!', 'generated accounts cannot sign in');
      }
      assert.equal(users.reduce((s, u) => s + u.post_count, 0), 300);
    });

    test('every user is a member; there are employees and moderators', async () => {
      const db = database.db;
      const roles = await db.selectFrom('user_roles').select(['user_id', 'role']).execute();
      const members = new Set(roles.filter((r) => r.role === 'member').map((r) => r.user_id));
      assert.equal(members.size, 50);
      assert.ok(roles.some((r) => r.role === 'employee'));
      assert.ok(roles.some((r) => r.role === 'moderator'));
      assert.ok(roles.some((r) => r.role === 'admin'));
      const log = await db.selectFrom('role_changes').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(log.n, roles.length, 'each role has its grant in the role log');
    });

    test('stored HTML is the rendered Markdown', async () => {
      const posts = await database.db.selectFrom('posts').select(['body_markdown', 'body_html']).orderBy('id').limit(25).execute();
      for (const p of posts) assert.equal(p.body_html, renderMarkdown(p.body_markdown));
    });

    test('new rows still get fresh ids after the explicit ones', async () => {
      const { id } = await database.db
        .insertInto('boards')
        .values({ slug: 'after-bench', name: 'After', description: '', position: 99, visibility: 'public', last_post_at: null, last_topic_id: null, created_at: new Date().toISOString() })
        .returning('id')
        .executeTakeFirstOrThrow();
      assert.equal(id, 5);
      await database.db.deleteFrom('boards').where('id', '=', id).execute();
    });

    test('refuses a database that has data, and --force wipes it', async () => {
      await assert.rejects(generate({ databaseUrl: database.url, ...SIZE }), (e: Error) => e instanceof NotEmptyError && /--force/.test(e.message));
      const again = await generate({ databaseUrl: database.url, users: 10, topics: 5, posts: 12, boards: 2, force: true });
      assert.equal(again.posts, 12);
      // A new connection: on SQLite, --force replaced the file under the old one.
      const fresh = await openDatabase(database.url);
      try {
        const n = await fresh.db.selectFrom('posts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
        assert.equal(n.n, 12);
      } finally {
        await fresh.close();
      }
    });
  });
}
