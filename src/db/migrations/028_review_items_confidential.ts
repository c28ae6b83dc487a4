import type { Kysely } from 'kysely';
import type { MigrationContext } from '../migration-helpers.ts';

// Which review items stay with the global community team: whatever the confidentiality guard found
// in them (a draft it held, one its author sent to the team, or a first post or watched-word hold
// that also carries the guard's findings). Board moderators are members: before this column, the
// queue kept only reason 'guard' from them, so an employee's "ask the community team" draft with a
// customer's details reached a board moderator's queue, unmasked. Kept as a column so that the
// queue's list and its count filter on it in SQL. The rule is the one enqueueReview applies
// (holdsConfidential in src/moderation/queue-items.ts), written out here as it stood.
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('review_items').addColumn('confidential', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  const rows = await db.selectFrom('review_items').select(['id', 'reason', 'findings']).execute();
  for (const row of rows) {
    let findings: { type?: unknown }[] = [];
    try {
      const parsed: unknown = JSON.parse(row.findings || '[]');
      if (Array.isArray(parsed)) findings = parsed;
    } catch {
      findings = [{ type: 'unreadable' }]; // unknown content: the safe side
    }
    if (row.reason === 'guard' || row.reason === 'asked' || findings.some((f) => f.type !== 'watched_word')) await db.updateTable('review_items').set({ confidential: 1 }).where('id', '=', row.id).execute();
  }
}

export async function down(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('review_items').dropColumn('confidential').execute();
}
