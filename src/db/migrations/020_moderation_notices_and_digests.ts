import type { Kysely } from 'kysely';

// Moderation outcomes as notifications, and digest e-mails (issues 13 and 14).
//
// notifications: a moderation notice says what was decided (outcome), why (reason, as the
// moderator wrote it to this person), until when for a restriction, and the title of a draft
// that never became a topic (only its author is told). Such notices may have no topic.
// notification_settings: the digest choice (off | daily | weekly) and the period the last digest
// was sent for ('2026-12-03' or '2026-W49'): claimed with a conditional update, so a restart or a
// second server never sends a period twice.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').addColumn('outcome', 'text').execute();
  await db.schema.alterTable('notifications').addColumn('reason', 'text').execute();
  await db.schema.alterTable('notifications').addColumn('until_at', 'text').execute();
  await db.schema.alterTable('notifications').addColumn('subject_title', 'text').execute();
  await db.schema.alterTable('notification_settings').addColumn('digest', 'text', (c) => c.notNull().defaultTo('off')).execute();
  await db.schema.alterTable('notification_settings').addColumn('digest_period', 'text').execute();
  await db.schema.alterTable('notification_settings').addColumn('digest_sent_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const c of ['outcome', 'reason', 'until_at', 'subject_title']) await db.schema.alterTable('notifications').dropColumn(c).execute();
  for (const c of ['digest', 'digest_period', 'digest_sent_at']) await db.schema.alterTable('notification_settings').dropColumn(c).execute();
}
