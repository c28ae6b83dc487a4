// A search whose plan for the newest matches is our own (an index's bitmap, an id window: see
// candidatePlan) runs as named statements, planned once per connection, not on every search
// (~2 ms a search on 1 M posts, a sixth of PostgreSQL's time for it). The plans only come into
// play with the lexeme statistics of many documents, so the index gets 60,000 before ANALYZE.
// Their results are the same as with PostgreSQL's own plans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { openDatabase } from '../../src/db/database.ts';
import { searchContent } from '../../src/search/search-content.ts';
import { candidatePlan, lexemeStatistics } from '../../src/search/lexeme-frequency.ts';
import { parseQuery } from '../../src/search/query.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';

const postgres = testDatabaseKinds().find((k) => k.name === 'postgres');

test("search's named statements are planned once, not on every search (PostgreSQL)", { skip: !postgres && 'PARLEY_TEST_DATABASE_URL is not set' }, async () => {
  const database = await postgres!.open();
  const one = await openDatabase(database.url, { connections: 1 });
  try {
    const author = await makeUser(database.db, [], 'plans_author');
    await createBoard(database.db, null, { name: 'General', slug: 'general' });
    const topic = await createTopic(database.db, author, { boardSlug: 'general', kind: 'discussion', title: 'Zebra sightings', body: 'Stripes.' });
    // "quokka" in 4 % of the documents (an id window), "lemurN" in 0.2 % each (all the index's matches).
    await sql`insert into search_docs (doc_type, topic_id, author_id, created_at, vector)
      select 'topic', ${topic.id}, ${author.id}, to_char(timestamp '2025-01-01' + g * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        setweight(to_tsvector('simple', case when g % 25 = 0 then 'quokka' else 'walrus' end || ' lemur' || (g % 500)), 'A')
      from generate_series(1, 60000) g`.execute(database.db);
    // The first handle reads the statistics before ANALYZE (none: PostgreSQL's own plans, unnamed)
    // and keeps them; the second after it (our plans, named). Both must find the same results.
    assert.deepEqual(candidatePlan(await lexemeStatistics(database.db), parseQuery('quokka'), 500), { kind: 'planned' });
    await sql`analyze search_docs`.execute(database.db);
    const db = one.db;
    const stats = await lexemeStatistics(db);
    const kinds = ['quokka', 'quok*', 'lemur7'].map((q) => candidatePlan(stats, parseQuery(q), 500));
    assert.deepEqual(kinds.map((k) => k.kind), ['window', 'window', 'bitmap'], JSON.stringify(kinds));

    for (let i = 0; i < 10; i++) {
      for (const q of ['quokka', 'quok*', `lemur${i}`, `lemur${25 * (i + 1)} quokka`]) {
        const r = await searchContent(db, null, { q, page: 1 + (i % 2) });
        assert.ok(r.total > 0, q);
        if (i < 2) assert.deepEqual(r, await searchContent(database.db, null, { q, page: 1 + (i % 2) }), q);
      }
    }
    const { rows } = await sql<{ statement: string; generic_plans: number; custom_plans: number }>`
      select statement, generic_plans, custom_plans from pg_prepared_statements where name like 'parley_%' and statement like '%search_docs%'`.execute(db);
    // The window's and the bitmap's ranking statements, a prefix's candidates and its ranking
    // statement, the results' details.
    assert.ok(rows.length >= 5, `named search statements: ${rows.length}`);
    // PostgreSQL tries five custom plans before it compares them with the generic one.
    for (const r of rows) assert.ok(Number(r.custom_plans) <= 5, `planned ${r.custom_plans} times: ${r.statement.replace(/\s+/g, ' ').slice(0, 160)}`);
  } finally {
    await one.close();
    await database.drop();
  }
});
