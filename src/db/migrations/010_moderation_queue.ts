import type { Kysely } from 'kysely';
import { idColumn, type MigrationContext } from '../migration-helpers.ts';

export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  // Drafts held for the community team: "ask the community team", or held by the guard policy.
  // The draft text is kept here (not public) until a moderator decides.
  await db.schema
    .createTable('held_drafts')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('kind', 'text', (c) => c.notNull()) // 'topic' | 'reply'
    .addColumn('author_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('board_id', 'integer', (c) => c.references('boards.id'))
    .addColumn('topic_id', 'integer', (c) => c.references('topics.id'))
    .addColumn('topic_kind', 'text')
    .addColumn('title', 'text')
    .addColumn('body_markdown', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('reason', 'text', (c) => c.notNull()) // 'asked' | 'guard'
    .addColumn('findings', 'text', (c) => c.notNull().defaultTo('[]')) // JSON: type, field, start, end, reason — no values
    .addColumn('author_note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending')) // pending | approved | returned | rejected
    .addColumn('reviewer_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reviewer_comment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('published_post_id', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .execute();
  await db.schema.createIndex('held_drafts_status').on('held_drafts').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('held_drafts_author').on('held_drafts').columns(['author_id', 'created_at']).execute();
}
