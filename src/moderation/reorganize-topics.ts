// Moderator actions on topics (issue 13, point 7): move a topic to another board, merge one topic
// into another, split replies into a new topic. Each leaves a small notice in the threads and a
// line in the staff log; counters follow in the same transaction.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, can, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, UserError, text } from '../shared/errors.ts';
import { slugify } from '../shared/slug.ts';
import { LIMITS } from '../publish/pipeline.ts';
import { logStaffAction } from './staff-log.ts';
import { en } from '../i18n/index.ts';
import { indexTopic } from '../search/index-document.ts';
import { recomputeBoardLatest } from '../community/board-latest.ts';

async function loadTopic(db: Kysely<DB>, actor: Actor, id: number) {
  const t = await db
    .selectFrom('topics')
    .innerJoin('boards', 'boards.id', 'topics.board_id')
    .select(['topics.id', 'topics.title', 'topics.slug', 'topics.board_id', 'topics.post_count', 'topics.locked', 'topics.closed', 'topics.deleted_at', 'topics.solved_post_id', 'boards.visibility', 'boards.name as board_name'])
    .where('topics.id', '=', id)
    .executeTakeFirst();
  const subject = t && { board: { visibility: t.visibility, id: t.board_id }, locked: !!t.locked, closed: !!t.closed, deleted: !!t.deleted_at };
  if (!t || !subject || !can(actor, 'topic.view', subject)) throw new NotFoundError(text('moderation:errors.noSuchTopic'));
  authorize(actor, 'topic.moderate', subject);
  if (t.deleted_at) throw new UserError(text('moderation:errors.topicDeleted'), 409);
  return t;
}

/** A notice in the thread, as a catalogue key and its values: each reader sees it in their own
 * language (the topic page translates it); `text` keeps the English words, as older rows have. */
const notice = (db: Kysely<DB>, topicId: number, key: string, params: Record<string, string | number>) =>
  db.insertInto('topic_notices').values({ topic_id: topicId, text: en(key, params), notice_key: key, notice_params: JSON.stringify(params), created_at: nowIso() }).execute();

export async function moveTopic(db: Kysely<DB>, actor: Actor, topicId: number, boardSlug: string): Promise<void> {
  const t = await loadTopic(db, actor, topicId);
  const to = await db.selectFrom('boards').select(['id', 'name', 'visibility']).where('slug', '=', String(boardSlug ?? '')).executeTakeFirst();
  if (!to || !can(actor, 'board.view', to)) throw new UserError(text('moderation:errors.chooseBoard'), 400, 'board');
  if (to.id === t.board_id) throw new UserError(text('moderation:errors.alreadyInBoard'), 400, 'board');
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('topics').set({ board_id: to.id }).where('id', '=', t.id).execute();
    await tx.updateTable('boards').set((eb) => ({ topic_count: eb('topic_count', '-', 1), post_count: eb('post_count', '-', t.post_count) })).where('id', '=', t.board_id).execute();
    await tx.updateTable('boards').set((eb) => ({ topic_count: eb('topic_count', '+', 1), post_count: eb('post_count', '+', t.post_count) })).where('id', '=', to.id).execute();
    // Both boards' cards: the old one must not go on naming a topic it no longer holds (one its
    // readers may not see, if it went to a staff board), the new one names it if it is newest.
    await recomputeBoardLatest(tx, t.board_id);
    await recomputeBoardLatest(tx, to.id);
    await notice(tx, t.id, 'moderation:notice.moved', { from: t.board_name, to: to.name });
    await logStaffAction(tx, actor, { action: 'topic.move', target: `topic:${t.id}`, detail: `${t.board_name} → ${to.name}` });
  });
}

/** Appends the posts of one topic to another (in the order written); the first becomes a deleted topic pointing to the other. */
export async function mergeTopics(db: Kysely<DB>, actor: Actor, fromId: number, intoId: number): Promise<void> {
  if (fromId === intoId) throw new UserError(text('moderation:errors.mergeIntoItself'), 400, 'into');
  const from = await loadTopic(db, actor, fromId);
  const into = await loadTopic(db, actor, intoId);
  await db.transaction().execute(async (tx) => {
    const max = Number((await tx.selectFrom('posts').select((eb) => eb.fn.max('post_number').as('n')).where('topic_id', '=', into.id).executeTakeFirstOrThrow()).n ?? 0);
    const moving = await tx.selectFrom('posts').select(['id']).where('topic_id', '=', from.id).orderBy('created_at').orderBy('post_number').execute();
    // Two steps, so that no number collides with the unique (topic_id, post_number) index on the way.
    for (const [i, p] of moving.entries()) await tx.updateTable('posts').set({ topic_id: into.id, post_number: -(i + 1) }).where('id', '=', p.id).execute();
    for (const [i, p] of moving.entries()) await tx.updateTable('posts').set({ post_number: max + i + 1 }).where('id', '=', p.id).execute();
    const last = await tx.selectFrom('posts').select(['created_at', 'user_id']).where('topic_id', '=', into.id).orderBy('created_at', 'desc').limit(1).executeTakeFirstOrThrow();
    await tx.updateTable('topics').set((eb) => ({ post_count: eb('post_count', '+', moving.length), last_post_at: last.created_at, last_post_user_id: last.user_id, has_attachments: eb('has_attachments', '+', 0) })).where('id', '=', into.id).execute();
    const hadFiles = await tx.selectFrom('topics').select('has_attachments').where('id', '=', from.id).executeTakeFirstOrThrow();
    if (hadFiles.has_attachments) await tx.updateTable('topics').set({ has_attachments: 1 }).where('id', '=', into.id).execute();
    await tx.updateTable('topics').set({ deleted_at: nowIso(), post_count: 0, solved_post_id: null }).where('id', '=', from.id).execute();
    await indexTopic(tx, into.id); // the moved posts now belong to (and are found in) the other topic
    await tx.updateTable('boards').set((eb) => ({ topic_count: eb('topic_count', '-', 1), post_count: eb('post_count', '-', from.post_count) })).where('id', '=', from.board_id).execute();
    await tx.updateTable('boards').set((eb) => ({ post_count: eb('post_count', '+', from.post_count) })).where('id', '=', into.board_id).execute();
    // The merged topic is gone and the other took its latest post: both boards' cards follow.
    await recomputeBoardLatest(tx, from.board_id);
    if (into.board_id !== from.board_id) await recomputeBoardLatest(tx, into.board_id);
    await notice(tx, into.id, 'moderation:notice.mergedHere', { title: from.title });
    await notice(tx, from.id, 'moderation:notice.mergedInto', { title: into.title });
    await logStaffAction(tx, actor, { action: 'topic.merge', target: `topic:${from.id}`, detail: `into topic:${into.id}` });
  });
}

