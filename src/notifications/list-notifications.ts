// A person's notifications, grouped ("3 new replies in …"), newest first. Read through the
// policy's board filter at read time too: a topic moved to a staff board, or deleted, since the
// notification was made drops out of the list and the count.
import type { Kysely } from 'kysely';
import type { DB, NotificationKind } from '../db/schema.ts';
import { visibleBoardKinds, type Actor } from '../policy/policy.ts';
import { POSTS_PER_PAGE } from '../community/show-topic.ts';
import { describeNotice, isModerationKind } from './notify-moderation.ts';
import { en, type T } from '../i18n/index.ts';

export const KEEP_DAYS = 90;
const SHOWN = 200;

const since = (now: number) => new Date(now - KEEP_DAYS * 86_400_000).toISOString();

function visible(db: Kysely<DB>, actor: Actor, now: number, from = since(now)) {
  return db
    .selectFrom('notifications as n')
    .leftJoin('topics as t', 't.id', 'n.topic_id')
    .leftJoin('boards as b', 'b.id', 't.board_id')
    .leftJoin('posts as p', 'p.id', 'n.post_id')
    .where('n.user_id', '=', actor.id)
    .where('n.created_at', '>=', from)
    // Moderation notices may have no topic; those that have one follow its visibility.
    .where((eb) => eb.or([eb('n.topic_id', 'is', null), eb.and([eb('t.deleted_at', 'is', null), eb('b.visibility', 'in', visibleBoardKinds(actor))])]))
    .where((eb) => eb.or([eb('n.post_id', 'is', null), eb.and([eb('p.deleted_at', 'is', null), eb('p.hidden_at', 'is', null)])]));
}

/** The bell's count as a query (also run inside src/accounts/signed-in-facts.ts); `from`: the
 * oldest creation time counted (a parameter for a query compiled once). */
export function unreadCountQuery(db: Kysely<DB>, actor: Actor, now = Date.now(), from = since(now)) {
  return visible(db, actor, now, from).where('n.read_at', 'is', null).select((eb) => eb.fn.countAll<number>().as('n'));
}

/** The oldest notification kept (and counted) at `now`. */
export const keptSince = since;

