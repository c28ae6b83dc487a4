import type { Kysely } from 'kysely';
import { idColumn, type MigrationContext } from '../migration-helpers.ts';

// Moderation (issue 13, src/moderation): member reports, one review queue for every kind of item,
// hidden posts, and the append-only staff action log. Times are ISO strings like everywhere else.
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  // One report per member per post (the unique index refuses a duplicate even under a race).
  await db.schema
    .createTable('post_reports')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('post_id', 'integer', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('reporter_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull()) // off_topic | inappropriate | spam | personal_data | other
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('trusted', 'integer', (c) => c.notNull().defaultTo(0)) // the reporter counted towards hiding the post
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text') // null while open; then the decision the reporter was told
    .addColumn('decided_at', 'text')
    .execute();
  await db.schema.createIndex('post_reports_once').on('post_reports').columns(['post_id', 'reporter_id']).unique().execute();

  // The review queue: one general item model (what kind of thing, which one, why), so that any
  // part of Parley can queue something for the team (reported posts, held drafts, first posts,
  // watched words, reported private messages...). Status open → done; the decision says how.
  await db.schema
    .createTable('review_items')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('kind', 'text', (c) => c.notNull()) // 'post' (a published post) | 'draft' (held_drafts row) | others later
    .addColumn('subject_id', 'integer', (c) => c.notNull())
    .addColumn('board_id', 'integer', (c) => c.references('boards.id').onDelete('set null'))
    .addColumn('reason', 'text', (c) => c.notNull()) // 'reported' | 'asked' | 'guard' | 'first_post' | 'watched_word' | …
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('findings', 'text', (c) => c.notNull().defaultTo('[]')) // JSON: type, field, start, end, reason — never values
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open')) // open | done
    .addColumn('claimed_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('claimed_at', 'text')
    .addColumn('decided_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decision', 'text')
    .addColumn('decision_reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('reminded_at', 'text')
    .execute();
  await db.schema.createIndex('review_items_open').on('review_items').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('review_items_subject').on('review_items').columns(['kind', 'subject_id', 'status']).execute();

  // A post hidden until reviewed (enough trusted reports, or a moderator's "hide").
  await db.schema.alterTable('posts').addColumn('hidden_at', 'text').execute();

  // Append-only log of staff actions: no code path updates or deletes its rows.
  await db.schema
    .createTable('staff_actions')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('actor_name', 'text', (c) => c.notNull()) // kept: the log outlives accounts
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull()) // e.g. 'post:12', 'user:4', 'review:9'
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.createIndex('staff_actions_at').on('staff_actions').columns(['at']).execute();
  await db.schema.createIndex('staff_actions_target').on('staff_actions').columns(['target', 'at']).execute();

  // Watched words and phrases: plain text or a regular expression (checked for catastrophic
  // backtracking before it is saved), each with what happens to a post that has it.
  await db.schema
    .createTable('watched_words')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('pattern', 'text', (c) => c.notNull())
    .addColumn('is_regex', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('action', 'text', (c) => c.notNull()) // block | hold | censor | flag
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // Restrictions on accounts: silenced (read only) or suspended (signed out, cannot sign in) until a time, with the reason they are shown.
  await db.schema.alterTable('users').addColumn('silenced_until', 'text').execute();
  await db.schema.alterTable('users').addColumn('suspended_until', 'text').execute();
  await db.schema.alterTable('users').addColumn('restriction_reason', 'text', (c) => c.notNull().defaultTo('')).execute();

  // Small notices in a thread ("Moved from Billing by a moderator").
  await db.schema
    .createTable('topic_notices')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('topic_id', 'integer', (c) => c.notNull().references('topics.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('topic_notices_topic').on('topic_notices').columns(['topic_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('topic_notices').execute();
  for (const c of ['restriction_reason', 'suspended_until', 'silenced_until']) await db.schema.alterTable('users').dropColumn(c).execute();
  await db.schema.dropTable('watched_words').execute();
  await db.schema.dropTable('staff_actions').execute();
  await db.schema.alterTable('posts').dropColumn('hidden_at').execute();
  await db.schema.dropTable('review_items').execute();
  await db.schema.dropTable('post_reports').execute();
}
