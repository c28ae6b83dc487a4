import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

// A board's listing version (issue 19): a number that changes whenever the board's default
// listing (live topics, pinned first, then by latest activity) may have changed order or content,
// so that the page directory (src/community/page-directory.ts) knows when its keys for `?page=N`
// went stale. Triggers rather than the use cases: every path that touches a topic's place (new
// topics, replies, pins, moves, merges, splits, deletions, restores, imports, a future one) keeps
// it current in its own statement, and a view-count flush (which changes no place) does not.
const PLACE = ['board_id', 'pinned', 'last_post_at', 'deleted_at'] as const;

export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('boards').addColumn('listing_version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // A column changed (SQLite's "is not" is PostgreSQL's "is distinct from": nulls compare equal).
  const differs = ctx.dialect === 'postgres' ? 'is distinct from' : 'is not';
  const changed = sql.raw(PLACE.map((c) => `old.${c} ${differs} new.${c}`).join(' or '));
  const columns = sql.raw(PLACE.join(', '));
  if (ctx.dialect === 'postgres') {
    await sql`create or replace function parley_topic_listing_changed() returns trigger language plpgsql as $$
begin
  if tg_op <> 'INSERT' then update boards set listing_version = listing_version + 1 where id = old.board_id; end if;
  if tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.board_id is distinct from old.board_id) then
    update boards set listing_version = listing_version + 1 where id = new.board_id;
  end if;
  return null;
end $$`.execute(db);
    await sql`create trigger topics_listing_insert_delete after insert or delete on topics for each row execute function parley_topic_listing_changed()`.execute(db);
    await sql`create trigger topics_listing_update after update of ${columns} on topics for each row when (${changed}) execute function parley_topic_listing_changed()`.execute(db);
    return;
  }
  const bump = (board: string) => sql.raw(`update boards set listing_version = listing_version + 1 where id = ${board};`);
  await sql`create trigger topics_listing_insert after insert on topics begin ${bump('new.board_id')} end`.execute(db);
  await sql`create trigger topics_listing_delete after delete on topics begin ${bump('old.board_id')} end`.execute(db);
  await sql`create trigger topics_listing_update after update of ${columns} on topics when ${changed}
begin update boards set listing_version = listing_version + 1 where id in (old.board_id, new.board_id); end`.execute(db);
}

export async function down(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect === 'postgres') {
    await sql`drop trigger topics_listing_update on topics`.execute(db);
    await sql`drop trigger topics_listing_insert_delete on topics`.execute(db);
    await sql`drop function parley_topic_listing_changed()`.execute(db);
  } else {
    for (const t of ['topics_listing_update', 'topics_listing_delete', 'topics_listing_insert']) await sql`drop trigger ${sql.raw(t)}`.execute(db);
  }
  await db.schema.alterTable('boards').dropColumn('listing_version').execute();
}
