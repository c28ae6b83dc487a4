import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { guardSecret } from '../../src/confidentiality/registers.ts';
import { guardKeyPath } from '../../src/confidentiality/guard-key.ts';
import { createBoard } from '../../src/community/create-board.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { editPost } from '../../src/community/edit-post.ts';
import { checkDraft, GuardStoppedError } from '../../src/confidentiality/check.ts';
import { addDocument, extractDocumentText } from '../../src/confidentiality/documents.ts';
import { importCustomers, parseColumns } from '../../src/confidentiality/import-customers.ts';
import { purgeMaskedOriginals, readMaskedOriginals } from '../../src/confidentiality/masked-originals.ts';
import { invalidateGuardContext, loadGuardContext, setGuardReloadInterval } from '../../src/confidentiality/registers.ts';
import { saveGuardPolicy } from '../../src/confidentiality/settings.ts';
import type { DB } from '../../src/db/schema.ts';
import type { Actor } from '../../src/policy/policy.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { testServer } from '../helpers/server.ts';
import { makePdf } from './pdf.ts';

const bin = fileURLToPath(new URL('../../bin/parley.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'parley-guard-'));

// Customer values that must never be stored in plaintext anywhere.
const CUSTOMERS = [
  { name: 'Hendrik Wolters', phone: '06 41 27 93 58', phoneDigits: '641279358', email: 'h.wolters@mailbox.example', address: 'Lindengracht 214, 1015 KL Amsterdam', number: 'KL-7391046' },
  { name: 'Annelies Brouwer', phone: '+31 30 298 4471', phoneDigits: '302984471', email: 'annelies.brouwer@example.org', address: 'Oudegracht 88, 3511 AV Utrecht', number: 'KL-5521870' },
];
const CSV = [
  'name,phone,email,address,customer_number',
  ...CUSTOMERS.map((c) => `${c.name},${c.phone},${c.email},"${c.address}",${c.number}`),
  'Too,few,columns', // line 4: wrong number of columns
  ',,,,', // line 5: nothing usable
  'Gerrit Kuipers,0612345670,g.kuipers@example.net,"Stationsweg 3, 2312 AV Leiden",KL-1112223',
  'Extra,column,0612,x@y.nl,Street 1,KL-1,surplus', // line 7
].join('\n');

const CONFIDENTIAL = `Retention playbook 2027 (internal). When a customer threatens to cancel, agents may offer the loyalty discount of
thirty percent for twelve months, but only after the second call and never in writing. Churn among fibre customers in the
northern region rose to eleven percent last quarter because the migration of the old copper network ran four months late.
The board expects the price of the Unlimited plan to rise by four euros in March; do not mention this before the announcement.`;
const PUBLIC = `Fibre Home is our fastest plan: download speeds up to one gigabit per second, a modem with Wi-Fi 7 included, and
installation by a technician at a time that suits you. Switching is easy and we cancel your old contract for you.`;

function parley(args: string[], env: Record<string, string>, input?: string) {
  const { SECRET_KEY: _drop, ...base } = process.env;
  // The CLI uses the guard key this process uses (the key file the in-process steps resolved).
  const keyFile = guardKeyPath({ DATABASE_URL: process.env.DATABASE_URL ?? 'file:./data/parley.db', GUARD_KEY_FILE: process.env.GUARD_KEY_FILE });
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...base, SEED_DEMO: 'false', GUARD_KEY_FILE: keyFile, ...env }, encoding: 'utf8', timeout: 120_000, ...(input !== undefined ? { input } : {}) });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every text (and byte) value of every table, except the listed tables. */
async function allStoredText(database: TestDatabase, except: string[] = []): Promise<string> {
  const db = database.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const tables =
    database.dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db)).rows.map((r) => r.name);
  let text = '';
  for (const t of tables) {
    if (except.includes(t)) continue;
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(t)}`.execute(db)).rows;
    for (const row of rows) for (const v of Object.values(row)) text += Buffer.isBuffer(v) || v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : ` ${String(v)}`;
  }
  return text;
}

/** Without the separators a phone number may be written with. */
const digitsOnly = (s: string) => s.replace(/[\s\-.()+\/]/g, '');

for (const kind of testDatabaseKinds()) {
  describe(`confidentiality guard in the app on ${kind.name}`, () => {
    let database: TestDatabase;
    let db: Kysely<DB>;
    let member: Actor, employee: Actor, moderator: Actor;
    let topicId: number;
    before(async () => {
      setGuardReloadInterval(0);
      database = await kind.open();
      db = database.db;
      [member, employee, moderator] = await Promise.all([makeUser(db), makeUser(db, ['employee']), makeUser(db, ['moderator'])]);
      const manager = await makeUser(db, ['community_manager']);
      await createBoard(db, manager, { name: 'Mobile', description: 'Phones and plans' });
      topicId = (await createTopic(db, member, { boardSlug: 'mobile', kind: 'question', title: 'My bill is higher than expected', body: 'Why did my bill go up this month?' })).id;
    });
    after(async () => {
      setGuardReloadInterval(5000);
      await database.drop();
    });

    test('import: malformed rows are reported by line number, skipped and counted; plaintext is never stored', async () => {
      const secret = await guardSecret(db);
      const r = await importCustomers(db, Readable.from([CSV]), { columns: parseColumns('name,phone,email,address,customer_number'), secret, defaultRegion: 'NL' });
      assert.equal(r.imported, 3);
      assert.equal(r.skipped, 3);
      assert.deepEqual(r.issues.map((i) => i.line), [4, 5, 7]);
      assert.ok(r.headerSkipped);
      assert.equal((await loadGuardContext(db)).customerRecords, 3);
      const stored = await allStoredText(database);
      for (const c of CUSTOMERS) {
        for (const v of [c.name, c.email, c.number, c.address.split(',')[0]!, 'Wolters', 'Brouwer']) assert.ok(!stored.includes(v), `"${v}" is stored in plaintext`);
        assert.ok(!digitsOnly(stored).includes(c.phoneDigits), 'phone digits stored');
      }
      // Issues never carry values.
      assert.ok(!JSON.stringify(r.issues).includes('Extra'));
    });

    test("an employee's reply with a registered customer's name and phone is stopped (422) with customer_record findings and no values", async () => {
      const c = CUSTOMERS[0]!;
      const body = `I just called ${c.name} back on ${c.phone} and the refund is on its way.`;
      const err = await createReply(db, employee, { topicId, body }).then(
        () => assert.fail('published'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof GuardStoppedError, String(err));
      assert.equal(err.status, 422);
      assert.equal(err.action, 'block');
      assert.equal(err.canAskCommunityTeam, true);
      const records = err.findings.filter((f) => f.type === 'customer_record');
      assert.ok(records.length >= 2, JSON.stringify(err.findings));
      for (const f of err.findings) assert.equal(f.field, 'body');
      assert.ok(records.some((f) => body.slice(f.start, f.end) === c.phone));
      const shown = JSON.stringify(err) + err.message;
      for (const v of [c.name, c.phone, c.phoneDigits, 'Wolters']) assert.ok(!shown.includes(v), `error carries "${v}"`);
      // The live check gives the same decision without publishing.
      const check = await checkDraft(db, employee, { body, where: 'reply', target: `topic:${topicId}` });
      assert.equal(check.action, 'block');
      assert.deepEqual(check.findings.map((f) => f.type), err.findings.map((f) => f.type));
      // A title is scanned too.
      await assert.rejects(createTopic(db, employee, { boardSlug: 'mobile', kind: 'discussion', title: `Call ${c.name} about ${c.phone}`, body: 'See title.' }), (e: GuardStoppedError) => e.findings.some((f) => f.field === 'title'));
    });

    test("a member's own phone number is published masked; the original is kept for moderators only, not in the post or its revisions", async () => {
      const own = '06 28 41 75 93';
      const { id } = await createReply(db, member, { topicId, body: `Please call me on ${own}, thanks!` });
      const post = await db.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      for (const t of [post.body_markdown, post.body_html, post.body_text]) {
        assert.ok(!t.includes(own) && !digitsOnly(t).includes('628417593'), t);
        assert.match(t, /\[phone number hidden\]/);
      }
      const originals = await readMaskedOriginals(db, moderator, id);
      assert.equal(originals.length, 1);
      assert.ok(originals[0]!.original_markdown.includes(own));
      await assert.rejects(readMaskedOriginals(db, member, id), (e: { status: number }) => e.status === 403);
      await assert.rejects(readMaskedOriginals(db, employee, id), (e: { status: number }) => e.status === 403);

      // An older revision must not keep a value masked now: published while the policy allowed
      // it, then edited after the policy masks it again.
      await saveGuardPolicy(db, { rules: { member: { phone: 'allow' } } });
      const other = '06 39 52 86 14';
      const reply = await createReply(db, member, { topicId, body: `My second number is ${other}.` });
      assert.ok((await db.selectFrom('posts').select('body_markdown').where('id', '=', reply.id).executeTakeFirstOrThrow()).body_markdown.includes(other));
      await saveGuardPolicy(db, {});
      await editPost(db, member, { postId: reply.id, body: `My second number is ${other}. Evenings are best.` });
      const revisions = await db.selectFrom('post_revisions').select(['body_markdown', 'title']).where('post_id', '=', reply.id).execute();
      assert.equal(revisions.length, 1);
      for (const r of revisions) assert.ok(!digitsOnly(r.body_markdown).includes('639528614'), r.body_markdown);
      const edited = await db.selectFrom('posts').select('body_markdown').where('id', '=', reply.id).executeTakeFirstOrThrow();
      assert.ok(!digitsOnly(edited.body_markdown).includes('639528614'));
      assert.equal((await readMaskedOriginals(db, moderator, reply.id)).length, 2); // the edit and the cleaned revision
      // Outside masked_originals the numbers appear nowhere in the database.
      const stored = await allStoredText(database, ['masked_originals']);
      assert.ok(!digitsOnly(stored).includes('628417593') && !digitsOnly(stored).includes('639528614'));
      // Purged after the retention period.
      assert.equal(await purgeMaskedOriginals(db, new Date(Date.now() + 31 * 86_400_000).toISOString()), 3);
    });

    test('confidential documents: a pasted paragraph with small edits is blocked for employees; public text is allowed', async () => {
      await addDocument(db, { fileName: 'retention-playbook.md', text: CONFIDENTIAL, label: 'confidential' });
      const pdf = await extractDocumentText('fibre-home.pdf', makePdf(PUBLIC.split('\n')));
      await addDocument(db, { fileName: 'fibre-home.pdf', text: pdf, label: 'public' });
      const pasted = `Good question! Churn among Fibre customers in the northern region rose to 11 percent last quarter, because the migration of the old copper network ran four months late.`;
      await assert.rejects(createReply(db, employee, { topicId, body: pasted }), (e: unknown) => e instanceof GuardStoppedError && e.findings.some((f) => f.type === 'confidential_document'));
      const fromFlyer = `Fibre Home is our fastest plan: download speeds up to one gigabit per second, a modem with Wi-Fi 7 included, and installation by a technician at a time that suits you.`;
      const ok = await createReply(db, employee, { topicId, body: fromFlyer });
      assert.ok(ok.id > 0);
    });

    test('the audit log records every decision and never a value', async () => {
      const rows = await db.selectFrom('guard_decisions').selectAll().execute();
      assert.ok(rows.some((r) => r.decision === 'block' && r.where === 'reply' && r.target === `topic:${topicId}` && JSON.parse(r.finding_types).some((t: { type: string }) => t.type === 'customer_record')));
      assert.ok(rows.some((r) => r.decision === 'mask' && r.where === 'edit'));
      assert.ok(rows.some((r) => r.where === 'check'));
      const audit = JSON.stringify(rows);
      for (const c of CUSTOMERS) for (const v of [c.name, c.phone, c.phoneDigits, 'Wolters', 'thirty percent']) assert.ok(!audit.includes(v) && !digitsOnly(audit).includes(c.phoneDigits), `audit holds "${v}"`);
      // Blocked drafts leave no trace of the customer anywhere.
      const stored = await allStoredText(database);
      for (const c of CUSTOMERS) for (const v of [c.name, 'Wolters', c.email]) assert.ok(!stored.includes(v));
      assert.ok(!digitsOnly(stored).includes(CUSTOMERS[0]!.phoneDigits));
      assert.ok(!stored.includes('Churn among'));
    });

    test('an oversized text is refused before scanning (413)', async () => {
      await assert.rejects(checkDraft(db, employee, { body: 'x '.repeat(40_000), where: 'reply' }), (e: { status: number }) => e.status === 413);
      await assert.rejects(createReply(db, employee, { topicId, body: 'x '.repeat(40_000) }), (e: { status: number }) => e.status === 413);
    });

    test('CLI: scan --json offsets match; --jsonl; add-document refuses a binary file; a running server picks up a new import', async () => {
      const env = { DATABASE_URL: database.url };
      const text = 'Mail 😀 me at dana@example.org or call +31 6 1234 5678.';
      const r = parley(['guard', 'scan', '--json', '-'], env, text);
      assert.equal(r.code, 0, r.err);
      const findings = r.out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; start: number; end: number; confidence: number; reason: string });
      assert.equal(text.slice(findings.find((f) => f.type === 'email')!.start, findings.find((f) => f.type === 'email')!.end), 'dana@example.org');
      assert.equal(text.slice(findings.find((f) => f.type === 'phone')!.start, findings.find((f) => f.type === 'phone')!.end), '+31 6 1234 5678');
      for (const f of findings) assert.deepEqual(Object.keys(f).sort(), ['confidence', 'end', 'reason', 'start', 'type']);
      const jsonl = join(scratch, `in-${kind.name}.jsonl`);
      writeFileSync(jsonl, `${JSON.stringify({ text })}\n${JSON.stringify({ text: 'Nothing to see here.' })}\n`);
      const jl = parley(['guard', 'scan', '--jsonl', jsonl], env);
      assert.equal(jl.code, 0, jl.err);
      const lines = jl.out.trim().split('\n').map((l) => JSON.parse(l) as unknown[]);
      assert.equal(lines.length, 2);
      assert.equal(lines[0]!.length, findings.length);
      assert.deepEqual(lines[1], []);

      const binary = join(scratch, 'photo.jpg');
      writeFileSync(binary, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 2, 3, 0, 0, 0xff, 0xfe]));
      const bad = parley(['guard', 'add-document', binary, '--label', 'confidential'], env);
      assert.notEqual(bad.code, 0);
      assert.match(bad.err, /photo\.jpg is not a text, Markdown, HTML or PDF document/);
      const missingLabel = parley(['guard', 'add-document', binary, '--label', 'secret'], env);
      assert.notEqual(missingLabel.code, 0);

      // A running server: its handle caches the context; an import in another process is picked up.
      const app = await testServer(database);
      try {
        setGuardReloadInterval(300);
        const before = await loadGuardContext(app.database.db);
        const csv = join(scratch, `new-${kind.name}.csv`);
        writeFileSync(csv, 'Roelof Terpstra;06 73 11 42 90;roelof.terpstra@example.net\n');
        const imp = parley(['guard', 'import-customers', csv, '--columns', 'name,phone,email'], env);
        assert.equal(imp.code, 0, imp.err);
        assert.match(imp.out, /Imported 1 customer record/);
        await new Promise((r) => setTimeout(r, 400));
        const afterImport = await loadGuardContext(app.database.db);
        assert.equal(afterImport.customerRecords, before.customerRecords + 1);
        await assert.rejects(createReply(app.database.db, employee, { topicId, body: 'Roelof Terpstra asked me to pass on his new e-mail address.' }), GuardStoppedError);
        const list = parley(['guard', 'list-documents'], env);
        assert.match(list.out, /retention-playbook\.md/);
      } finally {
        setGuardReloadInterval(0);
        invalidateGuardContext(app.database.db);
        await app.close();
      }
    });
  });
}
