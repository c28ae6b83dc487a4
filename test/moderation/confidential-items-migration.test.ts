// Migration 028: review items queued before it get `confidential` from what they hold, so that a
// board moderator's queue leaves out the old ones too (the guard's holds, drafts sent to the team,
// holds that list the guard's findings), and keeps watched-word and reported items.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as m028 from '../../src/db/migrations/028_review_items_confidential.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';

for (const kind of testDatabaseKinds()) {
  describe(`migration 028 on ${kind.name}`, () => {
    let database: TestDatabase;
    before(async () => {
      database = await kind.open();
    });
    after(async () => database.drop());

    test('marks what the guard found as the global team\'s, and nothing else', async () => {
      const db = database.db as never as import('kysely').Kysely<any>;
      await m028.down(db, { dialect: database.dialect });
      const watched = JSON.stringify([{ type: 'watched_word', field: 'body', start: 0, end: 4 }]);
      const withPhone = JSON.stringify([{ type: 'watched_word', field: 'body', start: 0, end: 4 }, { type: 'phone', field: 'body', start: 5, end: 15 }]);
      const rows = [
        ['guard', '[]', 1], ['asked', '[]', 1], ['asked', withPhone, 1], ['watched_word', withPhone, 1], ['first_post', withPhone, 1],
        ['watched_word', watched, 0], ['reported', '[]', 0], ['first_post', '[]', 0], ['reported', 'not json', 1],
      ] as const;
      const ids: number[] = [];
      for (const [reason, findings] of rows) {
        const r = await db.insertInto('review_items').values({ kind: 'draft', subject_id: ids.length + 1, board_id: null, reason, detail: '', findings, status: 'open', decision_reason: '', created_at: new Date().toISOString() }).returning('id').executeTakeFirstOrThrow();
        ids.push(Number(r.id));
      }
      await m028.up(db, { dialect: database.dialect });
      const got = await db.selectFrom('review_items').select(['id', 'confidential']).orderBy('id').execute();
      assert.deepEqual(got.map((r: { confidential: number }) => Number(r.confidential)), rows.map((r) => r[2]));
    });
  });
}
