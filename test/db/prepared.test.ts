import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { P1, P2, preparedQuery } from '../../src/db/prepared.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';

for (const kind of testDatabaseKinds()) {
  describe(`prepared queries on ${kind.name}`, () => {
    test('compiled once, run with each call\'s values (constants in the query stay)', async () => {
      const database = await kind.open();
      try {
        const at = new Date().toISOString();
        for (const [slug, position] of [['a', 1], ['b', 2], ['c', 3], ['d', 4]] as const) {
          await database.db.insertInto('boards').values({ slug, name: slug.toUpperCase(), description: '', position, visibility: 'public', last_post_at: null, last_topic_id: null, created_at: at }).execute();
        }
        let builds = 0;
        const between = preparedQuery([P1, P2] as [number, number], (db, from, to) => {
          builds++;
          return db.selectFrom('boards').select('slug').where('position', '>=', from).where('position', '<=', to).where('visibility', '=', 'public').orderBy('position').limit(10);
        });
        assert.deepEqual((await between(database.db, 2, 3)).map((r) => r.slug), ['b', 'c']);
        assert.deepEqual((await between(database.db, 1, 4)).map((r) => r.slug), ['a', 'b', 'c', 'd']);
        assert.deepEqual(await between(database.db, 5, 9), []);
        assert.equal(builds, 1);
        // A value used twice takes the argument in both places.
        await database.db.updateTable('boards').set({ topic_count: 3 }).where('slug', 'in', ['b', 'c']).execute();
        const twice = preparedQuery([P1] as [number], (db, v) => db.selectFrom('boards').select('slug').where('position', '=', v).where('topic_count', '=', v));
        assert.deepEqual((await twice(database.db, 3)).map((r) => r.slug), ['c']);
        assert.deepEqual(await twice(database.db, 2), []);
        // A placeholder the query never uses is a mistake in the build function.
        const unused = preparedQuery([P1, P2] as [number, number], (db, v, _unused) => db.selectFrom('boards').select('slug').where('position', '=', v));
        await assert.rejects(unused(database.db, 1, 2), /does not appear/);
      } finally {
        await database.drop();
      }
    });

    test('rows come back as Kysely gives them: the same keys in the same order, aliases, nulls, numbers', async () => {
      const database = await kind.open();
      try {
        const at = new Date().toISOString();
        await database.db.insertInto('boards').values({ slug: 'a', name: 'A', description: 'first', position: 1, visibility: 'public', last_post_at: null, last_topic_id: null, created_at: at }).execute();
        await database.db.insertInto('boards').values({ slug: 'b', name: 'B', description: '', position: 2, visibility: 'members', last_post_at: at, last_topic_id: null, created_at: at }).execute();
        const build = (db: typeof database.db, min: number) =>
          db.selectFrom('boards as x').innerJoin('boards as y', 'y.id', 'x.id').select(['x.slug', 'x.position', 'x.last_post_at', 'y.name as other_name', 'y.visibility']).where('x.position', '>=', min).orderBy('x.position');
        const prepared = preparedQuery([P1] as [number], build);
        const rows = await prepared(database.db, 1);
        assert.deepStrictEqual(rows, await build(database.db, 1).execute());
        assert.deepEqual(Object.keys(rows[0]!), ['slug', 'position', 'last_post_at', 'other_name', 'visibility']);
        assert.deepStrictEqual(rows[1], { slug: 'b', position: 2, last_post_at: at, other_name: 'B', visibility: 'members' });
        assert.equal(rows[0]!.last_post_at, null);
      } finally {
        await database.drop();
      }
    });

    test('a read while another request\'s transaction is open never sees its uncommitted rows', async () => {
      const database = await kind.open();
      try {
        const at = new Date().toISOString();
        const slugs = preparedQuery([P1] as [number], (db, min) => db.selectFrom('boards').select('slug').where('position', '>=', min).orderBy('position'));
        let during: Promise<{ slug: string }[]> | undefined;
        await assert.rejects(
          database.db.transaction().execute(async (tx) => {
            await tx.insertInto('boards').values({ slug: 'uncommitted', name: 'U', description: '', position: 1, visibility: 'public', last_post_at: null, last_topic_id: null, created_at: at }).execute();
            during = slugs(database.db, 0); // another request, on the shared handle
            await new Promise((resolve) => setTimeout(resolve, 20));
            throw new Error('rolled back');
          }),
          /rolled back/,
        );
        assert.deepEqual(await during, []);
      } finally {
        await database.drop();
      }
    });
  });
}
