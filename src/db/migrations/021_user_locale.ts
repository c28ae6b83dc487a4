import type { Kysely } from 'kysely';

// The language a person reads Parley in (issue 18): 'en', 'nl', or null for "as my browser
// asks" (Accept-Language). E-mails go out in it too (null: the site's default language).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('locale', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('locale').execute();
}
