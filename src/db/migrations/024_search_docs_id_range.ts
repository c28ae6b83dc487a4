import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

// PostgreSQL: a BRIN index on search_docs.id for the newest matches of a search
// (src/search/search-content.ts, pgCandidates). A word in about 1 % of documents is looked for
// among the newest ids only, as the GIN index's bitmap ANDed with a bitmap of that id range.
// From the primary key that range bitmap lists each id (120 k ids: 15–30 ms, more than the rest
// of the search); a BRIN index gives it as a few page ranges (0.2 ms), and search_docs is
// appended in id order, so those pages are nearly exactly the range's. SQLite finds the newest
// matches in FTS5 itself: nothing to do there.
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect !== 'postgres') return;
  await sql`create index search_docs_id_range on search_docs using brin (id)`.execute(db);
}

export async function down(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect !== 'postgres') return;
  await sql`drop index search_docs_id_range`.execute(db);
}
