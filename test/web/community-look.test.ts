// Issue 18: what pages show around the posts — avatars (pictures or initials) beside posts, in
// lists, the header and the queue; one id per post (the accepted answer's copy has none); topic
// states labelled apart; kudos in lists; "Go to post #"; "Start a topic". On the seeded demo.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { seedDemo, type DemoLogin } from '../../src/seed/seed-demo.ts';
import { setAvatar } from '../../src/accounts/avatar.ts';
import { giveKudos } from '../../src/community/give-kudos.ts';
import { forgetAuthor } from '../../src/accounts/find-user.ts';
import { moderateTopic } from '../../src/community/moderate-topic.ts';
import type { Role } from '../../src/db/schema.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';

for (const kind of testDatabaseKinds()) {
  describe(`the community's look on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let logins: DemoLogin[];
    const as: Record<string, Agent> = {};
    let solved: { id: number; slug: string; solved_post_id: number };
    before(async () => {
      database = await kind.open();
      logins = await seedDemo(database.db);
      app = await testServer(database);
      for (const name of ['demo-member', 'demo-employee', 'demo-moderator']) {
        as[name] = new Agent(app);
        const password = logins.find((l) => l.username === name)!.password;
        assert.equal((await as[name].post('/signin', { login: name, password }, '/signin')).statusCode, 303);
      }
      solved = (await database.db.selectFrom('topics').select(['id', 'slug', 'solved_post_id']).where('solved_post_id', 'is not', null).orderBy('id').executeTakeFirstOrThrow()) as typeof solved;
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('one id per post: the answer block\'s copy has none, and "See it in context" leads to the post in the thread', async () => {
      const page = (await app.inject({ url: `/t/${solved.slug}/${solved.id}` })).body;
      const ids = [...page.matchAll(/ id="(post-\d+)"/g)].map((m) => m[1]!);
      assert.ok(ids.length >= 3);
      assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.join(', ')}`);
      const answer = await database.db.selectFrom('posts').select('post_number').where('id', '=', solved.solved_post_id).executeTakeFirstOrThrow();
      const block = page.slice(page.indexOf('class="answer-block"'), page.indexOf('class="replies"'));
      assert.match(block, new RegExp(`href="[^"]*#post-${answer.post_number}">See it in context</a>`));
      assert.doesNotMatch(block, / id="post-\d+"/, 'the copy carries no post id');
      const replies = page.slice(page.indexOf('class="replies"'));
      assert.match(replies, new RegExp(`<article class="post is-answer" id="post-${answer.post_number}"`));
      // Marked with more than a border: a label the reader (and a screen reader) can read.
      const inThread = replies.slice(replies.indexOf(`id="post-${answer.post_number}"`));
      assert.match(inThread.slice(0, inThread.indexOf('</header>')), /class="accepted-mark"[\s\S]*Accepted answer/);
      // Each post has its permalink.
      assert.match(page, new RegExp(`class="permalink" href="[^"]*#post-${answer.post_number}" data-copy-link>Link to post #${answer.post_number}</a>`));
    });

    test('avatars: initials on a colour without a picture; the picture, sized and lazy, once uploaded; cached with an ETag', async () => {
      const url = `/t/${solved.slug}/${solved.id}`;
      const before = (await app.inject({ url })).body;
      const posts = before.split('<article class="post').slice(1);
      for (const p of posts) assert.match(p, /class="avatar (initials avatar-c[0-7x] avatar-40|")/, 'every post has an avatar');
      // The accepted answer's author: shown twice on the page (the answer block and the thread).
      const employee = await database.db.selectFrom('posts').select('user_id as id').where('id', '=', solved.solved_post_id).executeTakeFirstOrThrow();
      const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3366cc' } }).png().toBuffer();
      const roles = new Set<Role>(['member', 'employee']);
      // Through the settings form, so that the author card is dropped as in real use.
      const file = await setAvatar(database.db, { id: employee.id, roles }, png, app.files);
      forgetAuthor(database.db, employee.id);
      const after = (await app.inject({ url })).body;
      const img = `<img class="avatar" src="/avatars/${file}" alt="" width="40" height="40" loading="lazy" decoding="async">`;
      assert.equal(after.split(img).length - 1, 2, 'the answer and its copy show the picture');
      // The header's avatar menu shows one's own.
      const me = await database.db.selectFrom('users').select('id').where('username', '=', 'demo-member').executeTakeFirstOrThrow();
      const mine = await setAvatar(database.db, { id: me.id, roles: new Set<Role>(['member']) }, png, app.files);
      forgetAuthor(database.db, me.id);
      assert.ok((await as['demo-member']!.get('/')).body.includes(`<summary><img class="avatar" src="/avatars/${mine}" alt="" width="32" height="32"`));
      const res = await app.inject({ url: `/avatars/${file}` });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['cache-control']), /max-age=\d{4,}/);
      assert.ok(res.headers.etag);
      assert.equal((await app.inject({ url: `/avatars/${file}`, headers: { 'if-none-match': String(res.headers.etag) } })).statusCode, 304);
    });

    test('topic lists: starter and last poster with avatars, kudos counts, Pinned / Locked / Closed told apart', async () => {
      const mod = await database.db.selectFrom('users').select('id').where('username', '=', 'demo-moderator').executeTakeFirstOrThrow();
      const actor = { id: mod.id, roles: new Set<Role>(['member', 'moderator']) };
      const [a, b] = await database.db.selectFrom('topics').innerJoin('boards', 'boards.id', 'topics.board_id').select(['topics.id', 'boards.slug']).where('boards.slug', '=', 'ideas').orderBy('topics.id').limit(2).execute();
      await moderateTopic(database.db, actor, a!.id, 'lock');
      await moderateTopic(database.db, actor, b!.id, 'close');
      await moderateTopic(database.db, actor, b!.id, 'pin');
      const boardPage = async () => (await app.inject({ url: '/b/ideas' })).body;
      const board = await boardPage();
      assert.match(board, /<span class="label label-locked">Locked<\/span>/);
      assert.match(board, /<span class="label label-closed">Closed<\/span>/);
      assert.match(board, /<span class="label label-pinned">Pinned<\/span>/);
      const rows = board.split('<tr class=').slice(2);
      for (const row of rows) assert.equal((row.match(/class="avatar[ "]/g) ?? []).length, 2, 'starter and last poster');
      const member = await database.db.selectFrom('users').select('id').where('username', '=', 'demo-member').executeTakeFirstOrThrow();
      const first = await database.db.selectFrom('posts').select('id').where('topic_id', '=', b!.id).where('post_number', '=', 1).executeTakeFirstOrThrow();
      await giveKudos(database.db, { id: member.id, roles: new Set<Role>(['member']) }, first.id).catch(() => {}); // once: the demo may have given it already
      const kudos = await database.db.selectFrom('posts').innerJoin('topics', 'topics.id', 'posts.topic_id').innerJoin('boards', 'boards.id', 'topics.board_id').select(['topics.id', 'posts.kudos_count']).where('boards.slug', '=', 'ideas').where('posts.post_number', '=', 1).where('posts.kudos_count', '>', 0).execute();
      assert.ok(kudos.length > 0, 'the demo Ideas board has kudos');
      const withKudos = await boardPage();
      for (const k of kudos) assert.match(withKudos, new RegExp(`class="kudos-count">${k.kudos_count} kudo`));
      // The home page's latest list and the review queue show avatars too.
      assert.match((await app.inject({ url: '/' })).body, /class="latest-list">[\s\S]*class="avatar[ "]/);
    });

    test('"Go to post #N" opens the page that holds it; "Start a topic" lists the boards one may post in', async () => {
      const res = await app.inject({ url: `/t/${solved.id}/jump?n=2` });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `/t/${solved.slug}/${solved.id}#post-2`);
      assert.equal((await app.inject({ url: `/t/${solved.id}/jump?n=0` })).statusCode, 400);
      assert.equal((await app.inject({ url: '/new' })).statusCode, 401);
      const member = (await as['demo-member']!.get('/new')).body;
      assert.match(member, /href="\/b\/mobile-sim\/new"/);
      assert.doesNotMatch(member, /href="\/b\/staff-lounge\/new"/, 'a board the member may not post in is not offered');
      assert.ok((member.match(/class="board-choice"/g) ?? []).length >= 4);
    });

    test('profiles: activity (topics, replies, accepted answers, articles), role explained, kudos received, member since, last seen', async () => {
      const who = await database.db.selectFrom('posts').innerJoin('users', 'users.id', 'posts.user_id').select(['users.id', 'users.username']).where('posts.id', '=', solved.solved_post_id).executeTakeFirstOrThrow();
      const page = (await app.inject({ url: `/u/${who.username}` })).body;
      assert.match(page, /<dt>Member since<\/dt>/);
      assert.match(page, /<dt>Last seen<\/dt><dd><time datetime=/);
      const kudos = await database.db.selectFrom('posts').select((eb) => eb.fn.sum<number>('kudos_count').as('k')).where('user_id', '=', who.id).where('deleted_at', 'is', null).executeTakeFirstOrThrow();
      assert.match(page, new RegExp(`<dt>Kudos received</dt><dd>${Number(kudos.k ?? 0)}</dd>`));
      assert.match(page, /class="activity-answer"><span class="activity-kind">Accepted answer<\/span>/);
      // An employee's profile says what an Employee is.
      const employee = (await app.inject({ url: '/u/demo-employee' })).body;
      assert.match(employee, /<strong>Employee:<\/strong> Works for the company/);
      // Nothing from a board the viewer may not read: staff-board posts are left out for visitors.
      const staffPost = await database.db.selectFrom('posts').innerJoin('topics', 'topics.id', 'posts.topic_id').innerJoin('boards', 'boards.id', 'topics.board_id').innerJoin('users', 'users.id', 'posts.user_id').select(['users.username', 'topics.title']).where('boards.visibility', '=', 'staff').executeTakeFirst();
      assert.ok(staffPost, 'the demo has a staff board post');
      const title = staffPost.title.replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;');
      assert.ok(!(await app.inject({ url: `/u/${staffPost.username}` })).body.includes(title), 'a visitor does not see staff-board topics');
      assert.ok((await as['demo-moderator']!.get(`/u/${staffPost.username}`)).body.includes(title), 'staff do');
    });

    test('"About the team" lists the community team and the employees, with what each badge means', async () => {
      const page = (await app.inject({ url: '/team' })).body;
      assert.equal((await app.inject({ url: '/team' })).statusCode, 200);
      const [team, employees] = page.split('id="employees-h"');
      assert.match(team!, /href="\/u\/demo-moderator"/);
      assert.match(team!, /href="\/u\/demo-manager"/);
      assert.match(employees!, /href="\/u\/demo-employee"/);
      assert.doesNotMatch(page, /href="\/u\/demo-member"/);
      for (const label of ['Employee', 'Moderator', 'Community Manager']) assert.match(page, new RegExp(`<dt><span class="badge[^"]*">${label}</span></dt><dd>`));
    });
  });
}

