import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

// Who starts topics on a board: everyone who may read it ('members', as before), or only the
// community team ('staff': an announcements board that everyone may reply to). Before, a board's
// description could say "only staff start threads here" and nothing held members to it.
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('boards').addColumn('topic_creators', 'text', (c) => c.notNull().defaultTo('members')).execute();
}

export async function down(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('boards').dropColumn('topic_creators').execute();
}
