import { sql, type Kysely } from 'kysely';

// Whether any post of a topic ever had an attachment: most topics have none, and then the topic
// page skips the attachments lookup (set when one is stored, never cleared: a stale 1 only costs
// that lookup).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('topics').addColumn('has_attachments', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await sql`update topics set has_attachments = 1 where id in (select posts.topic_id from posts join attachments on attachments.post_id = posts.id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('topics').dropColumn('has_attachments').execute();
}
