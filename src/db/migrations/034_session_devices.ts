import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

// Where one is signed in (account settings): each session's browser as it introduced itself
// (its User-Agent, cut short) and when it was last used, so a person can tell their sessions
// apart and end one they do not recognise. Sessions from before have neither.
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
  await db.schema.alterTable('sessions').addColumn('last_seen_at', 'text').execute();
}

export async function down(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('last_seen_at').execute();
  await db.schema.alterTable('sessions').dropColumn('user_agent').execute();
}
