import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

// Two-step verification (TOTP, RFC 6238): a password alone no longer signs in to an account that
// turned it on. A row with enabled_at null is a set-up begun and not yet confirmed with a code.
// last_step: the 30-second step of the last code accepted, so that a code seen over a shoulder or
// in a proxy log cannot be used again. Backup codes are kept as hashes, each usable once.
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('two_factor')
    .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('enabled_at', 'text')
    .addColumn('last_step', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('two_factor_backup_codes')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addPrimaryKeyConstraint('two_factor_backup_codes_pk', ['user_id', 'code_hash'])
    .execute();
}

export async function down(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.dropTable('two_factor_backup_codes').execute();
  await db.schema.dropTable('two_factor').execute();
}
