// A named statement (src/db/named-statements.ts) is meant to be planned once per connection.
// PostgreSQL plans one again on every run when a custom plan for the values given looks cheaper
// than the generic plan; on a community of some size the keyed and numbered board pages and the
// home page did (~0.5 ms a view, more than running them). The planner only shows this with
// statistics of many rows, so the board here gets 20,000 topics before ANALYZE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { showTopic } from '../../src/community/show-topic.ts';
import { listBoardTopics } from '../../src/community/list-board-topics.ts';
import { homePage } from '../../src/community/list-boards.ts';
import { headerCountColumns } from '../../src/accounts/signed-in-facts.ts';
import { openDatabase } from '../../src/db/database.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';

const postgres = testDatabaseKinds().find((k) => k.name === 'postgres');

test("the pages' named statements are planned once, not on every view (PostgreSQL)", { skip: !postgres && 'PARLEY_TEST_DATABASE_URL is not set' }, async () => {
  const database = await postgres!.open();
  const one = await openDatabase(database.url, { connections: 1 });
  try {
    const author = await makeUser(database.db, [], 'plans_author');
    const reader = await makeUser(database.db, [], 'plans_reader');
    await createBoard(database.db, null, { name: 'General', slug: 'general' });
    const topic = await createTopic(database.db, author, { boardSlug: 'general', kind: 'question', title: 'Invoices arrive twice', body: 'Why?' });
    for (let i = 0; i < 25; i++) await createReply(database.db, i % 2 ? author : reader, { topicId: topic.id, body: `Reply ${i}` });
    // Topics by many people, as on a real board: a page then has up to 60 authors whose cards the
    // worker keeps, and the statement is given their ids to skip (a long array the planner must not see).
    const people: number[] = [];
    for (let i = 0; i < 120; i++) people.push((await makeUser(database.db, [], `plans_user${i}`)).id);
    await sql`insert into topics (board_id, user_id, kind, title, slug, post_count, last_post_at, last_post_user_id, created_at)
      select t.board_id, (${people}::int[])[1 + g % 120], t.kind, t.title || ' ' || g, t.slug || '-' || g, 1, to_char(timestamp '2025-01-01' + g * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), (${people}::int[])[1 + (g * 7) % 120], t.created_at
      from topics t, generate_series(1, 20000) g where t.id = ${topic.id}`.execute(database.db);
    await sql`update boards set topic_count = 20001`.execute(database.db);
    await sql`analyze`.execute(database.db);

    const db = one.db;
    const keyOf = async (offset: number) => {
      const t = await db.selectFrom('topics').select(['pinned', 'last_post_at', 'id']).orderBy('pinned', 'desc').orderBy('last_post_at', 'desc').orderBy('id', 'desc').offset(offset).limit(1).executeTakeFirstOrThrow();
      return Buffer.from(JSON.stringify([t.pinned, t.last_post_at, t.id])).toString('base64url');
    };
    for (let i = 0; i < 10; i++) {
      const key = await keyOf(29 + i * 300);
      for (const actor of [null, reader]) {
        const extra = actor ? headerCountColumns(db, actor) : null;
        await showTopic(db, actor, topic.id, 1 + (i % 2), { reader: !!actor, extra });
        await listBoardTopics(db, actor, 'general', 1 + i * 10, 'latest', undefined, null, { reader: !!actor, extra });
        await listBoardTopics(db, actor, 'general', 2 + i * 10, 'latest', undefined, { after: key }, { reader: !!actor, extra });
        await listBoardTopics(db, actor, 'general', 2 + i * 10, 'latest', undefined, { before: key }, { reader: !!actor, extra });
        await homePage(db, actor, 10, { extra });
        // The filtered views read query by query (a count, then the page).
        await listBoardTopics(db, actor, 'general', 1 + i * 10, 'newest', undefined, null, { reader: !!actor, extra });
        await listBoardTopics(db, actor, 'general', 1, 'solved', undefined, null, { reader: !!actor, extra });
      }
    }
    const { rows } = await sql<{ statement: string; generic_plans: number; custom_plans: number }>`
      select statement, generic_plans, custom_plans from pg_prepared_statements where name like 'parley_%'`.execute(db);
    assert.ok(rows.length >= 8, `named statements seen: ${rows.length}`);
    // PostgreSQL tries five custom plans before it compares them with the generic one.
    for (const r of rows) assert.ok(Number(r.custom_plans) <= 5, `planned ${r.custom_plans} times in 10 runs: ${r.statement.replace(/\s+/g, ' ').slice(0, 160)}`);
    // The board statement's first-post kudos (board-page-postgres.ts) as written there can use the
    // partial index of first posts with kudos (migration 026) rather than probing every post's.
    await sql`update posts set kudos_count = 2 where topic_id = ${topic.id} and post_number = 1`.execute(db);
    const plan = await db.transaction().execute(async (tx) => {
      await sql`set local enable_seqscan = off`.execute(tx);
      const { rows: lines } = await sql<{ 'QUERY PLAN': string }>`explain select coalesce(json_agg(json_build_array(p.topic_id, p.kudos_count)), '[]') from posts p
        where p.topic_id in (select id from topics order by id limit 30) and p.post_number = 1 and p.kudos_count > 0`.execute(tx);
      return lines.map((l) => l['QUERY PLAN']).join('\n');
    });
    assert.match(plan, /posts_first_post_kudos/, plan);
  } finally {
    await one.close();
    await database.drop();
  }
});
