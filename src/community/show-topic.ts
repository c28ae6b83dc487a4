import { sql, type Kysely } from 'kysely';
import { authorCards, type AuthorCard } from '../accounts/find-user.ts';
import type { ArticleStatus, BoardVisibility, DB } from '../db/schema.ts';
import { P1, P2, P3, P4, preparedQuery } from '../db/prepared.ts';
import { can, type Actor } from '../policy/policy.ts';
import { NotFoundError, text, UserError } from '../shared/errors.ts';
import { tagsFromList } from './tags.ts';
import { attachmentsOfPosts } from '../attachments/list-attachments.ts';
import { censorHtml, displayCensor } from '../moderation/censor-display.ts';
import { onPostgres, readTopicPage } from './topic-page-postgres.ts';
import { readerFacts } from '../notifications/tracking.ts';
import type { ExtraColumns } from '../db/named-statements.ts';
import type { AttachmentSummary } from '../attachments/list-attachments.ts';
import { topicNotices, type StoredNotice } from './topic-notices.ts';

export const POSTS_PER_PAGE = 20;
const NO_ATTACHMENTS: Awaited<ReturnType<typeof attachmentsOfPosts>> = new Map();

/**
 * A topic page: the topic, one page of its posts with authors and their roles, and the accepted
 * answer. `opts.reader`: also the signed-in reader's facts (first unread post, watch level: as
 * readerOnTopic); `opts.extra`: more columns for the one statement on PostgreSQL (the header's
 * counts), their values in `extra` (null when read query by query: the caller reads them);
 * `opts.leadText`: the caller needs the plain text (`body_text`) of the page's first post that is
 * not deleted only (the rendered page's meta description): the others may come back empty.
 */