/** Unread notifications, for the bell. */
export async function unreadCount(db: Kysely<DB>, actor: Actor, now = Date.now()): Promise<number> {
  const row = await unreadCountQuery(db, actor, now).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export interface NotificationGroup {
  kind: NotificationKind;
  unread: boolean;
  count: number;
  /** Display names; null for a deleted account (named in the reader's language). */
  actors: (string | null)[];
  /** Null for a moderation notice about no topic (an account restriction, a draft not published). */
  topic: { id: number; title: string; slug: string } | null;
  /** Moderation notices: what was decided, why, until when, a draft's own title. */
  notice?: { outcome: string | null; reason: string | null; until_at: string | null; title: string | null };
  /** The first post of the group (the oldest), to read on from there. */
  url: string;
  latestAt: string;
  ids: number[];
}

export async function listNotifications(db: Kysely<DB>, actor: Actor, now = Date.now()): Promise<NotificationGroup[]> {
  const rows = await visible(db, actor, now)
    .leftJoin('users as a', 'a.id', 'n.actor_id')
    .select([
      'n.id', 'n.kind', 'n.created_at', 'n.read_at', 'n.topic_id', 't.title', 't.slug', 'p.post_number', 'a.display_name as actor_name', 'a.deleted_at as actor_deleted',
      'n.outcome', 'n.reason', 'n.until_at', 'n.subject_title',
    ])
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id', 'desc')
    .limit(SHOWN)
    .execute();
  // Grouped by kind and topic, unread apart from read, in the order of each group's newest;
  // moderation notices each stand alone (each has its own outcome and reason).
  const groups = new Map<string, NotificationGroup & { firstPost: number }>();
  for (const r of rows) {
    const unread = r.read_at === null;
    const notice = isModerationKind(r.kind);
    const key = notice ? `n:${r.id}` : `${unread ? 'u' : 'r'}:${r.kind}:${r.topic_id}`;
    let g = groups.get(key);
    if (!g) {
      const topic = r.topic_id !== null && r.title !== null && r.slug !== null ? { id: r.topic_id, title: r.title, slug: r.slug } : null;
      g = { kind: r.kind, unread, count: 0, actors: [], topic, url: '', latestAt: r.created_at, ids: [], firstPost: r.post_number ?? 1 };
      if (notice) g.notice = { outcome: r.outcome, reason: r.reason, until_at: r.until_at, title: r.subject_title };
      groups.set(key, g);
    }
    g.count++;
    g.ids.push(r.id);
    g.firstPost = Math.min(g.firstPost, r.post_number ?? 1);
    const name = r.actor_name && !r.actor_deleted ? r.actor_name : null;
    if (!g.actors.includes(name)) g.actors.push(name);
  }
  return [...groups.values()].map(({ firstPost, ...g }) => ({ ...g, url: urlOf(g, firstPost) }));
}

/** Where a notification leads: the post in its topic, or for topic-less notices the page that explains. */
export function urlOf(g: Pick<NotificationGroup, 'kind' | 'topic'>, postNumber: number): string {
  if (!g.topic) return g.kind === 'draft' ? '/my/drafts' : g.kind === 'account' ? '/settings' : '/notifications';
  const page = Math.ceil(postNumber / POSTS_PER_PAGE);
  return `/t/${g.topic.slug}/${g.topic.id}${page > 1 ? `?page=${page}` : ''}#post-${postNumber}`;
}

/** Marks notifications read: the given ones, or all of a topic's (the topic page was opened). */
export async function markRead(db: Kysely<DB>, actor: Actor, what: { ids?: number[]; topicId?: number }, at = new Date().toISOString()): Promise<number> {
  if (what.ids && what.ids.length === 0) return 0;
  let q = db.updateTable('notifications').set({ read_at: at }).where('user_id', '=', actor.id).where('read_at', 'is', null);
  if (what.ids) q = q.where('id', 'in', what.ids.slice(0, 1000));
  if (what.topicId !== undefined) q = q.where('topic_id', '=', what.topicId);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Notifications are kept 90 days. */
export async function purgeOldNotifications(db: Kysely<DB>, now = Date.now()): Promise<number> {
  const r = await db.deleteFrom('notifications').where('created_at', '<', since(now)).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** "3 new replies in", "Ann and Bo mentioned you in", … in the reader's language (`t`). */
export function describeGroup(g: Pick<NotificationGroup, 'kind' | 'count' | 'actors' | 'notice'>, t: T = en): string {
  if (isModerationKind(g.kind)) return describeNotice({ kind: g.kind, outcome: g.notice?.outcome ?? null, until_at: g.notice?.until_at ?? null }, t);
  const names = g.actors.map((a) => a ?? t('notifications:who.deletedUser'));
  const who =
    names.length <= 1 ? (names[0] ?? '')
    : names.length === 2 ? t('notifications:who.two', { first: names[0], second: names[1] })
    : t('notifications:who.more', { first: names[0], second: names[1], count: names.length - 2 });
  const { count } = g;
  switch (g.kind) {
    case 'reply':
      return count === 1 ? t('notifications:group.replyOne', { who }) : t('notifications:group.replyMany', { count });
    case 'watched':
      return count === 1 ? t('notifications:group.watchedOne', { who }) : t('notifications:group.watchedMany', { count });
    case 'mention':
      return t('notifications:group.mention', { who });
    case 'quote':
      return t('notifications:group.quote', { who });
    case 'accepted':
      return t('notifications:group.accepted', { who });
    case 'kudos':
      return count === 1 ? t('notifications:group.kudosOne', { who }) : t('notifications:group.kudosMany', { who, count });
    case 'reminder':
      return t('notifications:group.reminder', { count });
  }
}
