import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

// Uploaded files (avatars) in the database, where every Parley server sees them (issue 15): they
// are small re-encoded images. Keyed by their path ("avatars/12-ab34….webp"); the ETag is kept so
// that a conditional request (If-None-Match) is answered without reading the bytes.
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('stored_files')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('byte_size', 'integer', (c) => c.notNull())
    .addColumn('etag', 'text', (c) => c.notNull())
    .addColumn('bytes', ctx.dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('stored_files').execute();
}