export async function showTopic(db: Kysely<DB>, actor: Actor | null, topicId: number, page: number, opts: { oneRoundTrip?: boolean; reader?: boolean; extra?: ExtraColumns | null; leadText?: boolean } = {}) {
  // On PostgreSQL everything below is read in one statement (topic-page-postgres.ts), each part
  // used where its own query would have run: the same result either way (tested).
  const read = (opts.oneRoundTrip ?? onPostgres(db))
    ? await readTopicPage(db, topicId, (page - 1) * POSTS_PER_PAGE, page * POSTS_PER_PAGE, actor?.id ?? 0, { reader: !!opts.reader, extra: opts.extra, leadText: opts.leadText })
    : null;
  // The topic's few small lists come along as columns of its row (see topicQuery).
  // A signed-in reader's facts (first unread post, watch level, kudos given on this page) too.
  const after = (page - 1) * POSTS_PER_PAGE;
  const [row] = read ? [undefined] : actor ? await topicReaderQuery(db, topicId, actor.id, after, after + POSTS_PER_PAGE) : await topicQuery(db, topicId);
  const { tag_list, article_json, hand_overs_json, notices_json, next_unread, watch_level, last_read, kudos_given, bookmarked, ignored, ...own } =
    (row ?? {}) as Partial<Omit<TopicRow, keyof ReaderColumns>> & ListColumns & Partial<ReaderColumns>;
  const topic = read ? read.topic : row ? (own as Omit<TopicRow, keyof ListColumns | keyof ReaderColumns>) : undefined;
  if (!topic) throw new NotFoundError(text('community:errors.noSuchTopic'));
  const subject: TopicSubject = { board: { visibility: topic.visibility, id: topic.board_id }, locked: !!topic.locked, closed: !!topic.closed, deleted: !!topic.deleted_at };
  if (!can(actor, 'topic.view', subject)) {
    if (topic.visibility === 'members' && !actor && !topic.deleted_at) throw new UserError(text('community:errors.membersOnlyTopic'), 401);
    throw new NotFoundError(text('community:errors.noSuchTopic'));
  }

  const pageCount = Math.max(1, Math.ceil(topic.post_count / POSTS_PER_PAGE));
  if (page > pageCount) throw new NotFoundError(text('community:errors.noSuchTopicPage'));
  // Post numbers are dense per topic, so a page is an index range rather than an OFFSET scan.
  const rows = read ? read.posts : await postsPageQuery(db, topic.id, (page - 1) * POSTS_PER_PAGE, page * POSTS_PER_PAGE);
  let answerRow = rows.find((p) => p.id === topic.solved_post_id);
  if (topic.solved_post_id && !answerRow) [answerRow] = read ? [read.answer] : await postByIdQuery(db, topic.solved_post_id);
  // Authors' names and badges from their cards (cached): no join with users per view.
  const cards = read ? read.cards : await authorCards(db, [...rows.map((p) => p.user_id), ...(answerRow ? [answerRow.user_id] : [])]);
  const posts = rows.map((p) => withAuthor(p, cards.get(p.user_id)));
  const answer = answerRow && (posts.find((p) => p.id === answerRow!.id) ?? withAuthor(answerRow, cards.get(answerRow.user_id)));
  // A post hidden until reviewed (issue 13): its text is not sent to readers other than its author and moderators.
  for (const p of answer ? [...posts, answer] : posts) if (p.hidden_at && !can(actor, 'post.viewHidden', { authorId: p.user_id, board: subject.board })) { p.body_html = ''; p.body_text = ''; p.hidden = 'text'; }
  // Watched words with action "censor" are applied on display (src/moderation/censor-display.ts).
  const censor = await displayCensor(db);
  if (censor) for (const p of new Set(answer ? [...posts, answer] : posts)) if (p.body_html) { p.body_html = censorHtml(p.body_html, censor); p.body_text = censor(p.body_text); }
  const roles = new Map([...cards].map(([id, card]) => [id, card.roles]));
  // Tags are slugs (lower-case letters, digits and dashes: src/community/tags.ts), sorted here.
  const tags = read ? read.tags : tagsFromList(tag_list);
  // What the reader may do to each post, and which posts they already gave kudos to.
  const mine = read ? read.kudos : new Set(kudos_given ? String(kudos_given).split(',').map(Number) : []);
  const saved = read ? read.bookmarked : new Set(bookmarked ? String(bookmarked).split(',').map(Number) : []);
  // The people the reader ignores: their posts are folded away on the page (src/accounts/ignore-user.ts).
  const ignoredAuthors = read ? read.ignored : new Set(ignored ? String(ignored).split(',').map(Number) : []);
  const abilities = new Map(
    posts.map((p) => {
      const s = authored(subject, p.user_id, !!p.deleted_at);
      return [p.id, { edit: can(actor, 'post.edit', s), delete: can(actor, 'post.delete', s), kudos: can(actor, 'post.kudos', s), gaveKudos: mine.has(p.id), report: can(actor, 'post.report', s), bookmark: can(actor, 'post.bookmark', s), bookmarked: saved.has(p.id) }];
    }),
  );
  const kb = read ? read.article : fromJson<{ slug: string; title: string; status: ArticleStatus } | null>(article_json, null);
  // "Continued in private" notices (issue 20): who took the case private, nothing more.
  const handOvers = [...new Set((read ? read.handOvers : fromJson<{ display_name: string; deleted_at: string | null }[]>(hand_overs_json, [])).map((h) => (h.deleted_at ? 'deleted user' : h.display_name)))];
  // "Moved from Billing by a moderator" (src/moderation/reorganize-topics.ts), in the reader's language.
  const notices = topicNotices(read ? read.notices : fromJson<StoredNotice[]>(notices_json, []));
  // The page's attachments (names and sizes): one indexed query; deleted posts show none.
  const shown = [...posts, ...(answer ? [answer] : [])].filter((p) => !p.deleted_at && p.hidden !== 'text').map((p) => p.id);
  const attachments = !topic.has_attachments ? NO_ATTACHMENTS : read ? attachmentsByPost(read.attachments, shown) : await attachmentsOfPosts(db, shown);
  const reader = opts.reader && actor ? (read ? read.reader : readerFacts(topic, next_unread, watch_level, last_read)) : null;
  return {
    topic,
    posts,
    answer: answer && !answer.deleted_at ? answer : undefined,
    roles,
    page,
    pageCount,
    abilities,
    tags,
    attachments,
    canReply: can(actor, 'post.create', subject),
    canModerate: can(actor, 'topic.moderate', subject),
    canAccept: topic.kind === 'question' && can(actor, 'answer.accept', authored(subject, topic.user_id, false)),
    // The knowledge-base article made from this thread (readers see it once it is published).
    article: kb && can(actor, 'article.view', kb) ? { slug: kb.slug, title: kb.title, status: kb.status } : null,
    handOvers,
    canContinueInPrivate: !!actor && actor.id !== topic.user_id && can(actor, 'conversation.continueInPrivate', subject),
    notices,
    canMakeArticle: !kb && topic.kind === 'question' && !!topic.solved_post_id && can(actor, 'article.createFromTopic', subject),
    reader,
    ignored: ignoredAuthors,
    extra: read?.extra ?? null,
  };
}

