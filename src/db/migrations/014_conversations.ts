import type { Kysely } from 'kysely';
import { idColumn, type MigrationContext } from '../migration-helpers.ts';

// Private conversations (issue 20, src/conversations). Never public: no feed, sitemap, search
// or cached page reads these tables.
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('conversations')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    // "Message the team": the community team (moderators, community managers, admins) reads and answers as a group.
    .addColumn('team', 'integer', (c) => c.notNull().defaultTo(0))
    // "Continue in private": the public topic it came from.
    .addColumn('topic_id', 'integer', (c) => c.references('topics.id').onDelete('set null'))
    .addColumn('summary_post_id', 'integer')
    // Set when a participant reported it: from then on moderators may read it (each access logged).
    .addColumn('reported_at', 'text')
    .addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0))
    // Unread = last_message_id above the participant's last_read_message_id: no count per view.
    .addColumn('last_message_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_message_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('conversations_team').on('conversations').columns(['team', 'last_message_at']).execute();
  await db.schema.createIndex('conversations_topic').on('conversations').column('topic_id').execute();

  await db.schema
    .createTable('conversation_participants')
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // The id of the last message this participant has seen (read state without a row per message).
    .addColumn('last_read_message_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('muted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('left_at', 'text')
    .addColumn('joined_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('conversation_participants_pk', ['conversation_id', 'user_id'])
    .execute();
  // The inbox: one index range per person.
  await db.schema.createIndex('conversation_participants_user').on('conversation_participants').columns(['user_id', 'conversation_id']).execute();

  await db.schema
    .createTable('conversation_messages')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('body_markdown', 'text', (c) => c.notNull())
    // Rendered and sanitised once at write time, like posts.
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('conversation_messages_conv').on('conversation_messages').columns(['conversation_id', 'id']).execute();
  await db.schema.createIndex('conversation_messages_user').on('conversation_messages').columns(['user_id', 'created_at']).execute();
  // The retention purge deletes by age.
  await db.schema.createIndex('conversation_messages_at').on('conversation_messages').column('created_at').execute();

  // Text attachments of messages (the text itself, as for posts: same transaction as the message).
  await db.schema
    .createTable('conversation_attachments')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('message_id', 'integer', (c) => c.notNull().references('conversation_messages.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('byte_size', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('conversation_attachments_message').on('conversation_attachments').columns(['message_id', 'position']).execute();

  // Reports of a conversation or one of its messages by a participant, for the moderators.
  await db.schema
    .createTable('conversation_reports')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('conversation_id', 'integer', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('message_id', 'integer', (c) => c.references('conversation_messages.id').onDelete('set null'))
    .addColumn('reporter_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open')) // open | closed
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('conversation_reports_status').on('conversation_reports').columns(['status', 'created_at']).execute();

  // A member's account linked by the community team to a record of the customer register:
  // only the keyed hash of the identifying value (as in the register), never the value.
  await db.schema
    .createTable('customer_links')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('value_hash', 'text', (c) => c.notNull())
    .addColumn('linked_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('linked_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('customer_links_pk', ['user_id', 'field', 'value_hash'])
    .execute();

  // The access log also records staff reading a reported conversation.
  await db.schema.alterTable('private_data_views').addColumn('conversation_id', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('private_data_views').dropColumn('conversation_id').execute();
  for (const t of ['customer_links', 'conversation_reports', 'conversation_attachments', 'conversation_messages', 'conversation_participants', 'conversations']) await db.schema.dropTable(t).execute();
}
