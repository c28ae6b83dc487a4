// Tracking what a signed-in person has read: the highest post number of each topic they opened
// (recorded after the topic page is sent), unread counts beside topics in lists, and a link to
// the first unread post on the topic page.
import type { Kysely } from 'kysely';
import type { WatchLevel } from './watch.ts';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { POSTS_PER_PAGE } from '../community/show-topic.ts';
import { nowIso } from '../shared/clock.ts';
import { P1, P2, P3, preparedQuery, S1 } from '../db/prepared.ts';

/**
 * Records that a topic was read up to post `lastShown` (the last post number of the page sent;
 * never moves backwards). One statement: a signed-in topic view used to cost a read, then a
 * transaction with another read and a write (issue 19); the page skips even this when the
 * reader's known position already covers the page (readUpToSkips).
 */
export async function recordRead(db: Kysely<DB>, actor: Actor, topicId: number, lastShown: number): Promise<void> {
  if (!(lastShown >= 1)) return;
  await upsertRead(db, actor.id, topicId, lastShown, nowIso());
}

// Built and compiled once (src/db/prepared.ts): Kysely's build of this upsert was ~50 µs of every
// signed-in view that moved the reader's position.
const upsertRead = preparedQuery([P1, P2, P3, S1] as [number, number, number, string], (db, userId, topicId, lastShown, at) =>
  db.insertInto('topic_reads').values({ user_id: userId, topic_id: topicId, last_read_post_number: lastShown, updated_at: at })
    .onConflict((oc) => oc.columns(['user_id', 'topic_id'])
      .doUpdateSet((eb) => ({ last_read_post_number: eb.ref('excluded.last_read_post_number'), updated_at: eb.ref('excluded.updated_at') }))
      .where((eb) => eb('topic_reads.last_read_post_number', '<', eb.ref('excluded.last_read_post_number')))));

/** Whether sending a page that ends at post `lastShown` leaves nothing to record: the reader had
 * read that far before (`lastRead`, read with the page). Re-reading costs no write. */
export function readUpToSkips(lastRead: number | null, lastShown: number | undefined): boolean {
  return lastShown === undefined || (lastRead !== null && lastRead >= lastShown);
}

/** For topics the person has opened before: how many posts came after what they read. */
export async function unreadByTopic(db: Kysely<DB>, actor: Actor, topics: { id: number; post_count: number }[]): Promise<Map<number, number>> {
  if (!topics.length) return new Map();
  const reads = await db.selectFrom('topic_reads').select(['topic_id', 'last_read_post_number']).where('user_id', '=', actor.id).where('topic_id', 'in', topics.map((t) => t.id)).execute();
  return unreadFrom(topics, reads.map((r) => [r.topic_id, r.last_read_post_number]));
}

/** unreadByTopic's counts from the person's reads of those topics ([topic id, last post number read]),
 * read by the caller (the board page's one statement on PostgreSQL, src/community/board-page-postgres.ts). */
export function unreadFrom(topics: { id: number; post_count: number }[], reads: [number, number][]): Map<number, number> {
  const out = new Map<number, number>();
  const last = new Map(reads);
  for (const t of topics) {
    const read = last.get(t.id);
    if (read !== undefined && t.post_count > read) out.set(t.id, t.post_count - read);
  }
  return out;
}

/** The first post after what the person read, if they read some of the topic before and there is more. */
export async function firstUnread(db: Kysely<DB>, actor: Actor, topic: { id: number; slug: string }): Promise<{ postNumber: number; url: string } | null> {
  const read = await db.selectFrom('topic_reads').select('last_read_post_number').where('user_id', '=', actor.id).where('topic_id', '=', topic.id).executeTakeFirst();
  if (!read) return null;
  const next = await db.selectFrom('posts').select('post_number').where('topic_id', '=', topic.id).where('post_number', '>', read.last_read_post_number).where('deleted_at', 'is', null).orderBy('post_number').limit(1).executeTakeFirst();
  if (!next) return null;
  const page = Math.ceil(next.post_number / POSTS_PER_PAGE);
  return { postNumber: next.post_number, url: `/t/${topic.slug}/${topic.id}${page > 1 ? `?page=${page}` : ''}#post-${next.post_number}` };
}

/**
 * A signed-in reader's facts on a topic page in one statement: the first unread post (as
 * firstUnread) and their watch level (as watchLevel). Two queries each before: four round trips
 * on PostgreSQL on every signed-in topic view (issue 19).
 */
export async function readerOnTopic(db: Kysely<DB>, actor: Actor, topic: { id: number; slug: string }): Promise<ReaderOnTopic> {
  const [row] = await readerQuery(db, actor.id, topic.id);
  return readerFacts(topic, row?.next_unread, row?.watch_level, row?.last_read);
}

// Compiled once (src/db/prepared.ts): every signed-in topic view on SQLite runs it.
const readerQuery = preparedQuery([P1, P2] as [number, number], (db, userId, topicId) =>
  db.selectNoFrom((eb) => [
    // No row read yet: the comparison with NULL matches nothing, so no first unread post.
    eb.selectFrom('posts').select('post_number').where('topic_id', '=', topicId).where('deleted_at', 'is', null)
      .where('post_number', '>', eb.selectFrom('topic_reads').select('last_read_post_number').where('user_id', '=', userId).where('topic_id', '=', topicId))
      .orderBy('post_number').limit(1).as('next_unread'),
    eb.selectFrom('watches').select('level').where('user_id', '=', userId).where('target', '=', 'topic').where('target_id', '=', topicId).as('watch_level'),
    eb.selectFrom('topic_reads').select('last_read_post_number').where('user_id', '=', userId).where('topic_id', '=', topicId).as('last_read'),
  ]),
);

export interface ReaderOnTopic {
  firstUnread: { postNumber: number; url: string } | null;
  watch: WatchLevel;
  /** The last post number they had read before this view (null: never opened). */
  lastRead: number | null;
}

/** readerOnTopic's answer from its values (the first unread post's number, the watch level, the
 * last post read), when they were read with the page (src/community/topic-page-postgres.ts). */
export function readerFacts(topic: { id: number; slug: string }, nextUnread: unknown, watchLevel: unknown, lastRead: unknown): ReaderOnTopic {
  const next = nextUnread === null || nextUnread === undefined ? null : Number(nextUnread);
  const page = next === null ? 1 : Math.ceil(next / POSTS_PER_PAGE);
  return {
    firstUnread: next === null ? null : { postNumber: next, url: `/t/${topic.slug}/${topic.id}${page > 1 ? `?page=${page}` : ''}#post-${next}` },
    watch: (watchLevel as WatchLevel | null) ?? 'default',
    lastRead: lastRead === null || lastRead === undefined ? null : Number(lastRead),
  };
}
