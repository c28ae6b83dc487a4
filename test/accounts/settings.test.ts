// Guidelines, private profile data with its access log, and account settings, over HTTP on a
// real database, with e-mail through a real SMTP server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { rolesOf } from '../../src/accounts/find-user.ts';
import { publishGuidelines } from '../../src/accounts/guidelines.ts';
import type { UserError } from '../../src/shared/errors.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { Agent, csrfToken } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';

const PASSWORD = 'correct horse battery staple';

async function signedIn(app: FastifyInstance, login: string, password = PASSWORD): Promise<Agent> {
  const agent = new Agent(app);
  const res = await agent.post('/signin', { login, password }, '/signin');
  assert.equal(res.statusCode, 303, res.body);
  return agent;
}

function multipart(field: string, filename: string, type: string, bytes: Buffer) {
  const boundary = '----parley' + Math.random().toString(16).slice(2);
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`);
  return { payload: Buffer.concat([head, bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}` };
}

for (const kind of testDatabaseKinds()) {
  describe(`guidelines, private data and settings on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let smtp: TestSmtp;
    before(async () => {
      database = await kind.open();
      smtp = await startSmtp();
      app = await testServer(database, { SMTP_URL: smtp.url, COMPANY_EMAIL_DOMAINS: 'brightwave.example', UPLOADS_DIR: mkdtempSync(join(tmpdir(), 'parley-uploads-')) });
      await createBoard(database.db, null, { name: 'General', slug: 'general' });
    });
    after(async () => {
      await app.close();
      await smtp.close();
      await database.drop();
    });

    test('an employee acknowledges the guidelines before the first post, and again for a new version', async () => {
      const db = database.db;
      const employee = await makeUser(db, ['employee'], 'new_employee', false);
      const manager = await makeUser(db, ['community_manager']);
      await assert.rejects(
        createTopic(db, employee, { boardSlug: 'general', kind: 'discussion', title: 'Hello from support', body: 'Hi all' }),
        (e: UserError) => e.status === 403 && /acknowledge the employee guidelines/.test(e.message),
      );
      const agent = await new Agent(app).post('/signin', { login: 'new_employee', password: PASSWORD }, '/signin');
      assert.equal(agent.headers.location, '/guidelines', 'first sign-in leads to the guidelines');
      const page = await app.inject({ url: '/guidelines' });
      assert.match(page.body, /Customer data never goes public/);

      const a = await signedIn(app, 'new_employee');
      const ackPage = await a.get('/guidelines');
      assert.match(ackPage.body, /I have read and will follow these guidelines/);
      const ack = await a.post('/guidelines/acknowledge', { version: '1', _csrf: csrfToken(ackPage.body) });
      assert.equal(ack.statusCode, 303);
      const t = await createTopic(db, employee, { boardSlug: 'general', kind: 'discussion', title: 'Hello from support', body: 'Hi all' });
      const stored = await db.selectFrom('guideline_acks').selectAll().where('user_id', '=', employee.id).execute();
      assert.deepEqual(stored.map((s) => s.version), [1]);
      assert.match(stored[0]!.at, /^\d{4}-/);

      await assert.rejects(publishGuidelines(db, employee, 'Employees may not edit this text at all.'), (e: UserError) => e.status === 403);
      assert.equal(await publishGuidelines(db, manager, '# New guidelines\n\nBe kind, and never post customer data.'), 2);
      await assert.rejects(createReply(db, employee, { topicId: t.id, body: 'One more thing' }), /acknowledge/);
      const member = await makeUser(db);
      await createReply(db, member, { topicId: t.id, body: 'Members are never asked' });
    });

    test('community managers edit the guidelines on a page; empty text is refused and kept', async () => {
      await makeUser(database.db, ['community_manager'], 'cm_editor');
      const cm = await signedIn(app, 'cm_editor');
      const bad = await cm.post('/guidelines', { body: 'too short' }, '/guidelines/edit');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /at least 20 characters/);
      assert.match(bad.body, />too short<\/textarea>/);
      const ok = await cm.post('/guidelines', { body: '# Version three\n\nAsk the community team when unsure.' }, '/guidelines/edit');
      assert.equal(ok.statusCode, 303);
      assert.match((await app.inject({ url: '/guidelines' })).body, /Version 3/);
      const member = await signedIn(app, (await makeUser(database.db, [], 'plain_member')).username);
      assert.equal((await member.get('/guidelines/edit')).statusCode, 403);
    });

    test('private details: the owner and community managers see them, each staff view is logged; employees and moderators never', async () => {
      const db = database.db;
      const customer = await makeUser(db, [], 'customer_cara');
      const owner = await signedIn(app, customer.username);
      const posted = await owner.post('/settings/profile', { displayName: 'Cara', bio: 'Fibre since 2019', realName: 'Cara de Vries', phone: '06 12345678', customerNumber: 'BW-100200' }, '/settings');
      // Post/Redirect/Get: a reload of the page shown does not send the form again.
      assert.equal(posted.statusCode, 303);
      assert.equal(posted.headers.location, '/settings?saved=profile');
      const saved = await owner.follow(posted);
      assert.equal(saved.statusCode, 200);
      assert.match(saved.body, /<p class="notice" role="status">Your profile is saved\.<\/p>/);
      assert.doesNotMatch((await owner.get('/settings')).body, /Your profile is saved/, 'said once, after saving');
      assert.doesNotMatch((await owner.get('/settings?saved=%3Cb%3Ehi')).body, /class="notice"/, 'only known words are said');
      const row = await db.selectFrom('users').select(['phone', 'real_name', 'customer_number']).where('id', '=', customer.id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { phone: '+31612345678', real_name: 'Cara de Vries', customer_number: 'BW-100200' });

      const publicPage = await app.inject({ url: '/u/customer_cara' });
      assert.ok(!publicPage.body.includes('Cara de Vries') && !publicPage.body.includes('+31612345678') && !publicPage.body.includes('BW-100200'));
      assert.match(publicPage.body, /Fibre since 2019/);

      const mine = await owner.get('/u/customer_cara/private');
      assert.equal(mine.statusCode, 200);
      assert.match(mine.body, /Cara de Vries/);
      const logCount = async () => Number((await db.selectFrom('private_data_views').select((eb) => eb.fn.countAll().as('n')).where('subject_id', '=', customer.id).executeTakeFirstOrThrow()).n);
      assert.equal(await logCount(), 0, 'the owner looking is not logged');

      await makeUser(db, ['employee'], 'emp_eve');
      await makeUser(db, ['moderator'], 'mod_max');
      await makeUser(db, ['employee', 'community_manager'], 'cm_carl');
      await makeUser(db, ['admin'], 'admin_ada');
      for (const who of ['emp_eve', 'mod_max']) {
        const res = await (await signedIn(app, who)).get('/u/customer_cara/private');
        assert.equal(res.statusCode, 403, who);
        assert.ok(!res.body.includes('Cara de Vries'));
      }
      assert.equal((await app.inject({ url: '/u/customer_cara/private' })).statusCode, 401);
      const cm = await signedIn(app, 'cm_carl');
      const seen = await cm.get('/u/customer_cara/private');
      assert.equal(seen.statusCode, 200);
      assert.match(seen.body, /\+31612345678/);
      assert.equal(await logCount(), 1);

      assert.equal((await cm.get('/admin/access-log')).statusCode, 403, 'community managers do not read the log');
      const log = await (await signedIn(app, 'admin_ada')).get('/admin/access-log');
      assert.equal(log.statusCode, 200);
      assert.match(log.body, /<td>cm_carl<\/td><td>customer_cara<\/td>/);
    });

    test('bad profile input is refused with the reason, and what was typed is kept', async () => {
      await makeUser(database.db, [], 'typo_tim');
      const tim = await signedIn(app, 'typo_tim');
      const res = await tim.post('/settings/profile', { displayName: 'Tim', bio: 'A long story', realName: 'Tim T', phone: '12', customerNumber: '' }, '/settings');
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Enter a valid phone number/);
      assert.match(res.body, /A long story<\/textarea>/);
      assert.match(res.body, /value="Tim T"/);
      const row = await database.db.selectFrom('users').select(['real_name']).where('username', '=', 'typo_tim').executeTakeFirstOrThrow();
      assert.equal(row.real_name, null, 'nothing was written');
    });

    test('avatars: an image is resized to a 256×256 WebP; other files and oversized uploads are refused', async () => {
      await makeUser(database.db, [], 'pic_pat');
      const pat = await signedIn(app, 'pic_pat');
      const page = (await pat.get('/settings')).body;
      assert.doesNotMatch(page, /action="[^"]*_csrf/, 'no form puts its CSRF token in the URL');
      assert.match(page, /<form method="post" action="\/settings\/avatar" enctype="multipart\/form-data">\s*<input type="hidden" name="_csrf"/, 'the token is a field before the file');
      // The form's token travels in the multipart body, before the file (as the page sends it).
      const upload = (bytes: Buffer, name: string, type: string) => pat.postMultipart('/settings/avatar', {}, [{ name, content: bytes, field: 'avatar', type }], '/settings');
      const png = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#2553c9' } }).png().toBuffer();
      // A token in the query string is no longer accepted.
      const token = csrfToken(page);
      const body = multipart('avatar', 'me.png', 'image/png', png);
      const inUrl = await app.inject({ method: 'POST', url: `/settings/avatar?_csrf=${encodeURIComponent(token)}`, payload: body.payload, headers: { 'content-type': body.contentType, cookie: [...pat.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      assert.equal(inUrl.statusCode, 403, 'a token in the URL is refused');
      assert.equal((await database.db.selectFrom('users').select('avatar').where('username', '=', 'pic_pat').executeTakeFirstOrThrow()).avatar, null);
      const ok = await upload(png, 'me.png', 'image/png');
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 500));
      assert.match((await pat.follow(ok)).body, /role="status">Your picture is updated\./);
      const { avatar } = await database.db.selectFrom('users').select('avatar').where('username', '=', 'pic_pat').executeTakeFirstOrThrow();
      assert.match(avatar!, /\.webp$/);
      const served = await app.inject({ url: `/avatars/${avatar}` });
      assert.equal(served.statusCode, 200);
      const meta = await sharp(served.rawPayload).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 256, 256]);
      // Cached for a week under a name that never changes, and revalidated by its ETag.
      assert.equal(served.headers['cache-control'], 'public, max-age=604800, immutable');
      const etag = String(served.headers.etag);
      assert.match(etag, /^"[\w-]{27}"$/);
      const again = await app.inject({ url: `/avatars/${avatar}`, headers: { 'if-none-match': etag } });
      assert.equal(again.statusCode, 304);
      assert.equal(again.rawPayload.length, 0);
      assert.equal((await app.inject({ url: `/avatars/${avatar}`, headers: { 'if-none-match': '"other"' } })).statusCode, 200);
      // Kept in the database (every server sees it), not in a local folder.
      assert.equal((await database.db.selectFrom('stored_files').select('byte_size').where('key', '=', `avatars/${avatar}`).executeTakeFirstOrThrow()).byte_size, served.rawPayload.length);
      assert.equal((await app.inject({ url: '/avatars/1-000000000000.webp' })).statusCode, 404);
      assert.equal((await app.inject({ url: '/avatars/..%2F..%2Fetc%2Fpasswd' })).statusCode, 404);

      const fake = await upload(Buffer.from('<?php echo "not an image"; ?>'), 'evil.png', 'image/png');
      assert.equal(fake.statusCode, 415);
      assert.match(fake.body, /not an image we can use/);
      const big = await upload(Buffer.alloc(5 * 1024 * 1024 + 10, 1), 'big.png', 'image/png');
      assert.equal(big.statusCode, 413);
      const still = await database.db.selectFrom('users').select('avatar').where('username', '=', 'pic_pat').executeTakeFirstOrThrow();
      assert.equal(still.avatar, avatar, 'a refused upload changes nothing');
    });

    test('changing the e-mail address: confirmed by a link to the new address; the Employee role follows the domain', async () => {
      const db = database.db;
      const user = await makeUser(db, [], 'mover_mo');
      await db.updateTable('users').set({ email: 'mo@brightwave.example', email_lower: 'mo@brightwave.example' }).where('id', '=', user.id).execute();
      const mo = await signedIn(app, 'mover_mo');
      const wrong = await mo.post('/settings/email', { email: 'mo@example.org', currentPassword: 'not my password' }, '/settings');
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /current password is not right/);
      const seen = smtp.messages.length;
      const asked = await mo.post('/settings/email', { email: 'mo@example.org', currentPassword: PASSWORD }, '/settings');
      assert.equal(asked.headers.location, '/settings?saved=email', 'the address is not put in the URL');
      assert.match((await mo.follow(asked)).body, /role="status">We sent a confirmation link to mo@example.org/);
      const row = await db.selectFrom('users').select('email').where('id', '=', user.id).executeTakeFirstOrThrow();
      assert.equal(row.email, 'mo@brightwave.example', 'unchanged until confirmed');
      // First verify the company address (it was set directly above), to hold the Employee role.
      const { verifyEmail } = await import('../../src/accounts/verify-email.ts');
      const { issueEmailToken } = await import('../../src/accounts/email-tokens.ts');
      await verifyEmail(db, await issueEmailToken(db, user.id, 'verify_email', 'mo@brightwave.example'), { domains: ['brightwave.example'], allowSubdomains: false });
      assert.ok((await rolesOf(db, user.id)).includes('employee'));
      // The earlier link to the new address lapsed when a newer verify token was issued: ask again.
      await mo.post('/settings/email', { email: 'mo@example.org', currentPassword: PASSWORD }, '/settings');
      const mail = await smtp.next(seen + 1);
      assert.match((mail.to as { text: string }).text, /mo@example\.org/);
      const link = /http:\/\/[^/\s]+(\/verify-email\?token=[\w-]+)/.exec(mail.text!)![1]!;
      assert.equal((await mo.get(link)).statusCode, 200);
      assert.equal((await db.selectFrom('users').select('email').where('id', '=', user.id).executeTakeFirstOrThrow()).email, 'mo@example.org');
      assert.ok(!(await rolesOf(db, user.id)).includes('employee'), 'moving to another domain takes the Employee role away');
    });

    test('changing the password signs out the other sessions', async () => {
      await makeUser(database.db, [], 'pw_pia');
      const laptop = await signedIn(app, 'pw_pia');
      const phone = await signedIn(app, 'pw_pia');
      const weak = await laptop.post('/settings/password', { currentPassword: PASSWORD, newPassword: 'password12345' }, '/settings');
      assert.equal(weak.statusCode, 400);
      const ok = await laptop.post('/settings/password', { currentPassword: PASSWORD, newPassword: 'saffron Tunnel bicycle 9' }, '/settings');
      const page = await laptop.follow(ok);
      assert.match(page.body, /Your password is changed/);
      // The page it leads to is asked for with the new session: its forms work.
      assert.equal(page.statusCode, 200);
      assert.equal((await laptop.post('/settings/profile', { displayName: 'Pia', bio: '' }, '/settings')).statusCode, 303);
      assert.match((await laptop.get('/')).body, /Sign out/, 'this device stays signed in');
      assert.doesNotMatch((await phone.get('/')).body, /Sign out/, 'the other device is signed out');
    });

    test('export my data, then delete my account: posts stay under "deleted user", personal data is gone', async () => {
      const db = database.db;
      const user = await makeUser(db, [], 'leaving_lou');
      await db.updateTable('users').set({ real_name: 'Lou Leaving', phone: '+31612340000' }).where('id', '=', user.id).execute();
      const t = await createTopic(db, user, { boardSlug: 'general', kind: 'question', title: 'Why is my bill higher?', body: 'It went up by 5 euro.' });
      const lou = await signedIn(app, 'leaving_lou');
      // Names beside posts come from cached author cards: a change through the app shows at once.
      const topicPage = async () => (await app.inject({ url: `/t/${t.slug}/${t.id}` })).body;
      assert.match(await topicPage(), /class="author"[^>]*>(<span itemprop="name">)?[^<]+(<\/span>)?<\/a>/);
      assert.equal((await lou.post('/settings/profile', { displayName: 'Lou Renamed', bio: '', realName: 'Lou Leaving', phone: '', customerNumber: '' }, '/settings')).statusCode, 303);
      assert.match(await topicPage(), /Lou Renamed/);
      const exported = await lou.get('/settings/export');
      assert.equal(exported.statusCode, 200);
      assert.match(exported.headers['content-disposition'] as string, /attachment; filename="parley-data-leaving_lou.json"/);
      const data = exported.json();
      assert.equal(data.profile.real_name, 'Lou Leaving');
      assert.equal(data.posts[0].body_markdown, 'It went up by 5 euro.');
      assert.deepEqual(data.roles.map((r: { role: string }) => r.role), ['member']);

      const wrong = await lou.post('/settings/delete', { confirmation: 'wrong' }, '/settings');
      assert.equal(wrong.statusCode, 400);
      const gone = await lou.post('/settings/delete', { confirmation: PASSWORD }, '/settings');
      assert.match(gone.body, /Your account and personal data are deleted/);
      const row = await db.selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
      assert.deepEqual([row.email, row.real_name, row.phone, row.password_hash, row.display_name], [null, null, null, null, 'deleted user']);
      const topic = await app.inject({ url: `/t/${t.slug}/${t.id}` });
      assert.match(topic.body, /It went up by 5 euro\./);
      assert.match(topic.body, /deleted user/);
      assert.ok(!topic.body.includes('leaving_lou'));
      assert.equal((await new Agent(app).post('/signin', { login: 'leaving_lou', password: PASSWORD }, '/signin')).statusCode, 401);
    });
  });
}
