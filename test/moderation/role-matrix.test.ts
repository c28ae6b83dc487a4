// Issue 13, point 10: a role × action matrix for the moderation actions over HTTP. Those without
// the role get 401 (visitor) or 403 and nothing changes; those with it get past the policy (the
// requests are built to stop at validation with a 400, so the matrix itself changes nothing).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { reportPost } from '../../src/moderation/report-post.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import type { Role } from '../../src/db/schema.ts';

const PASSWORD = 'correct horse battery staple';
const ROLES = ['visitor', 'member', 'employee', 'moderator', 'community_manager', 'admin'] as const;
type Who = (typeof ROLES)[number];

for (const kind of testDatabaseKinds()) {
  describe(`moderation role × action matrix on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let postId: number;
    let itemId: number;
    let topicUrl: string;
    const as: Partial<Record<Who, Agent>> = {};
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Help', slug: 'help' });
      const author = await makeUser(database.db, [], 'mx_author');
      const reporter = await makeUser(database.db, [], 'mx_reporter');
      for (const who of ROLES.slice(1)) {
        const roles: Role[] = who === 'member' ? [] : [who as Role];
        await makeUser(database.db, roles, `mx_${who}`);
        const a = new Agent(app);
        assert.equal((await a.post('/signin', { login: `mx_${who}`, password: PASSWORD }, '/signin')).statusCode, 303);
        as[who] = a;
      }
      const t = await createTopic(database.db, author, { boardSlug: 'help', kind: 'discussion', title: 'Matrix topic here', body: 'Opening post.' });
      topicUrl = `/t/${t.slug}/${t.id}`;
      postId = (await createReply(database.db, author, { topicId: t.id, body: 'A reply to report.' })).id;
      await reportPost(database.db, reporter, { postId, reason: 'spam', hideThreshold: 0 });
      itemId = (await database.db.selectFrom('review_items').select('id').executeTakeFirstOrThrow()).id;
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    // [action, request, roles allowed]; allowed requests carry invalid input so that they stop at a 400 (or read with 200).
    // A visitor's form post has no CSRF cookie, so it stops there (403) before the policy would say 401.
    const actions: [string, (a: Agent | null) => Promise<{ statusCode: number }>, Who[], ('GET' | 'POST')?][] = [];
    const get = (url: string) => (a: Agent | null) => (a ? a.get(url) : app.inject({ url }));
    const post = (url: string, form: Record<string, string>) => (a: Agent | null) => (a ? a.post(url, form, topicUrl) : app.inject({ method: 'POST', url, payload: form }));
    const STAFF: Who[] = ['moderator', 'community_manager', 'admin'];
    const MANAGERS: Who[] = ['community_manager', 'admin'];
    actions.push(
      ['open the queue', get('/moderation/queue'), STAFF],
      ['open a review item', (a) => get(`/moderation/items/${itemId}`)(a), STAFF],
      ['decide a review item', (a) => post(`/moderation/items/${itemId}`, { decision: 'not-a-decision' })(a), STAFF, 'POST'],
      ['claim a review item', (a) => post(`/moderation/items/999999/claim`, {})(a), STAFF, 'POST'],
      ['open the redaction form', (a) => get(`/p/${postId}/redact`)(a), STAFF],
      ['redact a post', (a) => post(`/p/${postId}/redact`, { text: 'x', reason: '' })(a), STAFF, 'POST'],
      ['read the staff log', get('/moderation/log?from=bad'), MANAGERS],
      ['export the staff log', get('/moderation/log.csv?to=2000-01-01'), MANAGERS],
      ['open moderation settings', get('/moderation/settings'), MANAGERS],
      ['add a watched word', post('/moderation/watched-words', { pattern: '(a+)+$', regex: '1', action: 'block' }), MANAGERS, 'POST'],
      ['change the limits', post('/moderation/settings', { firstPostsHeld: '-1' }), MANAGERS, 'POST'],
      ['change the tone phrases', post('/moderation/tone', { phrases: 'x'.repeat(101) }), MANAGERS, 'POST'],
    );

    test('every action, every role', async () => {
      const state = async () => JSON.stringify(await Promise.all([
        database.db.selectFrom('review_items').selectAll().execute(),
        database.db.selectFrom('staff_actions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst(),
        database.db.selectFrom('watched_words').selectAll().execute(),
        database.db.selectFrom('settings').selectAll().where('key', 'like', 'moderation.%').execute(),
        database.db.selectFrom('posts').select(['body_markdown', 'hidden_at', 'deleted_at']).where('id', '=', postId).execute(),
      ]));
      const before = await state();
      const table: string[] = [];
      for (const [name, run, allowed, method] of actions) {
        for (const who of ROLES) {
          const res = await run(who === 'visitor' ? null : as[who]!);
          const expected = allowed.includes(who) ? 'allowed' : who === 'visitor' && method !== 'POST' ? 401 : 403;
          const got = res.statusCode === 401 || res.statusCode === 403 ? res.statusCode : 'allowed';
          table.push(`${name} × ${who}: ${got}`);
          assert.equal(got, expected, `${name} as ${who}: HTTP ${res.statusCode}`);
          if (got === 'allowed') assert.ok([200, 400, 404].includes(res.statusCode), `${name} as ${who}: HTTP ${res.statusCode}`);
        }
      }
      assert.equal(await state(), before, 'the matrix changed nothing');
      assert.equal(table.length, actions.length * ROLES.length);
    });

    test('reporting: members and employees report others\' posts; nobody reports their own; visitors sign in', async () => {
      assert.equal((await app.inject({ url: `/p/${postId}/report` })).statusCode, 401);
      for (const who of ['member', 'employee', 'moderator'] as const) {
        const res = await as[who]!.post(`/p/${postId}/report`, { reason: 'spam' }, `/p/${postId}/report`);
        assert.equal(res.statusCode, 200, who);
      }
      const own = await makeUser(database.db, [], 'mx_own');
      const ownPost = (await createReply(database.db, own, { topicId: (await database.db.selectFrom('posts').select('topic_id').where('id', '=', postId).executeTakeFirstOrThrow()).topic_id, body: 'Mine.' })).id;
      await assert.rejects(reportPost(database.db, own, { postId: ownPost, reason: 'spam', hideThreshold: 0 }), (e: { status: number }) => e.status === 403);
    });
  });
}
