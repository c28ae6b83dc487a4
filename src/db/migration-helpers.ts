import type { ColumnDefinitionBuilder } from 'kysely';
import type { Dialect } from './database.ts';

export interface MigrationContext {
  dialect: Dialect;
}

/** An auto-increment integer primary key, spelled the way each database wants it. */
export function idColumn(c: ColumnDefinitionBuilder, ctx: MigrationContext): ColumnDefinitionBuilder {
  return ctx.dialect === 'postgres'
    ? c.primaryKey().generatedByDefaultAsIdentity()
    : c.primaryKey().autoIncrement();
}