type TopicSubject = { board: { visibility: BoardVisibility; id: number }; locked: boolean; closed: boolean; deleted: boolean };

// The topic as the policy sees it, plus a post's author: spelled out rather than spread, since a
// spread followed by more properties is a slow object copy on Node 20 (~2 µs, once per post).
function authored(t: TopicSubject, authorId: number, postDeleted: boolean) {
  return { board: t.board, locked: t.locked, closed: t.closed, deleted: t.deleted, authorId, postDeleted };
}

// The topic page's queries, compiled once (see src/db/prepared.ts): they run on every view.
// The board's columns as scalar subqueries rather than a join: the same two primary-key lookups,
// but SQLite 3.54 (better-sqlite3 13, Node 22+) spent ~18 µs more on the joined form (3.53: none).
// The topic's tags, its article, hand-overs and notices are columns of the same row (the lists as
// JSON, mostly empty): as four statements of their own they cost SQLite ~35 µs more a view (each
// statement opens its read transaction and cursors; measured in one process, 50 vs 16 µs).
function topicRow(db: Kysely<DB>, topicId: number) {
  const pg = onPostgres(db);
  const list = (rows: string, fields: string[]) => pg
    ? sql.raw(`(select coalesce(json_agg(json_build_object(${fields.map((f) => `'${f}', x.${f}`).join(', ')})), '[]') from (${rows}) x)`)
    : sql.raw(`(select json_group_array(json_object(${fields.map((f) => `'${f}', x.${f}`).join(', ')})) from (${rows}) x)`);
  return db
    .selectFrom('topics')
    .selectAll('topics')
    .select((eb) => [
      eb.selectFrom('boards').select('boards.slug').whereRef('boards.id', '=', 'topics.board_id').as('board_slug'),
      eb.selectFrom('boards').select('boards.name').whereRef('boards.id', '=', 'topics.board_id').as('board_name'),
      eb.selectFrom('boards').select('boards.visibility').whereRef('boards.id', '=', 'topics.board_id').as('visibility'),
      sql<string | null>`(select ${sql.raw(pg ? 'string_agg(tag, chr(31))' : 'group_concat(tag, char(31))')} from topic_tags where topic_id = topics.id)`.as('tag_list'),
      sql<unknown>`(select ${sql.raw(pg ? "json_build_object('slug', slug, 'title', title, 'status', status)" : "json_object('slug', slug, 'title', title, 'status', status)")} from articles where source_topic_id = topics.id limit 1)`.as('article_json'),
      sql<unknown>`${list('select u.display_name, u.deleted_at from conversations c join users u on u.id = c.created_by where c.topic_id = topics.id order by c.id limit 10', ['display_name', 'deleted_at'])}`.as('hand_overs_json'),
      sql<unknown>`${list('select text, notice_key, notice_params, created_at from topic_notices where topic_id = topics.id order by id', ['text', 'notice_key', 'notice_params', 'created_at'])}`.as('notices_json'),
    ])
    .where('topics.id', '=', topicId)
    .$narrowType<{ board_slug: string; board_name: string; visibility: BoardVisibility }>();
}
const topicQuery = preparedQuery([P1] as [number], topicRow);
// For a signed-in reader, as readerOnTopic (src/notifications/tracking.ts) reads them: the first
// post after the last one read (none when never opened: the comparison with NULL matches nothing),
// the watch level, the last post read, and the posts of this page (by number range) given kudos.
const topicReaderQuery = preparedQuery([P1, P2, P3, P4] as [number, number, number, number], (db, topicId, readerId, after, upTo) =>
  topicRow(db, topicId).select([
    sql<number | null>`(select p.post_number from posts p where p.topic_id = topics.id and p.deleted_at is null
      and p.post_number > (select r.last_read_post_number from topic_reads r where r.user_id = ${readerId} and r.topic_id = topics.id)
      order by p.post_number limit 1)`.as('next_unread'),
    sql<string | null>`(select w.level from watches w where w.user_id = ${readerId} and w.target = 'topic' and w.target_id = topics.id)`.as('watch_level'),
    sql<number | null>`(select r.last_read_post_number from topic_reads r where r.user_id = ${readerId} and r.topic_id = topics.id)`.as('last_read'),
    sql<string | null>`(select ${sql.raw(onPostgres(db) ? 'string_agg(k.post_id::text, \',\')' : "group_concat(k.post_id, ',')")} from kudos k join posts p on p.id = k.post_id
      where k.user_id = ${readerId} and p.topic_id = topics.id and p.post_number > ${after} and p.post_number <= ${upTo})`.as('kudos_given'),
    // The page's posts the reader saved: the page's (at most 20) posts, each looked up in the reader's saved posts.
    sql<string | null>`(select ${sql.raw(onPostgres(db) ? 'string_agg(p.id::text, \',\')' : "group_concat(p.id, ',')")} from posts p
      where p.topic_id = topics.id and p.post_number > ${after} and p.post_number <= ${upTo}
      and exists (select 1 from bookmarks k where k.user_id = ${readerId} and k.post_id = p.id))`.as('bookmarked'),
    sql<string | null>`(select ${sql.raw(onPostgres(db) ? 'string_agg(i.ignored_user_id::text, \',\')' : "group_concat(i.ignored_user_id, ',')")} from user_ignores i where i.user_id = ${readerId})`.as('ignored'),
  ]),
);
type TopicRow = Awaited<ReturnType<typeof topicReaderQuery>>[number];
type ListColumns = { tag_list: string | null; article_json: unknown; hand_overs_json: unknown; notices_json: unknown };
type ReaderColumns = { next_unread: number | null; watch_level: string | null; last_read: number | null; kudos_given: string | null; bookmarked: string | null; ignored: string | null };

