import type { Kysely } from 'kysely';
import { idColumn, type MigrationContext } from '../migration-helpers.ts';

export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  // Private profile fields: shown to the owner and the roles the policy names, never in public.
  for (const column of ['real_name', 'phone', 'customer_number', 'avatar']) {
    await db.schema.alterTable('users').addColumn(column, 'text').execute();
  }

  // Employee guidelines, versioned; community managers publish a new version to ask again.
  await db.schema
    .createTable('guideline_versions')
    .addColumn('version', 'integer', (c) => c.primaryKey())
    .addColumn('body_markdown', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('guideline_acks')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull().references('guideline_versions.version'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('guideline_acks_pk', ['user_id', 'version'])
    .execute();

  // Every view of another person's private profile data by staff.
  await db.schema
    .createTable('private_data_views')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('viewer_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('subject_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('private_data_views_at').on('private_data_views').column('at').execute();
}
