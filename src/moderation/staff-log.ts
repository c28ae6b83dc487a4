// The staff action log (issue 13, point 9): append-only. This module only inserts and reads;
// nothing in Parley updates or deletes its rows. Values found by the guard are never written here.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { UserError, text } from '../shared/errors.ts';

export interface StaffAction {
  action: string;
  target: string;
  reason?: string;
  detail?: string;
}

/** Writes one line of the log (inside the caller's transaction when given one). */
export async function logStaffAction(db: Kysely<DB>, actor: Actor | null, entry: StaffAction): Promise<void> {
  const name = actor
    ? ((await db.selectFrom('users').select('username').where('id', '=', actor.id).executeTakeFirst())?.username ?? `user ${actor.id}`)
    : 'system';
  await db
    .insertInto('staff_actions')
    .values({ at: nowIso(), actor_id: actor?.id ?? null, actor_name: name, action: entry.action, target: entry.target, reason: (entry.reason ?? '').slice(0, 1000), detail: (entry.detail ?? '').slice(0, 1000) })
    .execute();
}

export interface LogQuery {
  actor?: string;
  target?: string;
  action?: string;
  from?: string;
  to?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Searches the log, newest first, by actor name, target, action and date range (inclusive days). */
export async function searchStaffLog(db: Kysely<DB>, actor: Actor | null, q: LogQuery, limit = 200) {
  authorize(actor, 'staffLog.view', null);
  for (const [k, v] of Object.entries(q)) {
    if (v !== undefined && (typeof v !== 'string' || v.length > 100)) throw new UserError(text('moderation:errors.logFieldTooLong', { field: k, max: 100 }), 400, k);
  }
  if (q.from && !DATE.test(q.from)) throw new UserError(text('moderation:errors.logFrom'), 400, 'from');
  if (q.to && !DATE.test(q.to)) throw new UserError(text('moderation:errors.logTo'), 400, 'to');
  let query = db.selectFrom('staff_actions').selectAll().orderBy('id', 'desc').limit(limit);
  if (q.actor) query = query.where('actor_name', '=', q.actor.trim().replace(/^@/, ''));
  if (q.target) query = query.where('target', '=', q.target.trim());
  if (q.action) query = query.where('action', '=', q.action.trim());
  if (q.from) query = query.where('at', '>=', `${q.from}T00:00:00.000Z`);
  if (q.to) query = query.where('at', '<=', `${q.to}T23:59:59.999Z`);
  return query.execute();
}

const cell = (v: unknown): string => {
  let s = String(v ?? '');
  // A cell starting with = + - @ would be a formula in a spreadsheet: quote it as text.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function staffLogCsv(rows: Awaited<ReturnType<typeof searchStaffLog>>): string {
  const head = ['id', 'at', 'actor', 'action', 'target', 'reason', 'detail'];
  return [head.join(','), ...rows.map((r) => [r.id, r.at, r.actor_name, r.action, r.target, r.reason, r.detail].map(cell).join(','))].join('\r\n') + '\r\n';
}
