// Moderator actions on accounts (issue 13, point 7): warn (a notification and a log line), silence
// (read only) or suspend (signed out everywhere, cannot sign in) until a date, with a reason the
// person is shown; or lift a restriction. From the profile page and `parley user suspend`.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, isStaff, type Actor } from '../policy/policy.ts';
import { UserError, NotFoundError, text, type Text } from '../shared/errors.ts';
import { rolesOf } from '../accounts/find-user.ts';
import { destroyUserSessions } from '../accounts/sessions.ts';
import { logStaffAction } from './staff-log.ts';
import { notifyModeration } from '../notifications/notify-moderation.ts';

export const RESTRICT_ACTIONS = ['warn', 'silence', 'suspend', 'lift'] as const;
export type RestrictAction = (typeof RESTRICT_ACTIONS)[number];
export const RESTRICT_REASON_MAX = 500;

/** "2027-01-31" (end of that day, UTC) or a full ISO time; in the future, within ten years. */
export function parseUntil(raw: string | undefined, now = Date.now()): string {
  const s = (raw ?? '').trim();
  const t = /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(`${s}T23:59:59.999Z`) : /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(s) ? Date.parse(s) : NaN;
  if (Number.isNaN(t)) throw new UserError(text('moderation:errors.untilFormat'), 400, 'until');
  if (t <= now) throw new UserError(text('moderation:errors.untilFuture'), 400, 'until');
  if (t > now + 3650 * 86_400_000) throw new UserError(text('moderation:errors.untilTenYears'), 400, 'until');
  return new Date(t).toISOString();
}

/** The restriction an account has now, if any (for sign-in, posting and the profile). */
export async function standingOf(db: Kysely<DB>, userId: number, now = new Date().toISOString()) {
  const u = await db.selectFrom('users').select(['silenced_until', 'suspended_until', 'restriction_reason']).where('id', '=', userId).executeTakeFirst();
  if (!u) return null;
  if (u.suspended_until && u.suspended_until > now) return { kind: 'suspended' as const, until: u.suspended_until, reason: u.restriction_reason };
  if (u.silenced_until && u.silenced_until > now) return { kind: 'silenced' as const, until: u.silenced_until, reason: u.restriction_reason };
  return null;
}

export const describeStanding = (s: { kind: 'suspended' | 'silenced'; until: string; reason: string }): Text =>
  text(s.kind === 'suspended' ? 'moderation:errors.accountSuspended' : 'moderation:errors.accountReadOnly', { until: s.until.slice(0, 10), reason: s.reason });

export async function restrictUser(
  db: Kysely<DB>,
  actor: Actor | null,
  input: { userId: number; action: string; until?: string; reason: string },
): Promise<void> {
  const target = await db.selectFrom('users').select(['id', 'username', 'email', 'display_name', 'deleted_at']).where('id', '=', input.userId).executeTakeFirst();
  if (!target || target.deleted_at) throw new NotFoundError(text('moderation:errors.noSuchUser'));
  const roles = await rolesOf(db, target.id);
  // actor null: the command line, run by whoever operates the installation.
  if (actor) authorize(actor, 'user.restrict', { id: target.id, staff: isStaff({ id: target.id, roles: new Set(roles) }) });
  if (!(RESTRICT_ACTIONS as readonly string[]).includes(input.action)) throw new UserError(text('moderation:errors.chooseOneOf', { options: RESTRICT_ACTIONS.join(', ') }), 400, 'action');
  const action = input.action as RestrictAction;
  const reason = (input.reason ?? '').replace(/\s+/g, ' ').trim();
  if (!reason) throw new UserError(text('moderation:errors.restrictReason'), 400, 'reason');
  if (reason.length > RESTRICT_REASON_MAX) throw new UserError(text('moderation:errors.reasonMax', { max: RESTRICT_REASON_MAX }), 400, 'reason');
  const until = action === 'silence' || action === 'suspend' ? parseUntil(input.until) : null;

  if (action === 'silence') await db.updateTable('users').set({ silenced_until: until, restriction_reason: reason }).where('id', '=', target.id).execute();
  if (action === 'suspend') {
    await db.updateTable('users').set({ suspended_until: until, restriction_reason: reason }).where('id', '=', target.id).execute();
    await destroyUserSessions(db, target.id);
  }
  if (action === 'lift') await db.updateTable('users').set({ suspended_until: null, silenced_until: null, restriction_reason: '' }).where('id', '=', target.id).execute();
  await logStaffAction(db, actor, { action: `user.${action}`, target: `user:${target.id}`, reason, detail: until ? `until ${until}` : '' });

  // The person hears it with the reason and the end date, in the app and by e-mail (at once:
  // a suspended member cannot sign in to see it), unless they turned the kind off.
  await notifyModeration(db, { userId: target.id, kind: 'account', outcome: action, reason, until });
}
