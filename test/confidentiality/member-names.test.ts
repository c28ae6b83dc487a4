// Community members' public names are not customer data: the attribution line Parley writes into a
// knowledge-base article ("Answered by Tom Becker in the community.") must not stop the article,
// while the same sentence with a name no member has is still found.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { evaluateDraft } from '../../src/confidentiality/check.ts';
import { memberNameKeys } from '../../src/confidentiality/member-names.ts';
import type { DB } from '../../src/db/schema.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createBoard } from '../../src/community/create-board.ts';

for (const kind of testDatabaseKinds()) {
  describe(`member names and the guard on ${kind.name}`, () => {
    let database: TestDatabase;
    let db: Kysely<DB>;
    before(async () => {
      database = await kind.open();
      db = database.db;
    });
    after(() => database.drop());

    test('a member’s display name is not a person finding; a stranger’s name is', async () => {
      const member = await makeUser(db, [], 'Tom_Becker');
      const author = await makeUser(db, ['employee']);
      const persons = async (body: string) => (await evaluateDraft(db, { actor: author, body })).findings.filter((f) => f.type === 'person');
      assert.equal((await persons('Restart the modem.\n\n*Answered by Tom Becker in the community.*')).length, 0);
      assert.equal((await persons('Restart the modem.\n\n*Answered by Mark Jansen in the community.*')).length, 1);
      // Deleted members' names are nobody's public name any more.
      await db.updateTable('users').set({ deleted_at: new Date().toISOString() }).where('id', '=', member.id).execute();
      assert.equal((await persons('Restart the modem.\n\n*Answered by Tom Becker in the community.*')).length, 1);
    });

    test('in a reply, the first names of the thread’s people (and the author’s own) are not findings; elsewhere they still are', async () => {
      const admin = await makeUser(db, ['admin']);
      await createBoard(db, admin, { slug: 'names', name: 'Names', description: '' });
      const asker = await makeUser(db, [], 'marco_q');
      await db.updateTable('users').set({ display_name: 'Marco Quist' }).where('id', '=', asker.id).execute();
      const mei = await makeUser(db, ['employee'], 'mei_q');
      await db.updateTable('users').set({ display_name: 'Mei Quist-Lin' }).where('id', '=', mei.id).execute();
      const t = await createTopic(db, asker, { boardSlug: 'names', kind: 'question', title: 'My bill doubled', body: 'Why is my bill twice as high this month?' });
      const persons = async (body: string, target?: string) => (await evaluateDraft(db, { actor: mei, body, ...(target ? { target } : {}) })).findings.filter((f) => f.type === 'person').map((f) => body.slice(f.start, f.end));
      const reply = "I'm Mei from the billing team. They had three people on the plan: Marco, Gaetane, Hannah.";
      const inThread = await persons(reply, `topic:${t.id}`);
      assert.ok(!inThread.includes('Marco') && !inThread.includes('Mei'), `the thread's first names pass: ${inThread.join(', ')}`);
      assert.ok(inThread.some((n) => /Gaetane|Hannah/.test(n)), 'other first names are still found');
      const elsewhere = await persons(reply);
      assert.ok(elsewhere.some((n) => n.includes('Marco')), `without the thread, Marco is a person finding: ${elsewhere.join(', ')}`);
    });

    test('usernames match without the @ and in any case', async () => {
      await makeUser(db, [], 'nadia_k');
      const keys = await memberNameKeys(db, ['@Nadia_K', 'Someone Else']);
      assert.ok(keys.has('nadia_k'));
      assert.ok(!keys.has('someone else'));
    });
  });
}
