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

    test('usernames match without the @ and in any case', async () => {
      await makeUser(db, [], 'nadia_k');
      const keys = await memberNameKeys(db, ['@Nadia_K', 'Someone Else']);
      assert.ok(keys.has('nadia_k'));
      assert.ok(!keys.has('someone else'));
    });
  });
}
