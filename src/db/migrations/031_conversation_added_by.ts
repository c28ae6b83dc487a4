import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

// People added to a conversation after it started: who added them, so that the conversation
// shows "Anna added Bob" where it happened (the others must see who can now read it all).
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('conversation_participants').addColumn('added_by', 'integer', (c) => c.references('users.id').onDelete('set null')).execute();
}

export async function down(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('conversation_participants').dropColumn('added_by').execute();
}
