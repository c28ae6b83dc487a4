import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  // Accounts linked to a company OpenID Connect provider: the issuer URL and the provider's
  // stable subject identifier ("sub") name one person, whatever their e-mail address becomes.
  await db.schema
    .createTable('user_identities')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_identities_pk', ['provider', 'subject'])
    .execute();
  await db.schema.createIndex('user_identities_user').on('user_identities').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('user_identities').execute();
}