/** A JSON column: SQLite returns its text, pg has already parsed it; null is `empty`. */
function fromJson<T>(value: unknown, empty: T): T {
  if (value === null || value === undefined) return empty;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
// Ordered here, not by ORDER BY: SQLite 3.54 spends ~15 µs more on this query with it (3.53 and
// PostgreSQL: nothing), though the index already returns the rows in order.
const postsPageRows = preparedQuery([P1, P2, P3] as [number, number, number], (db, topicId, after, upTo) =>
  postColumns(db).where('posts.topic_id', '=', topicId).where('posts.post_number', '>', after).where('posts.post_number', '<=', upTo),
);
const postsPageQuery = async (db: Kysely<DB>, topicId: number, after: number, upTo: number) =>
  (await postsPageRows(db, topicId, after, upTo)).sort((a, b) => a.post_number - b.post_number);
const postByIdQuery = preparedQuery([P1] as [number], (db, postId) => postColumns(db).where('posts.id', '=', postId));


function postColumns(db: Kysely<DB>) {
  return db
    .selectFrom('posts')
    .select([
      'posts.id', 'posts.post_number', 'posts.user_id', 'posts.body_html', 'posts.body_text', 'posts.created_at', 'posts.updated_at', 'posts.deleted_at',
      'posts.kudos_count', 'posts.revision_count', 'posts.hidden_at', 'posts.hidden_by',
    ]);
}

type PostRow = Awaited<ReturnType<typeof postsPageRows>>[number];

// Spelled out rather than spread: rows from the driver are slow to copy property by property.
function withAuthor(p: PostRow, card: AuthorCard | undefined) {
  return {
    id: p.id, post_number: p.post_number, user_id: p.user_id, body_html: p.body_html, body_text: p.body_text, created_at: p.created_at,
    updated_at: p.updated_at, deleted_at: p.deleted_at, kudos_count: p.kudos_count, revision_count: p.revision_count,
    username: card?.username ?? '', display_name: card?.display_name ?? '', user_deleted: card ? card.user_deleted : 'unknown', avatar: card?.avatar ?? null,
    hidden_at: p.hidden_at, hidden: p.hidden_at ? 'shown' : '', hidden_by: p.hidden_by,
  };
}

// The one-statement read's attachments, for the posts the page shows their text of (as attachmentsOfPosts).
function attachmentsByPost(all: AttachmentSummary[], shown: number[]) {
  if (!all.length) return NO_ATTACHMENTS;
  const ids = new Set(shown);
  const byPost = new Map<number, AttachmentSummary[]>();
  for (const a of all) if (ids.has(a.post_id)) (byPost.get(a.post_id) ?? byPost.set(a.post_id, []).get(a.post_id)!).push(a);
  return byPost.size ? byPost : NO_ATTACHMENTS;
}
