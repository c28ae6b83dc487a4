import type { Kysely } from 'kysely';

// Board moderators (issue 13): a member assigned to moderate some boards only. They review the
// queue items of those boards and moderate their topics and posts; global moderators keep all.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('board_moderators')
    .addColumn('board_id', 'integer', (c) => c.notNull().references('boards.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('board_moderators_pk', ['board_id', 'user_id'])
    .execute();
  // Read on every signed-in request (the actor's boards).
  await db.schema.createIndex('board_moderators_user').on('board_moderators').columns(['user_id', 'board_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('board_moderators').execute();
}
