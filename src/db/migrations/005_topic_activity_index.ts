import type { Kysely } from 'kysely';

// "Latest activity" on the home page reads topics across boards by last_post_at.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('topics_last_post_at').on('topics').column('last_post_at').execute();
}
