import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { addDocument } from '../../src/confidentiality/documents.ts';
import { readGuardOptions, readGuardPolicy, readGuardVersion } from '../../src/confidentiality/settings.ts';
import { FINDING_TYPES } from '../../src/guard/index.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';

const PASSWORD = 'correct horse battery staple';
const PHONE = '06 28 41 75 93';
const PHONE_DIGITS = '628417593';

const CONFIDENTIAL = `Retention playbook 2027 (internal). When a customer threatens to cancel, agents may offer the loyalty discount of
thirty percent for twelve months, but only after the second call and never in writing. Churn among fibre customers in the
northern region rose to eleven percent last quarter because the migration of the old copper network ran four months late.`;

for (const kind of testDatabaseKinds()) {
  describe(`guard administration pages on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let cmId: number;
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      const cm = await makeUser(database.db, ['community_manager'], 'cm_guard');
      cmId = cm.id;
      await makeUser(database.db, ['employee'], 'emp_guard');
      await makeUser(database.db, ['moderator'], 'mod_guard');
      await makeUser(database.db, [], 'member_guard');
      await createBoard(database.db, cm, { name: 'Mobile', description: 'Phones and plans' });
    });
    after(async () => {
      await app.close();
      await database.drop();
    });
    const as = async (login: string) => {
      const a = new Agent(app);
      assert.equal((await a.post('/signin', { login, password: PASSWORD }, '/signin')).statusCode, 303);
      return a;
    };
    /** The policy form as the page would submit it, from the stored settings, with overrides. */
    const policyForm = async (overrides: Record<string, string> = {}) => {
      const policy = await readGuardPolicy(database.db);
      const form: Record<string, string> = { minConfidence: String(policy.minConfidence), maskRetentionDays: String(policy.maskRetentionDays), pricePlans: '', patterns: '' };
      for (const [role, rr] of Object.entries(policy.rules)) for (const t of FINDING_TYPES) form[`rule.${role}.${t}`] = rr[t] ?? 'warn';
      return { ...form, ...overrides };
    };
    const stored = async () => JSON.stringify([await readGuardPolicy(database.db), await readGuardOptions(database.db), await readGuardVersion(database.db)]);

    test("a community manager blocks members' phone numbers: a member's post with one is then refused (422); the audit log has no digits", async () => {
      const member = await as('member_guard');
      const masked = await member.post('/b/mobile/topics', { kind: 'question', title: 'Call me back please', body: `You can reach me on ${PHONE} in the evening.` }, '/b/mobile/new');
      assert.equal(masked.statusCode, 303, 'masked by default');

      const cm = await as('cm_guard');
      const page = await cm.get('/admin/guard');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<select name="rule\.member\.phone"[^>]*>.*<option value="mask" selected>/);
      assert.match(page.body, /<th scope="col">community manager<\/th>/);
      const posted = await cm.post('/admin/guard', await policyForm({ 'rule.member.phone': 'block', pricePlans: 'Unlimited Plus\nFibre Home', patterns: 'contract number, KL-\\d{7}, none' }), '/admin/guard');
      // Post/Redirect/Get: the saved settings are shown by a GET (a reload sends nothing again).
      assert.equal(posted.statusCode, 303, posted.body);
      assert.equal(posted.headers.location, '/admin/guard?saved=1');
      const saved = await cm.follow(posted);
      assert.match(saved.body, /<p class="notice" role="status">Saved\. New posts are checked with these settings\.<\/p>/);
      assert.doesNotMatch((await cm.get('/admin/guard')).body, /role="status">Saved/);
      assert.equal((await readGuardPolicy(database.db)).rules.member!.phone, 'block');
      assert.deepEqual((await readGuardOptions(database.db)).pricePlans, ['Unlimited Plus', 'Fibre Home']);
      assert.deepEqual((await readGuardOptions(database.db)).customerNumberPatterns, [{ name: 'contract number', source: 'KL-\\d{7}' }]);
      assert.match(saved.body, /Unlimited Plus\nFibre Home<\/textarea>/);

      const refused = await member.post('/b/mobile/topics', { kind: 'question', title: 'Please call me back', body: `My number is ${PHONE}, call me after six.` }, '/b/mobile/new');
      assert.equal(refused.statusCode, 422);

      const audit = await cm.get('/admin/guard/audit');
      assert.equal(audit.statusCode, 200);
      assert.match(audit.body, /<td>member_guard<\/td><td>topic <span translate="no">[^<]*<\/span><\/td><td>phone × 1<\/td><td>block<\/td>/);
      assert.match(audit.body, /phone × 1<\/td><td>mask<\/td>/);
      assert.ok(!audit.body.replace(/[\s\-.()+/]/g, '').includes(PHONE_DIGITS), 'the audit page shows phone digits');
    });

    test('a bad regular expression, an unknown action or an out-of-range number is refused with its message; the typed values stay; nothing is saved', async () => {
      const cm = await as('cm_guard');
      const before = await stored();
      const badRegex = await cm.post('/admin/guard', await policyForm({ pricePlans: 'Typed Plan', patterns: 'contract, KL-([0-9, mod11' }), '/admin/guard');
      assert.equal(badRegex.statusCode, 400);
      assert.match(badRegex.body, /invalid regular expression/);
      assert.match(badRegex.body, /Typed Plan<\/textarea>/);
      assert.match(badRegex.body, /contract, KL-\(\[0-9, mod11<\/textarea>/);
      const badAction = await cm.post('/admin/guard', await policyForm({ 'rule.member.email': 'shred' }), '/admin/guard');
      assert.equal(badAction.statusCode, 400);
      assert.match(badAction.body, /Unknown action &quot;shred&quot;|Unknown action "shred"/);
      const badNumber = await cm.post('/admin/guard', await policyForm({ minConfidence: '1.5', maskRetentionDays: '12' }), '/admin/guard');
      assert.equal(badNumber.statusCode, 400);
      assert.match(badNumber.body, /Minimum confidence must be a number between 0 and 1/);
      assert.match(badNumber.body, /name="minConfidence" value="1.5"/);
      const badDays = await cm.post('/admin/guard', await policyForm({ maskRetentionDays: '9999' }), '/admin/guard');
      assert.equal(badDays.statusCode, 400);
      assert.equal(await stored(), before, 'nothing was saved');
    });

    test('registered documents are listed and can be removed', async () => {
      await addDocument(database.db, { fileName: 'retention-playbook.txt', text: CONFIDENTIAL, label: 'confidential', addedBy: cmId });
      const cm = await as('cm_guard');
      const list = await cm.get('/admin/guard/documents');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /<td>retention-playbook\.txt<\/td><td>confidential<\/td><td>\d+<\/td><td>cm_guard<\/td>/);
      const id = (await database.db.selectFrom('guard_documents').select('id').executeTakeFirstOrThrow()).id;
      const removed = await cm.post(`/admin/guard/documents/${id}/remove`, {}, '/admin/guard/documents');
      assert.equal(removed.statusCode, 200);
      assert.match(removed.body, /Removed retention-playbook\.txt/);
      assert.doesNotMatch(removed.body, /<td>retention-playbook\.txt<\/td>/);
      assert.equal((await database.db.selectFrom('guard_documents').select('id').execute()).length, 0);
      assert.equal((await cm.post(`/admin/guard/documents/${id}/remove`, {}, '/admin/guard/documents')).statusCode, 404);
    });

    test('employees and moderators get 403, visitors 401', async () => {
      for (const login of ['emp_guard', 'mod_guard', 'member_guard']) {
        const a = await as(login);
        for (const url of ['/admin/guard', '/admin/guard/audit', '/admin/guard/documents']) assert.equal((await a.get(url)).statusCode, 403, `${login} ${url}`);
        assert.equal((await a.post('/admin/guard', await policyForm(), '/settings')).statusCode, 403);
        assert.equal((await a.post('/admin/guard/documents/1/remove', {}, '/settings')).statusCode, 403);
      }
      for (const url of ['/admin/guard', '/admin/guard/audit', '/admin/guard/documents']) assert.equal((await app.inject({ url })).statusCode, 401);
      assert.equal((await app.inject({ method: 'POST', url: '/admin/guard', payload: {} })).statusCode, 403, 'no CSRF token');
    });

    test('the home page links community managers to the guard pages', async () => {
      assert.match((await (await as('cm_guard')).get('/')).body, /href="\/admin\/guard"/);
      assert.doesNotMatch((await (await as('emp_guard')).get('/')).body, /href="\/admin\/guard"/);
    });
  });
}
