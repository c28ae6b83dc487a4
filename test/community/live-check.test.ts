// The composer's live guard check (/check) with text attachments: the same checks and the same
// guard decision as on submit, findings that name the file and line, clear 4xx on bad input,
// and nothing stored (no post, attachment, held draft or masked original; the audit log gets
// finding types only, never a value).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import type { DB } from '../../src/db/schema.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { testServer } from '../helpers/server.ts';
import { Agent, csrfToken } from '../helpers/browserless-agent.ts';

const PASSWORD = 'correct horse battery staple';
const LOG = 'router boot ok\nsync: 1 Mbit/s down\nline drops at 21:04 and 21:09\n';
const PHONE = '06 41 27 93 58';
const NOTES = `Call notes\n\nPlease call me back on ${PHONE} after six.\n`;
const digits = (s: string) => s.replace(/[\s\-.()+]/g, '');

for (const kind of testDatabaseKinds()) {
  describe(`the live check with attachments on ${kind.name}`, () => {
    let database: TestDatabase;
    let db: Kysely<DB>;
    let app: FastifyInstance;
    let topicUrl = '';
    const as: Record<string, { agent: Agent; csrf: string }> = {};

    const check = (who: string, payload: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> => {
      const { agent, csrf } = as[who]!;
      return app.inject({
        method: 'POST',
        url: '/check',
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
        headers: { 'content-type': 'application/json', accept: 'application/json', cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': csrf, ...headers },
      });
    };
    const count = async (table: 'posts' | 'attachments' | 'held_drafts' | 'masked_originals' | 'guard_decisions') =>
      Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const stored = async () => ({ posts: await count('posts'), attachments: await count('attachments'), held: await count('held_drafts'), masked: await count('masked_originals') });

    before(async () => {
      database = await kind.open();
      db = database.db;
      app = await testServer(database);
      await createBoard(db, null, { name: 'Internet', slug: 'internet' });
      const asker = await makeUser(db, [], 'live_member');
      await makeUser(db, ['employee'], 'live_employee');
      const t = await createTopic(db, asker, { boardSlug: 'internet', kind: 'question', title: 'My line drops every evening', body: 'It drops around 21:00.' });
      topicUrl = `/t/${t.slug}/${t.id}`;
      for (const name of ['live_member', 'live_employee']) {
        const agent = new Agent(app);
        assert.equal((await agent.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
        as[name] = { agent, csrf: csrfToken((await agent.get(topicUrl)).body) };
      }
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('a phone number in an attached file is reported with the file, its line and the policy for the author; nothing is stored', async () => {
      const before = await stored();
      const auditBefore = await count('guard_decisions');
      const payload = { body: 'The log and my notes are attached.', where: 'reply', attachments: [{ name: 'router.log', content: LOG }, { name: 'notes.txt', content: NOTES }] };

      const res = await check('live_member', payload);
      assert.equal(res.statusCode, 200, res.body);
      const result = res.json();
      assert.equal(result.action, 'mask', 'a member\'s own phone number is masked');
      assert.deepEqual(result.attachments, [{ name: 'router.log' }, { name: 'notes.txt' }]);
      const inFile = result.findings.filter((f: { field: string }) => f.field === 'attachment');
      assert.equal(inFile.length, 1, res.body);
      const [phone] = inFile;
      assert.equal(phone.type, 'phone');
      assert.equal(phone.attachment, 1);
      assert.equal(phone.attachmentName, 'notes.txt');
      assert.equal(phone.line, 3);
      assert.equal(phone.action, 'mask');
      assert.equal(digits(NOTES.slice(phone.start, phone.end)), digits(PHONE), 'offsets are in the file\'s text');
      assert.ok(phone.reason.length > 0);
      assert.ok(!digits(res.body).includes(digits(PHONE)), 'the check never echoes the value');
      assert.equal(result.findings.filter((f: { field: string }) => f.field === 'body').length, 0);

      // The same draft for an employee: the file blocks the post, as it would on submit.
      const emp = (await check('live_employee', payload)).json();
      assert.equal(emp.action, 'block');
      assert.equal(emp.findings.find((f: { attachmentName?: string }) => f.attachmentName === 'notes.txt')?.action, 'block');
      const submitted = await as.live_employee!.agent.postMultipart(`/t/${topicUrl.split('/').at(-1)}/replies`, { body: payload.body }, [{ name: 'router.log', content: LOG }, { name: 'notes.txt', content: NOTES }], topicUrl);
      assert.equal(submitted.statusCode, 422, 'the submit path agrees');
      assert.match(submitted.body, /notes\.txt/);

      // Without a finding in the files or the body: allowed, and the file is checked all the same.
      const clean = (await check('live_employee', { body: 'See the log.', where: 'reply', attachments: [{ name: 'router.log', content: LOG }] })).json();
      assert.equal(clean.action, 'allow');
      assert.deepEqual(clean.findings, []);

      // Nothing but the audit log's finding types was written; no value went anywhere.
      assert.deepEqual(await stored(), before);
      const audit = await db.selectFrom('guard_decisions').selectAll().orderBy('id').execute();
      const fromChecks = audit.slice(auditBefore).filter((r) => r.where === 'check');
      assert.ok(fromChecks.length >= 2);
      assert.ok(!digits(JSON.stringify(audit)).includes(digits(PHONE)));
    });

    test('names and limits as on submit: names made safe and unique, a 1 MB file accepted, an empty body with files checked', async () => {
      const res = await check('live_member', { body: '', where: 'topic', attachments: [{ name: 'run.bat', content: `call ${PHONE}\n` }, { name: 'run.bat', content: 'echo hi\n' }] });
      assert.equal(res.statusCode, 200, res.body);
      const result = res.json();
      assert.deepEqual(result.attachments, [{ name: 'run.bat.txt' }, { name: 'run.bat (2).txt' }]);
      assert.equal(result.findings[0].attachmentName, 'run.bat.txt');
      assert.equal(result.findings[0].line, 1);

      // A file at the limit (more than the server's default 1 MiB request body) is checked, to its last line.
      const big = `${'sync ok, nothing to see here\n'.repeat(36_000)}late line: ${PHONE}\n`;
      assert.ok(big.length < 1024 * 1024 && big.length > 1_040_000);
      const large = await check('live_member', { body: 'Big log.', where: 'reply', attachments: [{ name: 'big.log', content: big }] });
      assert.equal(large.statusCode, 200, large.body.slice(0, 300));
      const found = large.json().findings.find((f: { type: string }) => f.type === 'phone');
      assert.equal(found?.line, 36_001);
    });

    test('bad input is refused with a clear 4xx and writes nothing', async () => {
      const before = await stored();
      const auditBefore = await count('guard_decisions');
      const refused = async (payload: unknown, status: number, message: RegExp) => {
        const res = await check('live_member', payload);
        assert.equal(res.statusCode, status, `${JSON.stringify(payload).slice(0, 80)} → ${res.body.slice(0, 200)}`);
        assert.match(res.json().message, message);
      };
      const body = `Call me on ${PHONE}.`;
      await refused({ body, attachments: 'notes.txt' }, 400, /attachments must be a list/);
      await refused({ body, attachments: [{ name: 'notes.txt' }] }, 400, /\{ name, content \}/);
      await refused({ body, attachments: [{ name: '', content: NOTES }] }, 400, /\{ name, content \}/);
      await refused({ body, attachments: [{ name: 'notes.txt', content: 42 }] }, 400, /\{ name, content \}/);
      await refused({ body, attachments: [null] }, 400, /\{ name, content \}/);
      await refused({ body, attachments: [{ name: 'blank.txt', content: '  \n' }] }, 400, /“blank\.txt” is empty/);
      await refused({ body, attachments: Array.from({ length: 6 }, (_, i) => ({ name: `f${i}.txt`, content: NOTES })) }, 413, /at most 5 attachments/);
      await refused({ body, attachments: [{ name: 'huge.log', content: 'x'.repeat(1024 * 1024 + 1) }] }, 413, /“huge\.log” is larger than 1\.0 MB/);
      await refused({ body, attachments: [{ name: 'huge.log', content: 'é'.repeat(600_000) }] }, 413, /larger than/); // 1.2 MB in UTF-8
      await refused({ body, attachments: [{ name: 'photo.png', content: 'PNG\u0000\u0000IHDR' }] }, 415, /“photo\.png\.txt” is not a text file/);
      // More than any accepted draft can be: refused before it is read.
      const tooMuch = await check('live_member', { body, attachments: Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.txt`, content: 'y'.repeat(1024 * 1024) })) });
      assert.equal(tooMuch.statusCode, 413);
      assert.equal((await check('live_member', '{"body": ')).statusCode, 400);
      // Without the CSRF token, or signed out: refused as before.
      assert.equal((await check('live_member', { body, attachments: [{ name: 'notes.txt', content: NOTES }] }, { 'x-csrf-token': 'forged' })).statusCode, 403);
      const anonymous = await app.inject({ method: 'POST', url: '/check', payload: { body, attachments: [{ name: 'notes.txt', content: NOTES }] }, headers: { accept: 'application/json' } });
      assert.ok(anonymous.statusCode === 401 || anonymous.statusCode === 403, String(anonymous.statusCode));

      assert.deepEqual(await stored(), before);
      assert.equal(await count('guard_decisions'), auditBefore, 'refused checks are not even audited');
    });
  });
}
