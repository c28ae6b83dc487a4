// The topic page on PostgreSQL in one round trip (issue 19). Over a socket every query is a round
// trip: the eight small reads of a topic page (topic, posts, answer, authors, tags, article,
// hand-overs, notices, attachments, the reader's kudos) were most of the page's time there, in
// socket writes and waits. Here one statement returns the topic row with the rest as JSON
// columns; show-topic.ts uses its parts exactly where it would have run each query. SQLite keeps
// the separate queries: they are function calls in the same process, and cheaper than JSON.
// A signed-in reader's page takes along their own facts (the first unread post, the watch level)
// and the header's counts (`extra`), so that the page is the session plus this one statement.
import { PostgresAdapter, sql, type CompiledQuery, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import { cachedPageAuthors, rememberPageAuthors, type AuthorCard } from '../accounts/find-user.ts';
import { executeNamed, extraColumns, nameStatement, unseenByPlanner, type ExtraColumns } from '../db/named-statements.ts';
import { P1, P2, P3, P4, S1 } from '../db/prepared.ts';
import { headerColumnsMadeFor, headerCountColumns } from '../accounts/signed-in-facts.ts';
import type { Actor } from '../policy/policy.ts';
import { readerFacts, type ReaderOnTopic } from '../notifications/tracking.ts';
import type { AttachmentSummary } from '../attachments/list-attachments.ts';
import type { ArticleStatus, BoardVisibility, DB, Role, TopicsTable } from '../db/schema.ts';
import type { StoredNotice } from './topic-notices.ts';

export interface PagePost {
  id: number; post_number: number; user_id: number; body_html: string; body_text: string; created_at: string; updated_at: string | null;
  deleted_at: string | null; kudos_count: number; revision_count: number; hidden_at: string | null; hidden_by: number | null;
}

type TopicRow = Selectable<TopicsTable> & { board_slug: string; board_name: string; visibility: BoardVisibility };

interface BundleRow extends TopicRow {
  tag_list: string[];
  article: { slug: string; title: string; status: ArticleStatus } | null;
  hand_overs: { display_name: string; deleted_at: string | null }[];
  topic_notices: StoredNotice[];
  page_attachments: AttachmentSummary[];
  authors: { id: number; username: string; display_name: string; deleted_at: string | null; avatar: string | null; roles: Role[] }[];
  kudos_given: number[];
  bookmarked: number[];
  ignored: number[];
  next_unread?: number | null;
  watch_level?: string | null;
  last_read?: number | null;
  page_extras?: Record<string, unknown>;
}

// A row of the statement: one of the page's posts (and the answer), the first also carrying the
// rest of the page as JSON; a topic without posts in the range gives one row of nulls and the JSON.
type BundleResultRow = PagePost & { page: BundleRow | null };

// The posts of the page (by number range) and the accepted answer wherever it is; everything
// else is looked up for those posts. The same text every time: a named prepared statement. The
// posts come back as rows, the rest as one JSON column of the first row: pg then sets up 13 field
// parsers per execution instead of 30-odd (it describes the result on every execution, prepared or
// not), and the values are the same (the topic's columns are integers and text). The posts as
// rows rather than a json_agg: PostgreSQL built their JSON in ~0.1 ms of the statement's ~0.45
// (pgbench, one client: the page's statement 0.47 → 0.43 ms a run; 20 posts as rows 0.11 ms, as
// json_agg 0.21–0.23 ms).
// `leadText`: only the page's first post not deleted keeps its plain text (the rendered page needs
// it for the meta description alone); the others' come back empty. Their text was ~40 % of the
// characters PostgreSQL escaped into JSON (escape_json: 12 % of the statement's CPU) and pg parsed.
// The page's range and the accepted answer as two index reads. As one condition (`range or the
// answer's id`) the generic plan was a BitmapOr of both indexes, and a custom plan (a connection's
// first five runs) fetched every post of the topic and filtered them: 1.8 ms for a page of a
// 1,341-post topic against 0.33 ms for a 20-post one (now 0.43 ms).
const POST_COLUMNS = sql.raw('p.id, p.post_number, p.user_id, p.body_html, p.body_text, p.created_at, p.updated_at, p.deleted_at, p.kudos_count, p.revision_count, p.hidden_at, p.hidden_by');
const bundle = (topicId: number, after: number, upTo: number, readerId: number, known: number[], reader: RawBuilder<unknown>, leadText = false) => sql<BundleResultRow>`
with page as (
  select p.id, p.post_number, p.user_id, p.body_html, ${leadText ? sql`case when p.deleted_at is null and p.post_number > ${after} and p.post_number <= ${upTo}
    and p.post_number = min(p.post_number) filter (where p.deleted_at is null and p.post_number > ${after} and p.post_number <= ${upTo}) over ()
    then p.body_text else '' end as body_text` : sql`p.body_text`}, p.created_at, p.updated_at, p.deleted_at, p.kudos_count, p.revision_count, p.hidden_at, p.hidden_by
  from (
    select ${POST_COLUMNS} from posts p where p.topic_id = ${topicId} and p.post_number > ${after} and p.post_number <= ${upTo}
    union all
    select ${POST_COLUMNS} from posts p where p.id = (select t.solved_post_id from topics t where t.id = ${topicId})
      and not (p.post_number > ${after} and p.post_number <= ${upTo})
  ) p
), top as (select row_to_json(q) as bundle from (
select t.*, b.slug as board_slug, b.name as board_name, b.visibility,
  (select coalesce(json_agg(tt.tag order by tt.tag), '[]') from topic_tags tt where tt.topic_id = t.id) as tag_list,
  (select row_to_json(a) from (select slug, title, status from articles where source_topic_id = t.id limit 1) a) as article,
  (select coalesce(json_agg(h), '[]') from (select u.display_name, u.deleted_at from conversations c join users u on u.id = c.created_by
     where c.topic_id = t.id order by c.id limit 10) h) as hand_overs,
  (select coalesce(json_agg(n), '[]') from (select text, notice_key, notice_params, created_at from topic_notices where topic_id = t.id order by id) n) as topic_notices,
  (select coalesce(json_agg(x), '[]') from (select a.id, a.post_id, a.filename, a.byte_size from attachments a
     where t.has_attachments <> 0 and a.post_id in (select id from page) order by a.post_id, a.position) x) as page_attachments,
  (select coalesce(json_agg(x), '[]') from (select u.id, u.username, u.display_name, u.deleted_at, u.avatar,
     coalesce((select json_agg(r.role) from user_roles r where r.user_id = u.id), '[]') as roles
     from users u where u.id in (select user_id from page where user_id <> all(${unseenByPlanner(known, 'integer[]')}))) x) as authors,
  (select coalesce(json_agg(k.post_id), '[]') from kudos k join page on page.id = k.post_id
     where k.user_id = ${readerId} and page.post_number > ${after} and page.post_number <= ${upTo}) as kudos_given,
  (select coalesce(json_agg(k.post_id), '[]') from bookmarks k join page on page.id = k.post_id
     where k.user_id = ${readerId} and page.post_number > ${after} and page.post_number <= ${upTo}) as bookmarked,
  (select coalesce(json_agg(i.ignored_user_id), '[]') from user_ignores i where i.user_id = ${readerId}) as ignored${reader}
from topics t join boards b on b.id = t.board_id
where t.id = ${topicId}) q)
select case when row_number() over (order by page.post_number) = 1 then top.bundle end as page, page.*
from top left join page on true order by page.post_number`;

export interface TopicPageRead {
  topic: TopicRow;
  /** The page's posts, in order. */
  posts: PagePost[];
  /** The accepted answer when it is not on this page. */
  answer: PagePost | undefined;
  cards: Map<number, AuthorCard>;
  tags: string[];
  article: { slug: string; title: string; status: ArticleStatus } | undefined;
  handOvers: { display_name: string; deleted_at: string | null }[];
  notices: StoredNotice[];
  attachments: AttachmentSummary[];
  kudos: Set<number>;
  /** The page's posts the reader saved. */
  bookmarked: Set<number>;
  /** The people the reader ignores (their posts are folded away). */
  ignored: Set<number>;
  /** The signed-in reader's facts (as readerOnTopic), when asked for. */
  reader: ReaderOnTopic | null;
  /** The values of the extra columns asked for, by name. */
  extra: Record<string, unknown> | null;
}

// The reader's first unread post and watch level, as readerOnTopic reads them (tracking.ts): no
// row read yet makes the comparison with NULL match nothing, so no first unread post.
const readerColumns = (readerId: number) => sql`,
  (select p.post_number from posts p where p.topic_id = t.id and p.deleted_at is null
     and p.post_number > (select r.last_read_post_number from topic_reads r where r.user_id = ${readerId} and r.topic_id = t.id)
     order by p.post_number limit 1) as next_unread,
  (select w.level from watches w where w.user_id = ${readerId} and w.target = 'topic' and w.target_id = t.id) as watch_level,
  (select r.last_read_post_number from topic_reads r where r.user_id = ${readerId} and r.topic_id = t.id) as last_read`;

// Without extra columns the statement has two shapes (with or without the reader's facts): each
// is built and compiled once per database handle, with placeholders that every call replaces.
// (preparedQuery's placeholders appear once each; here the topic and page bounds repeat.) The known
// authors' ids go in out of the planner's sight (unseenByPlanner).
const compiled = new WeakMap<Kysely<DB>, Map<string, { query: CompiledQuery<BundleResultRow>; slots: number[] }>>();
// A signed-in reader's page also takes the header's counts (headerCountColumns): compiled once per
// shape of those columns too, with the reader's id (P4) and the oldest notification kept (S1) as
// placeholders (building and compiling the statement with them cost ~50–130 µs a view).
const KNOWN: number[] = [];
const PLACEHOLDERS: unknown[] = [P1, P2, P3, P4, KNOWN, S1];

function compiledBundle(db: Kysely<DB>, withReader: boolean, leadText: boolean, header?: { actor: Actor; shape: string }) {
  let shapes = compiled.get(db);
  if (!shapes) compiled.set(db, (shapes = new Map()));
  const shape = `${withReader} ${leadText} ${header?.shape ?? ''}`;
  let entry = shapes.get(shape);
  if (!entry) {
    const [topicId, after, upTo, readerId] = PLACEHOLDERS as [number, number, number, number];
    const extra = header ? extraColumns(headerCountColumns(db, { ...header.actor, id: readerId }, S1), 'page_extras') : sql``;
    const query = bundle(topicId, after, upTo, readerId, KNOWN, sql`${withReader ? readerColumns(readerId) : sql``}${extra}`, leadText).compile(db);
    // Each parameter's argument; the header's columns also hold fixed values (board kinds), kept as compiled (-1).
    const slots = query.parameters.map((p) => PLACEHOLDERS.indexOf(p));
    if (!header && slots.includes(-1)) throw new Error('readTopicPage: a parameter that is not a placeholder');
    nameStatement(query.sql);
    shapes.set(shape, (entry = { query, slots }));
  }
  return entry;
}

/** Everything a topic page reads, in one statement; undefined when there is no such topic.
 * `opts.reader`: also the signed-in reader's facts (readerId not 0); `opts.extra`: more columns;
 * `opts.leadText`: the plain text of the page's first post not deleted only (others ''). */
export async function readTopicPage(db: Kysely<DB>, topicId: number, after: number, upTo: number, readerId: number, opts: { reader?: boolean; extra?: ExtraColumns | null; leadText?: boolean } = {}): Promise<TopicPageRead | undefined> {
  const withReader = !!(opts.reader && readerId);
  const leadText = !!opts.leadText;
  // The cards still fresh of the authors this page had when last read: the statement skips them.
  const pageKey = `topic:${topicId}:${after}`;
  const cards = cachedPageAuthors(db, pageKey);
  const known = [...cards.keys()];
  let result: { rows: BundleResultRow[] };
  // The header's counts made for this reader (headerCountColumns) go in the statement compiled once
  // per shape; other extra columns (none today) make a statement of their own.
  const made = opts.extra ? headerColumnsMadeFor(opts.extra) : undefined;
  const header = made && made.actor.id === readerId ? made : undefined;
  if (opts.extra && !header && Object.keys(opts.extra).length) {
    result = await executeNamed(db, bundle(topicId, after, upTo, readerId, known, sql`${withReader ? readerColumns(readerId) : sql``}${extraColumns(opts.extra, 'page_extras')}`, leadText));
  } else {
    const { query, slots } = compiledBundle(db, withReader, leadText, header);
    const args = [topicId, after, upTo, readerId, known, header?.from];
    // A slot of -1: a fixed value of the header's columns (board kinds), kept as compiled.
    result = await db.executeQuery({ ...query, parameters: slots.map((slot, i) => (slot < 0 ? query.parameters[i] : args[slot])) });
  }
  const row = result.rows[0]?.page;
  if (!row) return undefined;
  // The rows are the posts as they are (show-topic.ts copies the fields it uses, so the extra
  // `page` column goes no further): no copy of each.
  const page_posts: PagePost[] = result.rows[0]!.id === null ? [] : result.rows;
  const { tag_list, article, hand_overs, topic_notices, page_attachments, authors, kudos_given, bookmarked, ignored, next_unread, watch_level, last_read, page_extras, ...topic } = row;
  const posts = page_posts.filter((p) => p.post_number > after && p.post_number <= upTo);
  const answer = topic.solved_post_id && !posts.some((p) => p.id === topic.solved_post_id) ? page_posts.find((p) => p.id === topic.solved_post_id) : undefined;
  const read = new Map<number, AuthorCard>();
  for (const u of authors) read.set(u.id, { username: u.username, display_name: u.display_name, user_deleted: u.deleted_at, avatar: u.avatar, roles: u.roles });
  rememberPageAuthors(db, pageKey, read, page_posts.map((p) => p.user_id));
  for (const [id, card] of read) cards.set(id, card);
  return {
    topic, posts, answer, cards, tags: tag_list, article: article ?? undefined, handOvers: hand_overs, notices: topic_notices,
    attachments: page_attachments, kudos: new Set(kudos_given), bookmarked: new Set(bookmarked), ignored: new Set(ignored),
    reader: withReader ? readerFacts(topic, next_unread, watch_level, last_read) : null,
    extra: page_extras ?? null,
  };
}

/** Whether a Kysely instance talks to PostgreSQL (the page reads differ, not the results). */
export function onPostgres(db: Kysely<DB>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
