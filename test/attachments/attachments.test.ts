// Text attachments on posts: upload through the forms (multipart, no JavaScript) and the API,
// display on the topic page, download as plain text, refusal of binary and oversized files, and
// the confidentiality guard on their text (block, mask, hold for the team → approve).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { editPost } from '../../src/community/edit-post.ts';
import { GuardStoppedError } from '../../src/confidentiality/check.ts';
import { readMaskedOriginals } from '../../src/confidentiality/masked-originals.ts';
import { setGuardReloadInterval } from '../../src/confidentiality/registers.ts';
import { saveGuardPolicy } from '../../src/confidentiality/settings.ts';
import type { DB } from '../../src/db/schema.ts';
import type { Actor } from '../../src/policy/policy.ts';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { exportMyData } from '../../src/accounts/export-data.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { withCharacters } from '../helpers/html.ts';

const PASSWORD = 'correct horse battery staple';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000201e221bc330000000049454e44ae426082', 'hex');
const LOG = 'router boot ok\nsync: 1 Mbit/s down\nline drops at 21:04 and 21:09\n';
const CUSTOMER_LINE = 'Customer Hendrik Wolters, phone 06 41 27 93 58, e-mail h.wolters@mailbox.example, wants a refund.\n';
const digits = (s: string) => s.replace(/[\s\-.()+]/g, '');

