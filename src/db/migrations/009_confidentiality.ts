import type { Kysely } from 'kysely';
import { idColumn, type MigrationContext } from '../migration-helpers.ts';

// The confidentiality guard's tables (src/confidentiality). Nothing here holds plaintext customer
// data or document text: the customer register is stored as the guard library's serialised keyed
// hashes (HMAC-SHA-256, installation secret), documents as fingerprint hashes plus metadata.
// Guard settings and the reload version counter live in `settings` (guard_policy, guard_options,
// guard_version).
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  const bytes = ctx.dialect === 'postgres' ? 'bytea' : 'blob';

  // One row per import generation; only the newest is used (older ones are deleted on import).
  await db.schema
    .createTable('guard_customer_generations')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('record_count', 'integer', (c) => c.notNull())
    .addColumn('entry_count', 'integer', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addColumn('imported_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  // CustomerRegister.serialize() bytes, split in chunks (a 1 M-record register is ~70 MB).
  await db.schema
    .createTable('guard_customer_chunks')
    .addColumn('generation_id', 'integer', (c) => c.notNull().references('guard_customer_generations.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('bytes', bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('guard_customer_chunks_pk', ['generation_id', 'seq'])
    .execute();

  await db.schema
    .createTable('guard_documents')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull()) // confidential | public
    .addColumn('added_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('fingerprint_count', 'integer', (c) => c.notNull())
    .addColumn('fingerprints', bytes, (c) => c.notNull()) // Float64 little-endian hashes, no text
    .execute();

  // Audit log of every guard decision: who, where, finding types with counts, decision. Never values.
  await db.schema
    .createTable('guard_decisions')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('where', 'text', (c) => c.notNull()) // topic | reply | edit | bio | article | check
    .addColumn('target', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('finding_types', 'text', (c) => c.notNull().defaultTo('[]')) // JSON [{type, count}]
    .addColumn('decision', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('guard_decisions_at').on('guard_decisions').column('at').execute();

  // Unmasked originals of masked posts, for moderators only, purged after policy.maskRetentionDays.
  await db.schema
    .createTable('masked_originals')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('post_id', 'integer', (c) => c.references('posts.id').onDelete('cascade'))
    .addColumn('revision', 'integer') // null: the post itself; n: post_revisions.revision n
    .addColumn('original_title', 'text')
    .addColumn('original_markdown', 'text', (c) => c.notNull())
    .addColumn('masked_at', 'text', (c) => c.notNull())
    .addColumn('purge_after', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('masked_originals_post').on('masked_originals').column('post_id').execute();
  await db.schema.createIndex('masked_originals_purge').on('masked_originals').column('purge_after').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['masked_originals', 'guard_decisions', 'guard_documents', 'guard_customer_chunks', 'guard_customer_generations']) {
    await db.schema.dropTable(t).execute();
  }
}