describe('a returned draft: edit and resubmit', () => {
  test('its author finds "Edit and resubmit", which opens the composer with the draft and the team\'s comment; nobody else can', async () => {
    const database = await testDatabaseKinds()[0]!.open();
    const app = await testServer(database);
    try {
      const { makeUser } = await import('../helpers/fixtures.ts');
      const { createBoard } = await import('../../src/community/create-board.ts');
      const { holdDraft } = await import('../../src/moderation/hold-draft.ts');
      const { reviewHeld } = await import('../../src/moderation/review-held.ts');
      await createBoard(database.db, null, { name: 'Billing', slug: 'billing' });
      const author = await makeUser(database.db, [], 'rd_author');
      const other = await makeUser(database.db, [], 'rd_other');
      const mod = await makeUser(database.db, ['moderator'], 'rd_mod');
      const { id } = await holdDraft(database.db, author, { kind: 'topic', boardSlug: 'billing', topicKind: 'discussion', title: 'Invoice shows the wrong plan', body: 'My invoice lists the old plan.', tags: 'invoice', note: '', reason: 'asked', findings: [] });
      await reviewHeld(database.db, mod, { id, decision: 'return', comment: 'Please leave out your account number.' });
      const as = async (name: string) => {
        const a = new Agent(app);
        assert.equal((await a.post('/signin', { login: name, password: 'correct horse battery staple' }, '/signin')).statusCode, 303);
        return a;
      };
      const me = await as('rd_author');
      assert.match((await me.get('/my/drafts')).body, new RegExp(`href="/b/billing/new\\?draft=${id}">Edit and resubmit</a>`));
      assert.match((await me.get(`/moderation/held/${id}`)).body, /Edit and resubmit/);
      const page = (await me.get(`/b/billing/new?draft=${id}`)).body;
      assert.match(page, /returned this draft to you: Please leave out your account number\./);
      assert.match(page, /value="Invoice shows the wrong plan"/);
      assert.match(page, /My invoice lists the old plan\./);
      assert.match(page, /value="discussion" checked|value="discussion"[^>]*checked/);
      assert.equal((await (await as('rd_other')).get(`/b/billing/new?draft=${id}`)).statusCode, 404, 'not someone else\'s');
      void other;
    } finally {
      await app.close();
      await database.drop();
    }
  });
});
