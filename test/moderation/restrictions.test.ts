// Issue 13, point 7: moderator actions on accounts (warn, silence, suspend until a date with a
// reason, lift) from the profile and the CLI, shown to the member; and distinct topic labels.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { moderateTopic } from '../../src/community/moderate-topic.ts';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { parseUntil } from '../../src/moderation/restrict-user.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import type { Role } from '../../src/db/schema.ts';
import type { Actor } from '../../src/policy/policy.ts';

const PASSWORD = 'correct horse battery staple';
const bin = fileURLToPath(new URL('../../bin/parley.js', import.meta.url));
const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

test('end dates: YYYY-MM-DD to the end of that day, in the future, within ten years', () => {
  assert.equal(parseUntil('2031-05-04', Date.parse('2030-01-01T00:00:00Z')), '2031-05-04T23:59:59.999Z');
  for (const bad of ['', 'tomorrow', '2020-01-01', '2999-01-01', '2031-13-45']) assert.throws(() => parseUntil(bad, Date.parse('2030-01-01T00:00:00Z')), bad);
});

for (const kind of testDatabaseKinds()) {
  describe(`account restrictions on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let topicId: number;
    let topicUrl: string;
    const as: Record<string, Agent> = {};
    const actors: Record<string, Actor> = {};
    const signIn = async (name: string) => {
      const a = new Agent(app);
      const res = await a.post('/signin', { login: name, password: PASSWORD }, '/signin');
      return { a, res };
    };
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Help', slug: 'help' });
      const people: [string, Role[]][] = [['rs_member', []], ['rs_quiet', []], ['rs_emp', ['employee']], ['rs_mod', ['moderator']], ['rs_mod2', ['moderator']], ['rs_admin', ['admin']]];
      for (const [name, roles] of people) {
        actors[name] = await makeUser(database.db, roles, name);
        const { a, res } = await signIn(name);
        assert.equal(res.statusCode, 303);
        as[name] = a;
      }
      const t = await createTopic(database.db, actors.rs_mod!, { boardSlug: 'help', kind: 'discussion', title: 'Restrictions topic', body: 'Hello.' });
      topicId = t.id;
      topicUrl = `/t/${t.slug}/${t.id}`;
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('who may restrict whom: not members or employees, not oneself, staff only by an admin; bad input is 400; nothing changes', async () => {
      const url = '/u/rs_member/restrict';
      const ok = { action: 'suspend', until: future(7), reason: 'Spam' };
      assert.equal((await as.rs_emp!.post(url, ok, '/u/rs_member')).statusCode, 403);
      assert.equal((await as.rs_member!.post('/u/rs_quiet/restrict', ok, '/u/rs_quiet')).statusCode, 403);
      assert.equal((await as.rs_mod!.post('/u/rs_mod/restrict', ok, '/u/rs_mod')).statusCode, 403, 'not oneself');
      assert.equal((await as.rs_mod!.post('/u/rs_mod2/restrict', ok, '/u/rs_mod2')).statusCode, 403, 'a moderator does not suspend a moderator');
      assert.equal((await as.rs_mod!.post(url, { ...ok, until: '2001-01-01' }, '/u/rs_member')).statusCode, 400);
      assert.equal((await as.rs_mod!.post(url, { ...ok, until: 'soon' }, '/u/rs_member')).statusCode, 400);
      assert.equal((await as.rs_mod!.post(url, { ...ok, reason: '' }, '/u/rs_member')).statusCode, 400);
      assert.equal((await as.rs_mod!.post(url, { ...ok, reason: 'x'.repeat(501) }, '/u/rs_member')).statusCode, 400);
      assert.equal((await as.rs_mod!.post(url, { ...ok, action: 'banish' }, '/u/rs_member')).statusCode, 400);
      assert.equal((await as.rs_mod!.post('/u/nobody_here/restrict', ok, '/u/rs_member')).statusCode, 404);
      const u = await database.db.selectFrom('users').select(['suspended_until', 'silenced_until']).where('username', '=', 'rs_member').executeTakeFirstOrThrow();
      assert.deepEqual(u, { suspended_until: null, silenced_until: null });
      assert.match((await as.rs_mod!.get('/u/rs_member')).body, /Moderate this member/);
      assert.doesNotMatch((await as.rs_emp!.get('/u/rs_member')).body, /Moderate this member/);
    });

    test('silence: the member reads but cannot post (forms and API), and sees why and until when', async () => {
      const until = future(3);
      assert.equal((await as.rs_mod!.post('/u/rs_quiet/restrict', { action: 'silence', until, reason: 'Cooling off after insults' }, '/u/rs_quiet')).statusCode, 303);
      assert.equal((await as.rs_quiet!.get(topicUrl)).statusCode, 200);
      const refused = await as.rs_quiet!.post(`/t/${topicId}/replies`, { body: 'Let me reply anyway.' }, topicUrl);
      assert.equal(refused.statusCode, 403);
      assert.match(refused.body, new RegExp(`read-only until ${until} \\(UTC\\)\\. Reason: Cooling off after insults`));
      const { token } = await createApiToken(database.db, actors.rs_quiet!, { name: 's' });
      const api = await app.inject({ method: 'POST', url: `/api/v1/topics/${topicId}/replies`, headers: { authorization: `Bearer ${token}` }, payload: { body: 'Via the API then.' } });
      assert.equal(api.statusCode, 403);
      assert.match((await as.rs_quiet!.get('/u/rs_quiet')).body, /Read-only until/);
      assert.equal((await as.rs_mod!.post('/u/rs_quiet/restrict', { action: 'lift', reason: 'Served' }, '/u/rs_quiet')).statusCode, 303);
      assert.equal((await as.rs_quiet!.post(`/t/${topicId}/replies`, { body: 'Thanks, I will keep it civil.' }, topicUrl)).statusCode, 303);
    });

    test('suspend: signed out everywhere, sign-in refused with the reason and date, API token refused; the admin may suspend staff', async () => {
      const until = future(10);
      const { token } = await createApiToken(database.db, actors.rs_member!, { name: 's' });
      assert.equal((await as.rs_mod!.post('/u/rs_member/restrict', { action: 'suspend', until, reason: 'Repeated spam' }, '/u/rs_member')).statusCode, 303);
      assert.doesNotMatch((await as.rs_member!.get('/')).body, /Sign out/, 'the open session is gone');
      const { res } = await signIn('rs_member');
      assert.equal(res.statusCode, 403);
      assert.match(res.body, new RegExp(`suspended until ${until} \\(UTC\\)\\. Reason: Repeated spam`));
      assert.equal((await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode, 403);
      assert.equal((await as.rs_admin!.post('/u/rs_mod2/restrict', { action: 'warn', reason: 'Be kinder in replies' }, '/u/rs_mod2')).statusCode, 303);
      const log = await database.db.selectFrom('staff_actions').select(['action', 'target', 'reason', 'detail']).where('action', 'like', 'user.%').orderBy('id').execute();
      assert.deepEqual(log.map((l) => l.action), ['user.silence', 'user.lift', 'user.suspend', 'user.warn']);
      assert.match(log[2]!.detail, new RegExp(`until ${until}`));
    });

    test('pinned, locked and closed show as distinct labels', async () => {
      await moderateTopic(database.db, actors.rs_mod!, topicId, 'pin');
      await moderateTopic(database.db, actors.rs_mod!, topicId, 'lock');
      let page = (await app.inject({ url: topicUrl })).body;
      assert.match(page, /<span class="label label-pinned">Pinned<\/span>/);
      assert.match(page, /<span class="label label-locked">Locked<\/span>/);
      await moderateTopic(database.db, actors.rs_mod!, topicId, 'unlock');
      await moderateTopic(database.db, actors.rs_mod!, topicId, 'close');
      page = (await app.inject({ url: topicUrl })).body;
      assert.match(page, /<span class="label label-closed">Closed<\/span>/);
      assert.doesNotMatch(page, /<span class="label label-locked">Locked<\/span>/);
      const board = (await app.inject({ url: '/b/help' })).body;
      assert.match(board, /<span class="label label-pinned">Pinned<\/span> <span class="label label-closed">Closed<\/span>/);
    });

    if (kind.name === 'sqlite') {
      test('the CLI: parley user suspend NAME --until DATE --reason …, and unsuspend', () => {
        const env = { ...process.env, DATABASE_URL: database.url };
        const until = future(5);
        const r = spawnSync(process.execPath, [bin, 'user', 'suspend', 'rs_emp', '--until', until, '--reason', 'Leaked a price list'], { env, encoding: 'utf8', timeout: 60_000 });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`rs_emp: suspended until ${until}T23:59:59.999Z \\(reason: Leaked a price list\\)`));
        const bad = spawnSync(process.execPath, [bin, 'user', 'suspend', 'rs_emp', '--until', '2001-01-01', '--reason', 'x'], { env, encoding: 'utf8', timeout: 60_000 });
        assert.notEqual(bad.status, 0);
        assert.match(bad.stderr, /must be in the future/);
        const lift = spawnSync(process.execPath, [bin, 'user', 'unsuspend', 'rs_emp', '--reason', 'Cleared'], { env, encoding: 'utf8', timeout: 60_000 });
        assert.equal(lift.status, 0, lift.stderr);
        assert.match(lift.stdout, /no restriction/);
      });
    }
  });
}
