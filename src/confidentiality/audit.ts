// The audit log of guard decisions (issue 5, point 7): who, where, which finding types (with
// counts), and the decision. The sensitive values, the spans' text and even the reasons are
// never written here.
import type { Kysely } from 'kysely';
import type { DB, GuardDecisionsTable } from '../db/schema.ts';
import type { Finding, GuardAction } from '../guard/index.ts';
import { nowIso } from '../shared/clock.ts';

export type AuditWhere = GuardDecisionsTable['where'];

export function findingTypeCounts(findings: readonly Pick<Finding, 'type'>[]): Array<{ type: string; count: number }> {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.type, (counts.get(f.type) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0].localeCompare(b[0])).map(([type, count]) => ({ type, count }));
}

export async function recordGuardDecision(
  db: Kysely<DB>,
  entry: { actorId: number | null; where: AuditWhere; target: string; findings: readonly Pick<Finding, 'type'>[]; decision: GuardAction | 'asked' | string },
): Promise<void> {
  await db
    .insertInto('guard_decisions')
    .values({
      at: nowIso(),
      actor_id: entry.actorId,
      where: entry.where,
      target: entry.target.slice(0, 200),
      finding_types: JSON.stringify(findingTypeCounts(entry.findings)),
      decision: entry.decision,
    })
    .execute();
  for (const listener of decisionListeners) listener(entry.decision, entry.findings);
}

type DecisionListener = (decision: string, findings: readonly Pick<Finding, 'type'>[]) => void;
const decisionListeners = new Set<DecisionListener>();

/** Told of every decision recorded by this process (metrics); returns a function that stops it. */
export function onGuardDecision(listener: DecisionListener): () => void {
  decisionListeners.add(listener);
  return () => decisionListeners.delete(listener);
}

export async function listGuardDecisions(db: Kysely<DB>, limit = 100) {
  const rows = await db.selectFrom('guard_decisions').selectAll().orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ ...r, finding_types: JSON.parse(r.finding_types) as Array<{ type: string; count: number }> }));
}
