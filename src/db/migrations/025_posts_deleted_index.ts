import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

// SQLite: the deleted posts' ids, in a small partial index. A search checks that each of its
// candidates' posts is not deleted (src/search/search-content.ts): through the posts table that is
// a lookup of a wide row per candidate in a 1 M-row table, a quarter of the ranking statement's
// time at 1 M posts; in this index (deleted posts only) it is a lookup in a few pages. The
// search names the index (INDEXED BY): SQLite would otherwise prefer the rowid. PostgreSQL's
// search reads the posts table as before: nothing to do there.
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect !== 'sqlite') return;
  await sql`create index if not exists posts_deleted on posts (id) where deleted_at is not null`.execute(db);
}

export async function down(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect !== 'sqlite') return;
  await sql`drop index posts_deleted`.execute(db);
}
