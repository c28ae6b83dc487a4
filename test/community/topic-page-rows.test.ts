// A topic page reads its own posts only, however long the topic (issue 19, deep pages at constant
// cost). On PostgreSQL the page's one statement, planned for the values given (a connection's first
// five runs), once read every post of the topic to find the page's range and the accepted answer:
// a page of a 1,341-post topic cost 5× one of a 20-post topic.
// Counted with PostgreSQL's statistics pending in the connection: the posts table's rows read (through
// an index or not), before and after the page's statement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { acceptAnswer } from '../../src/community/accept-answer.ts';
import { showTopic, POSTS_PER_PAGE } from '../../src/community/show-topic.ts';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';

const postgres = testDatabaseKinds().find((k) => k.name === 'postgres');

test('a topic page fetches the posts it shows, not the whole topic (PostgreSQL)', { skip: !postgres && 'PARLEY_TEST_DATABASE_URL is not set' }, async () => {
  const database = await postgres!.open();
  try {
    const db = database.db;
    const author = await makeUser(db, [], 'rows_author');
    await createBoard(db, null, { name: 'General', slug: 'general' });
    const topic = await createTopic(db, author, { boardSlug: 'general', kind: 'question', title: 'A long thread', body: 'Why?' });
    const replies: number[] = [];
    for (let i = 0; i < 5 * POSTS_PER_PAGE; i++) replies.push((await createReply(db, author, { topicId: topic.id, body: `Reply ${i}` })).id);
    await acceptAnswer(db, author, replies[10]!); // on page 1
    // 1,000 other topics of 20 posts, so that PostgreSQL plans for a community's many short topics.
    const other = await createTopic(db, author, { boardSlug: 'general', kind: 'discussion', title: 'Another thread', body: 'Hello' });
    await sql`insert into topics (board_id, user_id, kind, title, slug, post_count, last_post_at, last_post_user_id, created_at)
      select t.board_id, t.user_id, t.kind, t.title || ' ' || g, t.slug || '-' || g, 20, t.last_post_at, t.user_id, t.created_at
      from topics t, generate_series(1, 1000) g where t.id = ${other.id}`.execute(db);
    await sql`insert into posts (topic_id, user_id, post_number, body_markdown, body_html, created_at)
      select t.id, t.user_id, n, 'x', '<p>x</p>', t.created_at from topics t, generate_series(1, 20) n where t.title like 'Another thread %'`.execute(db);
    await sql`analyze`.execute(db);

    for (const page of [1, 2, 5]) {
      const fetched = await db.transaction().execute(async (trx) => {
        // The counts pending in this backend (earlier statements' too), before and after.
        const count = async () => Number((await sql<{ n: string }>`select coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0) as n from pg_stat_xact_user_tables where relname = 'posts' and schemaname = current_schema()`.execute(trx)).rows[0]?.n ?? 0);
        const before = await count();
        const shown = await showTopic(trx, null, topic.id, page, { oneRoundTrip: true, leadText: true });
        assert.equal(shown.posts.length, POSTS_PER_PAGE, `page ${page}`);
        assert.equal(shown.answer?.id, replies[10], `page ${page}: the accepted answer`);
        return (await count()) - before;
      });
      // The page's posts, and the accepted answer when it is on another page.
      assert.ok(fetched <= POSTS_PER_PAGE + 1, `page ${page} fetched ${fetched} posts of ${5 * POSTS_PER_PAGE + 1}`);
    }
  } finally {
    await database.drop();
  }
});