for (const kind of testDatabaseKinds()) {
  describe(`text attachments on ${kind.name}`, () => {
    let database: TestDatabase;
    let db: Kysely<DB>;
    let app: FastifyInstance;
    let member: Actor & { username: string };
    let employee: Actor & { username: string };
    let moderator: Actor & { username: string };
    let topicId: number;
    let topicUrl: string;
    const as: Record<string, Agent> = {};
    const counts = async () => ({
      posts: Number((await db.selectFrom('posts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
      attachments: Number((await db.selectFrom('attachments').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
    });

    before(async () => {
      setGuardReloadInterval(0);
      database = await kind.open();
      db = database.db;
      app = await testServer(database, { PUBLIC_URL: 'http://community.test' });
      // These accounts post many times a minute; the per-account posting limits are tested in test/moderation.
      await db.insertInto('settings').values({ key: 'moderation.limits', value: JSON.stringify({ newPerMinute: 0, newPerHour: 0, trustedPerMinute: 0, trustedPerHour: 0 }) }).execute();
      member = await makeUser(db, [], 'att_member');
      employee = await makeUser(db, ['employee'], 'att_employee');
      moderator = await makeUser(db, ['moderator'], 'att_moderator');
      await createBoard(db, null, { name: 'Internet', slug: 'internet' });
      await createBoard(db, null, { name: 'Members lounge', slug: 'lounge', visibility: 'members' });
      const t = await createTopic(db, member, { boardSlug: 'internet', kind: 'question', title: 'My line drops every evening', body: 'It drops around 21:00.' });
      topicId = t.id;
      topicUrl = `/t/${t.slug}/${t.id}`;
      for (const u of [member, employee, moderator]) {
        const a = new Agent(app);
        assert.equal((await a.post('/signin', { login: u.username, password: PASSWORD }, '/signin')).statusCode, 303);
        as[u.username] = a;
      }
    });
    after(async () => {
      setGuardReloadInterval(5000);
      await app.close();
      await database.drop();
    });

    test('a new topic with a text file through the multipart form: listed on the topic page, downloaded as plain text', async () => {
      const res = await as.att_member!.postMultipart(
        '/b/internet/topics',
        { kind: 'question', title: 'Modem log attached', body: 'Here is the log of last night.', tags: '' },
        [{ name: 'modem log.txt', content: LOG, type: 'text/plain' }, { name: 'notes.md', content: '# Notes\n\n*rebooted twice*\n' }],
        '/b/internet/new',
      );
      assert.equal(res.statusCode, 303, res.body);
      const page = await app.inject({ url: res.headers.location as string });
      assert.equal(page.statusCode, 200);
      const links = [...page.body.matchAll(/<a href="(\/attachments\/\d+\/[^"]+)" download="([^"]+)">/g)];
      assert.deepEqual(links.map((m) => m[2]), ['modem log.txt', 'notes.md']);
      assert.match(page.body, /modem log\.txt<\/a> <span class="meta">\(\d+ bytes, text\)/);
      const file = await app.inject({ url: links[0]![1]! });
      assert.equal(file.statusCode, 200);
      assert.equal(file.headers['content-type'], 'text/plain; charset=utf-8');
      assert.equal(file.headers['x-content-type-options'], 'nosniff');
      assert.equal(file.headers['content-disposition'], `attachment; filename="modem log.txt"; filename*=UTF-8''modem%20log.txt`);
      assert.equal(file.body, LOG);
      // The short address redirects to the named one.
      const id = /\/attachments\/(\d+)\//.exec(links[0]![1]!)![1];
      assert.equal((await app.inject({ url: `/attachments/${id}` })).statusCode, 301);
    });

    test('a reply with an attachment; the page shows it under that post only', async () => {
      const res = await as.att_member!.postMultipart(`/t/${topicId}/replies`, { body: 'And the log from today.' }, [{ name: 'today.log', content: LOG }], topicUrl);
      assert.equal(res.statusCode, 303, res.body);
      const page = (await app.inject({ url: topicUrl })).body;
      const post2 = page.slice(page.indexOf('id="post-2"'));
      assert.match(post2, /today\.log/);
      assert.doesNotMatch(page.slice(0, page.indexOf('id="post-2"')), /today\.log/);
      // The forms carry a file input and are multipart.
      const signedInPage = (await as.att_member!.get(topicUrl)).body;
      assert.match(signedInPage, /<input type="file" id="attachments-input" name="attachments" multiple/);
      assert.match(signedInPage, /<form method="post" action="\/t\/\d+\/replies" class="composer" enctype="multipart\/form-data">/);
    });

    test('binary files are refused with 415 whatever their name; the form comes back with the text; nothing is written', async () => {
      const before = await counts();
      for (const [name, content] of [['photo.txt', PNG], ['data.csv', Buffer.from('a,b\n1,\u0000\n')], ['latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])]] as const) {
        const res = await as.att_member!.postMultipart(`/t/${topicId}/replies`, { body: 'My reply text stays.' }, [{ name, content }], topicUrl);
        assert.equal(res.statusCode, 415, name);
        assert.match(withCharacters(res.body), new RegExp(`The attachment “${name.replace('.', '\\.')}” is not a text file`));
        assert.match(res.body, /My reply text stays\./);
      }
      assert.deepEqual(await counts(), before);
    });

    test('oversized and too many files are refused with 413', async () => {
      const before = await counts();
      const big = await as.att_member!.postMultipart(`/t/${topicId}/replies`, { body: 'Big file.' }, [{ name: 'big.log', content: 'x'.repeat(1024 * 1024 + 10) }], topicUrl);
      assert.equal(big.statusCode, 413);
      assert.match(withCharacters(big.body), /“big\.log” is larger than 1\.0 MB/);
      const many = await as.att_member!.postMultipart(`/t/${topicId}/replies`, { body: 'Many files.' }, Array.from({ length: 6 }, (_, i) => ({ name: `f${i}.txt`, content: `file ${i}` })), topicUrl);
      assert.equal(many.statusCode, 413);
      assert.match(many.body, /at most 5 attachments/);
      assert.deepEqual(await counts(), before);
    });

    test('file names are sanitised; risky extensions get .txt; HTML in a file stays text', async () => {
      const { id } = await createReply(db, member, {
        topicId,
        body: 'Files with odd names.',
        attachments: [
          { name: '../../etc/passwd', text: 'root:x:0:0\n' },
          { name: 'C:\\Users\\me\\page.html', text: '<script>alert(1)</script>\n' },
          { name: 'run.bat', text: 'echo hi\n' },
          { name: 'page.html', text: 'second\n' },
        ],
      });
      const rows = await db.selectFrom('attachments').select(['id', 'filename']).where('post_id', '=', id).orderBy('position').execute();
      assert.deepEqual(rows.map((r) => r.filename), ['passwd.txt', 'page.html.txt', 'run.bat.txt', 'page.html (2).txt']);
      const html = await app.inject({ url: `/attachments/${rows[1]!.id}/x` });
      assert.equal(html.headers['content-type'], 'text/plain; charset=utf-8');
      assert.match(String(html.headers['content-disposition']), /^attachment;/);
      const page = (await app.inject({ url: topicUrl })).body;
      assert.ok(!page.includes('<script>alert(1)</script>'));
    });

    test("guard: an employee's attachment with customer data is blocked (422) with findings naming it; nothing is written", async () => {
      const before = await counts();
      const err = await createReply(db, employee, { topicId, body: 'See the attached call notes.', attachments: [{ name: 'call-notes.txt', text: `${LOG}${CUSTOMER_LINE}` }] }).then(
        () => assert.fail('published'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof GuardStoppedError);
      assert.equal(err.status, 422);
      assert.equal(err.action, 'block');
      assert.match(err.message, /in the attachment “call-notes\.txt”/);
      const inFile = err.findings.filter((f) => f.field === 'attachment');
      assert.ok(inFile.length >= 2, JSON.stringify(err.findings));
      for (const f of inFile) assert.equal(f.attachmentName, 'call-notes.txt');
      assert.ok(inFile.some((f) => `${LOG}${CUSTOMER_LINE}`.slice(f.start, f.end) === '06 41 27 93 58'));
      assert.ok(!JSON.stringify(err).includes('06 41 27 93 58'));
      // Through the form: 422, the findings by file and line, the attachment kept in the form.
      const res = await as.att_employee!.postMultipart(`/t/${topicId}/replies`, { body: 'See the attached call notes.' }, [{ name: 'call-notes.txt', content: `${LOG}${CUSTOMER_LINE}` }], topicUrl);
      assert.equal(res.statusCode, 422);
      assert.match(res.body, /phone<\/strong> in call-notes\.txt, line 4/);
      assert.match(res.body, /<input type="hidden" name="kept_name" value="call-notes\.txt">/);
      assert.deepEqual(await counts(), before);
      const audit = await db.selectFrom('guard_decisions').selectAll().where('decision', '=', 'block').where('target', '=', `topic:${topicId}`).execute();
      assert.ok(audit.length >= 2);
      assert.ok(!JSON.stringify(audit).includes('Wolters') && !digits(JSON.stringify(audit)).includes('641279358'));
    });

    test("guard: a member's own phone number in an attachment is stored masked; the original is kept for moderators", async () => {
      const own = '06 28 41 75 93';
      const text = `Please call me back on ${own} after six.\n`;
      const { id } = await createReply(db, member, { topicId, body: 'My contact details are in the file.', attachments: [{ name: 'contact.txt', text }] });
      const [row] = await db.selectFrom('attachments').selectAll().where('post_id', '=', id).execute();
      assert.ok(row);
      assert.ok(!digits(row.text).includes('628417593'), row.text);
      assert.match(row.text, /\[phone number hidden\]/);
      assert.equal(row.byte_size, Buffer.byteLength(row.text));
      const post = await db.selectFrom('posts').select('body_markdown').where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(post.body_markdown, 'My contact details are in the file.');
      const originals = await readMaskedOriginals(db, moderator, id);
      assert.equal(originals.length, 1, 'only the attachment was masked');
      assert.equal(originals[0]!.attachment_name, 'contact.txt');
      assert.equal(originals[0]!.original_markdown, text);
      const download = await app.inject({ url: `/attachments/${row.id}/contact.txt` });
      assert.ok(!digits(download.body).includes('628417593'));
    });

    test('a long attachment (beyond one guard scan) is scanned whole: a number near its end is masked', async () => {
      const filler = Array.from({ length: 3000 }, (_, i) => `${String(i).padStart(5, '0')} INFO sync ok, attenuation 21 dB, snr margin 9 dB`).join('\n');
      const own = '06 39 52 86 14';
      const text = `${filler}\nIf it drops again, ring me on ${own}.\n${filler.slice(0, 5000)}\n`;
      assert.ok(text.length > 150_000);
      const { id } = await createReply(db, member, { topicId, body: 'The full log.', attachments: [{ name: 'full.log', text }] });
      const [row] = await db.selectFrom('attachments').select('text').where('post_id', '=', id).execute();
      assert.ok(!digits(row!.text).includes('639528614'));
      assert.match(row!.text, /ring me on \[phone number hidden\]/);
    });

    test('hold for the team: the held draft carries its attachment; approve publishes it; return keeps it for the author', async () => {
      await saveGuardPolicy(db, { rules: { employee: { phone: 'hold', person: 'hold', email: 'hold', customer_record: 'hold' } } });
      try {
        const text = `${LOG}${CUSTOMER_LINE}`;
        // A "hold" is not a refusal (issue 13): the draft and its attachment go to the review queue.
        const queued = await counts();
        const first = await as.att_employee!.postMultipart(`/t/${topicId}/replies`, { body: 'Attached the call notes; can this go out?' }, [{ name: 'call-notes.txt', content: text }], topicUrl);
        assert.equal(first.statusCode, 202);
        assert.match(first.body, /confidentiality guard asks the community team to review/);
        assert.deepEqual(await counts(), { posts: queued.posts, attachments: queued.attachments + 1 });
        const auto = await db.selectFrom('held_drafts').select(['id', 'reason']).orderBy('id', 'desc').executeTakeFirstOrThrow();
        assert.equal(auto.reason, 'guard');
        // "Send to the community team" from the re-shown form: the kept attachment goes with it.
        const before = await counts();
        const sent = await as.att_employee!.postMultipart(`/t/${topicId}/replies`, { body: 'Attached the call notes; can this go out?', kept_name: 'call-notes.txt', kept_text: text.replace(/\n/g, '\r\n'), askTeam: '1' }, [], topicUrl);
        assert.equal(sent.statusCode, 200, sent.body);
        assert.match(sent.body, /Your draft is with the community team/);
        assert.deepEqual(await counts(), { posts: before.posts, attachments: before.attachments + 1 });
        const held = await db.selectFrom('held_drafts').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
        const heldFiles = await db.selectFrom('attachments').selectAll().where('held_draft_id', '=', held.id).execute();
        assert.deepEqual(heldFiles.map((a) => [a.filename, a.text, a.post_id]), [['call-notes.txt', text, null]]);
        assert.ok(JSON.parse(held.findings).some((f: { field: string; attachmentName: string }) => f.field === 'attachment' && f.attachmentName === 'call-notes.txt'));
        const review = await as.att_moderator!.get(`/moderation/held/${held.id}`);
        assert.equal(review.statusCode, 200);
        assert.match(review.body, /call-notes\.txt/);
        assert.match(review.body, /in call-notes\.txt, line 4/);
        // Held attachments are not downloadable as public files.
        assert.equal((await app.inject({ url: `/attachments/${heldFiles[0]!.id}/x` })).statusCode, 404);

        // A draft with guard findings is published unmasked only when the moderator confirms it (issue 13).
        const approve = await as.att_moderator!.post(`/moderation/held/${held.id}`, { decision: 'approve', confirm_unmasked: '1' }, `/moderation/held/${held.id}`);
        assert.equal(approve.statusCode, 303, approve.body);
        const decided = await db.selectFrom('held_drafts').select(['status', 'published_post_id']).where('id', '=', held.id).executeTakeFirstOrThrow();
        assert.equal(decided.status, 'approved');
        const published = await db.selectFrom('attachments').select(['filename', 'text']).where('post_id', '=', decided.published_post_id!).execute();
        assert.deepEqual(published, [{ filename: 'call-notes.txt', text }]);
        assert.match((await app.inject({ url: topicUrl })).body, /call-notes\.txt/);

        // Another draft, returned: the author still has the attachment on the draft's page.
        await as.att_employee!.postMultipart(`/t/${topicId}/replies`, { body: 'Second try with notes.', askTeam: '1' }, [{ name: 'notes-2.txt', content: text }], topicUrl);
        const second = await db.selectFrom('held_drafts').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
        const ret = await as.att_moderator!.post(`/moderation/held/${second.id}`, { decision: 'return', comment: 'Leave out the customer line.' }, `/moderation/held/${second.id}`);
        assert.equal(ret.statusCode, 303);
        const mine = await as.att_employee!.get(`/moderation/held/${second.id}`);
        assert.match(mine.body, /notes-2\.txt/);
        assert.match(mine.body, /wants a refund/);
      } finally {
        await saveGuardPolicy(db, {});
      }
    });

    test('edit: add an attachment and remove another through the form; the guard checks the new one', async () => {
      const { id } = await createReply(db, member, { topicId, body: 'Edit me later.', attachments: [{ name: 'old.txt', text: 'old\n' }] });
      const [old] = await db.selectFrom('attachments').select('id').where('post_id', '=', id).execute();
      const edit = await as.att_member!.get(`/p/${id}/edit`);
      assert.match(edit.body, /name="remove_attachment" value="\d+"/);
      const res = await as.att_member!.postMultipart(`/p/${id}/edit`, { body: 'Edit me later.', reason: 'new log', remove_attachment: String(old!.id) }, [{ name: 'new.log', content: LOG }], `/p/${id}/edit`);
      assert.equal(res.statusCode, 303, res.body);
      assert.deepEqual((await db.selectFrom('attachments').select('filename').where('post_id', '=', id).execute()).map((r) => r.filename), ['new.log']);
      await assert.rejects(editPost(db, employee, { postId: (await createReply(db, employee, { topicId, body: 'Employee post.' })).id, body: 'Employee post.', attachments: [{ name: 'x.txt', text: CUSTOMER_LINE }] }), (e: unknown) => e instanceof GuardStoppedError);
      // Another post's attachment cannot be removed through this one.
      await assert.rejects(editPost(db, member, { postId: id, body: 'Edit me later.', removeAttachments: [old!.id + 100_000] }), (e: { status: number }) => e.status === 400);
    });

    test("permissions: a deleted post's attachments are gone; a members board's need a signed-in reader", async () => {
      const { id } = await createReply(db, member, { topicId, body: 'To be deleted.', attachments: [{ name: 'gone.txt', text: 'bye\n' }] });
      const [a] = await db.selectFrom('attachments').select('id').where('post_id', '=', id).execute();
      assert.equal((await app.inject({ url: `/attachments/${a!.id}/gone.txt` })).statusCode, 200);
      assert.equal((await as.att_member!.post(`/p/${id}/delete`, {}, topicUrl)).statusCode, 303);
      assert.equal((await app.inject({ url: `/attachments/${a!.id}/gone.txt` })).statusCode, 404);
      assert.equal((await as.att_moderator!.get(`/attachments/${a!.id}/gone.txt`)).statusCode, 404);
      assert.doesNotMatch((await app.inject({ url: topicUrl })).body, /gone\.txt/);

      const t = await createTopic(db, member, { boardSlug: 'lounge', kind: 'discussion', title: 'Members only files', body: 'See file.', attachments: [{ name: 'inside.txt', text: 'members only\n' }] });
      const [m] = await db.selectFrom('attachments').select('id').where('post_id', '=', t.postId).execute();
      assert.equal((await app.inject({ url: `/attachments/${m!.id}/inside.txt` })).statusCode, 401);
      assert.equal((await as.att_employee!.get(`/attachments/${m!.id}/inside.txt`)).statusCode, 200);
      assert.equal((await app.inject({ url: '/attachments/999999/x.txt' })).statusCode, 404);
    });

    test('API: attachments as text or base64, listed on the post; binary 415, too many 413, guard 422 naming the attachment', async () => {
      const { token } = await createApiToken(db, member, { name: 'script' });
      const auth = { authorization: `Bearer ${token}` };
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/topics/${topicId}/replies`,
        headers: auth,
        payload: { body: 'From a script.', attachments: [{ name: 'a.txt', content: 'plain text\n' }, { name: 'b.csv', content: Buffer.from('x,y\n1,2\n').toString('base64'), encoding: 'base64' }] },
      });
      assert.equal(res.statusCode, 201, res.body);
      const post = res.json().post as { id: number; attachments: Array<{ id: number; name: string; size: number; url: string }> };
      assert.deepEqual(post.attachments.map((a) => [a.name, a.size]), [['a.txt', 11], ['b.csv', 8]]);
      assert.match(post.attachments[0]!.url, /^http:\/\/community\.test\/attachments\/\d+\/a\.txt$/);
      const got = await app.inject({ url: new URL(post.attachments[1]!.url).pathname, headers: auth });
      assert.equal(got.body, 'x,y\n1,2\n');

      const binary = await app.inject({ method: 'POST', url: `/api/v1/topics/${topicId}/replies`, headers: auth, payload: { body: 'Binary.', attachments: [{ name: 'p.txt', content: PNG.toString('base64'), encoding: 'base64' }] } });
      assert.equal(binary.statusCode, 415);
      assert.match(binary.json().message, /not a text file/);
      const many = await app.inject({ method: 'POST', url: `/api/v1/topics/${topicId}/replies`, headers: auth, payload: { body: 'Many.', attachments: Array.from({ length: 6 }, (_, i) => ({ name: `${i}.txt`, content: 'x' })) } });
      assert.equal(many.statusCode, 413);
      const large = await app.inject({ method: 'POST', url: `/api/v1/topics/${topicId}/replies`, headers: auth, payload: { body: 'Large.', attachments: [{ name: 'l.txt', content: 'y'.repeat(1024 * 1024 + 1) }] } });
      assert.equal(large.statusCode, 413);

      const { token: empToken } = await createApiToken(db, employee, { name: 'script' });
      const blocked = await app.inject({ method: 'POST', url: `/api/v1/topics/${topicId}/replies`, headers: { authorization: `Bearer ${empToken}` }, payload: { body: 'Notes.', attachments: [{ name: 'notes.txt', content: CUSTOMER_LINE }] } });
      assert.equal(blocked.statusCode, 422);
      const guard = blocked.json().guard as { findings: Array<{ field: string; attachment: number; attachmentName: string }> };
      assert.ok(guard.findings.some((f) => f.field === 'attachment' && f.attachment === 0 && f.attachmentName === 'notes.txt'), blocked.body);

      const patched = await app.inject({ method: 'PATCH', url: `/api/v1/posts/${post.id}`, headers: auth, payload: { body: 'From a script.', removeAttachments: [post.attachments[0]!.id], attachments: [{ name: 'c.md', content: '# c\n' }] } });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.deepEqual(patched.json().post.attachments.map((a: { name: string }) => a.name), ['b.csv', 'c.md']);
      // The author's data export carries their attachments.
      assert.ok((await exportMyData(db, member)).attachments.some((x) => x.filename === 'c.md' && x.text === '# c\n'));
      const spec = (await app.inject({ url: '/api/openapi.json' })).json();
      assert.ok(spec.paths['/api/v1/topics/{id}/replies'].post.requestBody.content['application/json'].schema.properties.attachments);
      assert.ok(spec.paths['/api/v1/topics/{id}/replies'].post.responses['415']);
    });
  });
}
