// A person's notifications, grouped ("3 new replies in …"), newest first. Read through the
// policy's board filter at read time too: a topic moved to a staff board, or deleted, since the
// notification was made drops out of the list and the count.
import type { Kysely } from 'kysely';
import type { DB, NotificationKind } from '../db/schema.ts';
import { visibleBoardKinds, type Actor } from '../policy/policy.ts';
import { POSTS_PER_PAGE } from '../community/show-topic.ts';

export const KEEP_DAYS = 90;
const SHOWN = 200;

const since = (now: number) => new Date(now - KEEP_DAYS * 86_400_000).toISOString();

function visible(db: Kysely<DB>, actor: Actor, now: number) {
  return db
    .selectFrom('notifications as n')
    .innerJoin('topics as t', 't.id', 'n.topic_id')
    .innerJoin('boards as b', 'b.id', 't.board_id')
    .leftJoin('posts as p', 'p.id', 'n.post_id')
    .where('n.user_id', '=', actor.id)
    .where('n.created_at', '>=', since(now))
    .where('t.deleted_at', 'is', null)
    .where('b.visibility', 'in', visibleBoardKinds(actor))
    .where((eb) => eb.or([eb('n.post_id', 'is', null), eb('p.deleted_at', 'is', null)]));
}

/** The bell's count as a query (also run inside src/accounts/signed-in-facts.ts). */
export function unreadCountQuery(db: Kysely<DB>, actor: Actor, now = Date.now()) {
  return visible(db, actor, now).where('n.read_at', 'is', null).select((eb) => eb.fn.countAll<number>().as('n'));
}

/** Unread notifications, for the bell. */
export async function unreadCount(db: Kysely<DB>, actor: Actor, now = Date.now()): Promise<number> {
  const row = await unreadCountQuery(db, actor, now).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export interface NotificationGroup {
  kind: NotificationKind;
  unread: boolean;
  count: number;
  actors: string[];
  topic: { id: number; title: string; slug: string };
  /** The first post of the group (the oldest), to read on from there. */
  url: string;
  latestAt: string;
  ids: number[];
}

export async function listNotifications(db: Kysely<DB>, actor: Actor, now = Date.now()): Promise<NotificationGroup[]> {
  const rows = await visible(db, actor, now)
    .leftJoin('users as a', 'a.id', 'n.actor_id')
    .select(['n.id', 'n.kind', 'n.created_at', 'n.read_at', 't.id as topic_id', 't.title', 't.slug', 'p.post_number', 'a.display_name as actor_name', 'a.deleted_at as actor_deleted'])
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id', 'desc')
    .limit(SHOWN)
    .execute();
  // Grouped by kind and topic, unread apart from read, in the order of each group's newest.
  const groups = new Map<string, NotificationGroup & { firstPost: number }>();
  for (const r of rows) {
    const unread = r.read_at === null;
    const key = `${unread ? 'u' : 'r'}:${r.kind}:${r.topic_id}`;
    let g = groups.get(key);
    if (!g) {
      g = { kind: r.kind, unread, count: 0, actors: [], topic: { id: r.topic_id, title: r.title, slug: r.slug }, url: '', latestAt: r.created_at, ids: [], firstPost: r.post_number ?? 1 };
      groups.set(key, g);
    }
    g.count++;
    g.ids.push(r.id);
    g.firstPost = Math.min(g.firstPost, r.post_number ?? 1);
    const name = r.actor_name && !r.actor_deleted ? r.actor_name : 'a deleted user';
    if (!g.actors.includes(name)) g.actors.push(name);
  }
  return [...groups.values()].map(({ firstPost, ...g }) => {
    const page = Math.ceil(firstPost / POSTS_PER_PAGE);
    return { ...g, url: `/t/${g.topic.slug}/${g.topic.id}${page > 1 ? `?page=${page}` : ''}#post-${firstPost}` };
  });
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

/** "3 new replies in", "Ann and Bo mentioned you in", … */
export function describeGroup(g: Pick<NotificationGroup, 'kind' | 'count' | 'actors'>): string {
  const who = g.actors.length <= 2 ? g.actors.join(' and ') : `${g.actors.slice(0, 2).join(', ')} and ${g.actors.length - 2} more`;
  switch (g.kind) {
    case 'reply':
      return g.count === 1 ? `${who} replied to your topic` : `${g.count} new replies to your topic`;
    case 'watched':
      return g.count === 1 ? `${who} posted in a topic you watch` : `${g.count} new replies in a topic you watch`;
    case 'mention':
      return `${who} mentioned you`;
    case 'quote':
      return `${who} quoted you`;
    case 'accepted':
      return `${who} accepted your answer`;
    case 'kudos':
      return g.count === 1 ? `${who} gave kudos to your post` : `${who} gave kudos to your posts (${g.count})`;
  }
}
