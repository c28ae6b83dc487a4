// Where each kind of notification goes, per person: in the app only, in the app and by e-mail,
// or nowhere. Missing choices take the defaults below (e-mail for what answers you, the app for
// the rest). @mentions follow their setting like every other kind: 'app' (the default) sends
// no e-mail.
import type { Kysely } from 'kysely';
import type { DB, NotificationKind } from '../db/schema.ts';
import { nowIso } from '../shared/clock.ts';
import { text, UserError } from '../shared/errors.ts';
import { en, type T } from '../i18n/index.ts';

export type Channel = 'app' | 'email' | 'off';
export const KINDS: readonly NotificationKind[] = ['reply', 'quote', 'mention', 'accepted', 'kudos', 'watched', 'reminder', 'report', 'moderated', 'draft', 'account'];
/** A kind's name in the settings table, the e-mails' footer and the unsubscribe page ('digest': the digest e-mail). */
export const kindLabel = (kind: NotificationKind | 'digest', t: T = en): string => t(`notifications:kinds.${kind}`);
/** English names of the kinds (for code outside a request). */
export const KIND_LABELS: Record<NotificationKind, string> = Object.fromEntries(KINDS.map((k) => [k, kindLabel(k)])) as Record<NotificationKind, string>;
// Moderation outcomes were e-mailed before they were notifications: e-mail stays their default.
const DEFAULTS: Record<NotificationKind, Channel> = {
  reply: 'email', quote: 'email', mention: 'app', accepted: 'email', kudos: 'app', watched: 'app', reminder: 'app', report: 'email', moderated: 'email', draft: 'email', account: 'email',
};

export type Preferences = Record<NotificationKind, Channel>;

const parse = (json: string | undefined): Partial<Preferences> => {
  try {
    const v = JSON.parse(json ?? '{}') as unknown;
    return v && typeof v === 'object' ? (v as Partial<Preferences>) : {};
  } catch {
    return {};
  }
};
const merged = (json: string | undefined): Preferences => {
  const p = parse(json);
  return Object.fromEntries(KINDS.map((k) => [k, ['app', 'email', 'off'].includes(p[k] as string) ? p[k]! : DEFAULTS[k]])) as Preferences;
};

export async function preferencesOf(db: Kysely<DB>, userId: number): Promise<Preferences> {
  const row = await db.selectFrom('notification_settings').select('per_kind').where('user_id', '=', userId).executeTakeFirst();
  return merged(row?.per_kind);
}

/** Everyone's choices among `userIds` (one query). */
export async function preferencesOfMany(db: Kysely<DB>, userIds: number[]): Promise<Map<number, Preferences>> {
  const rows = userIds.length ? await db.selectFrom('notification_settings').select(['user_id', 'per_kind']).where('user_id', 'in', userIds).execute() : [];
  const found = new Map(rows.map((r) => [r.user_id, r.per_kind]));
  return new Map(userIds.map((id) => [id, merged(found.get(id))]));
}

/** Saves choices; only known kinds and channels are accepted. */
export async function setPreferences(db: Kysely<DB>, userId: number, changes: Partial<Record<string, string>>): Promise<Preferences> {
  const current = await preferencesOf(db, userId);
  for (const [kind, channel] of Object.entries(changes)) {
    if (!KINDS.includes(kind as NotificationKind)) continue;
    if (channel !== 'app' && channel !== 'email' && channel !== 'off') throw new UserError(text('notifications:errors.channelChoice'), 400, kind);
    current[kind as NotificationKind] = channel;
  }
  const at = nowIso();
  const per_kind = JSON.stringify(current);
  await db
    .insertInto('notification_settings')
    .values({ user_id: userId, per_kind, updated_at: at })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ per_kind, updated_at: at }))
    .execute();
  return current;
}
