import { sql, type Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

// PostgreSQL: vacuum `topics` after 2 % of its rows changed, not PostgreSQL's default 20 %. Every
// reply and every view-count flush (src/community/view-counter.ts) rewrites topic rows, and each
// rewrite clears its page's all-visible bit, after which the board listings' index-only scans visit
// the table for every topic on that page until a vacuum sets the bit again. Measured on 1 M posts
// after the page benchmark's views (4,852 dead rows, under 20 % of 50,000): page 300 by number read
// 6,398 table rows besides the index, 4.98 ms; after a VACUUM 0 rows, 1.28 ms. The table is small
// (50,000 rows at 1 M posts), so vacuuming it often costs little. Needs autovacuum on (the default).
const SETTINGS = sql`autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02`;

export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect === 'postgres') await sql`alter table topics set (${SETTINGS})`.execute(db);
}

export async function down(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect === 'postgres') await sql`alter table topics reset (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor)`.execute(db);
}