/** Moves chosen replies (by post number; not the opening post) into a new topic in the same board. */
export async function splitTopic(db: Kysely<DB>, actor: Actor, topicId: number, postNumbers: number[], title: string): Promise<{ id: number; slug: string }> {
  const t = await loadTopic(db, actor, topicId);
  const numbers = [...new Set(postNumbers)];
  if (!numbers.length || numbers.length > 200 || numbers.some((n) => !Number.isInteger(n) || n < 1 || n > 1_000_000)) throw new UserError(text('moderation:errors.listPostNumbers'), 400, 'posts');
  const name = String(title ?? '').trim().replace(/\s+/g, ' ');
  if (name.length < LIMITS.titleMin || name.length > LIMITS.titleMax) throw new UserError(text('moderation:errors.newTitleLength', { min: LIMITS.titleMin, max: LIMITS.titleMax }), 400, 'title');
  const posts = await db.selectFrom('posts').select(['id', 'post_number', 'user_id', 'created_at']).where('topic_id', '=', t.id).where('post_number', 'in', numbers).orderBy('created_at').orderBy('post_number').execute();
  if (posts.length !== numbers.length) throw new UserError(text('moderation:errors.postNumbersNotInTopic'), 400, 'posts');
  const ids = posts.map((p) => p.id);
  if (posts.some((p) => p.post_number === 1)) throw new UserError(text('moderation:errors.openingPostStays'), 400, 'posts');
  return db.transaction().execute(async (tx) => {
    const first = posts[0]!;
    const last = posts.at(-1)!;
    const slug = slugify(name);
    const { id } = await tx
      .insertInto('topics')
      .values({ board_id: t.board_id, user_id: first.user_id, kind: 'discussion', title: name, slug, solved_post_id: null, post_count: posts.length, last_post_at: last.created_at, last_post_user_id: last.user_id, created_at: first.created_at, deleted_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [i, p] of posts.entries()) await tx.updateTable('posts').set({ topic_id: id, post_number: i + 1 }).where('id', '=', p.id).execute();
    // The replies left behind keep their order with dense numbers (pages are number ranges).
    const rest = await tx.selectFrom('posts').select('id').where('topic_id', '=', t.id).orderBy('post_number').execute();
    for (const [i, p] of rest.entries()) await tx.updateTable('posts').set({ post_number: -(i + 1) }).where('id', '=', p.id).execute();
    for (const [i, p] of rest.entries()) await tx.updateTable('posts').set({ post_number: i + 1 }).where('id', '=', p.id).execute();
    const newLast = await tx.selectFrom('posts').select(['created_at', 'user_id']).where('topic_id', '=', t.id).orderBy('created_at', 'desc').limit(1).executeTakeFirstOrThrow();
    await tx.updateTable('topics').set({ post_count: rest.length, last_post_at: newLast.created_at, last_post_user_id: newLast.user_id }).where('id', '=', t.id).execute();
    if (t.solved_post_id && ids.includes(t.solved_post_id)) await tx.updateTable('topics').set({ solved_post_id: null }).where('id', '=', t.id).execute();
    await indexTopic(tx, id); // the split replies are found in the new topic (its first post as its title's document)
    await tx.updateTable('boards').set((eb) => ({ topic_count: eb('topic_count', '+', 1) })).where('id', '=', t.board_id).execute();
    await recomputeBoardLatest(tx, t.board_id); // the latest reply may now be the new topic's
    await notice(tx, t.id, 'moderation:notice.splitInto', { count: posts.length, title: name });
    await notice(tx, id, 'moderation:notice.splitFrom', { title: t.title });
    await logStaffAction(tx, actor, { action: 'topic.split', target: `topic:${t.id}`, detail: `${posts.length} posts into topic:${id}` });
    return { id, slug };
  });
}
