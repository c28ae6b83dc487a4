// Searching topics, replies and knowledge-base articles: one use case over both databases (FTS5
// on SQLite, tsvector + GIN on PostgreSQL). Who may see what is decided at query time from the
// live tables, with the same rule as board pages (visibleBoardKinds): private and staff boards,
// deleted topics and replies, and unpublished articles never come back to someone who may not
// read them, whatever the index holds.
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { rolesByUser } from '../accounts/find-user.ts';
import type { DB, Role } from '../db/schema.ts';
import { visibleBoardKinds, type Actor } from '../policy/policy.ts';
import { POSTS_PER_PAGE } from '../community/show-topic.ts';
import { text, UserError } from '../shared/errors.ts';
import { htmlToText } from '../shared/markdown.ts';
import { slugify } from '../shared/slug.ts';
import { isPostgres } from './index-document.ts';
import { fts5Parts, isEmptyQuery, parseQuery, toFts5, toTsquery, type ParsedQuery } from './query.ts';
import { highlight } from './snippet.ts';
import { candidatePlan, lexemeStatistics, type CandidatePlan } from './lexeme-frequency.ts';
import { displayCensor } from '../moderation/censor-display.ts';
import { preparedQuery } from '../db/prepared.ts';
import { directReadFor } from '../db/database.ts';
import { executeNamed, unseenByPlanner } from '../db/named-statements.ts';

export const RESULTS_PER_PAGE = 20;
/** Counting stops here ("1,000+ results"): an exact count of a common word costs a full scan. */
export const MAX_COUNTED = 1000;
const MAX_PAGE = MAX_COUNTED / RESULTS_PER_PAGE;
/**
 * A query without filters ranks only its most recent CANDIDATES matches. Scoring is the cost of
 * a search (bm25 / ts_rank for every match): a common word matches a third of a large forum.
 * Among the newest few hundred matches the best ones are what a person wants from a very common
 * word anyway; a rarer query has fewer matches and loses nothing. With a filter every match
 * counts (a filter may keep only old ones).
 */
export const CANDIDATES = 500;

/**
 * SQLite's bm25 weighs each word by how rare it is, and FTS5 finds that out by reading every
 * index entry of each word, once per query: a word in a third of 1 M documents costs ~10 ms
 * before one row is scored. A query with a word in more than COMMON_DOCUMENTS documents ranks by
 * what decides bm25's order for such words anyway (a title match weighs ten times a body match)
 * and the boosts, newer first. How common a word is: its share of the newest PROBE documents.
 */
export const COMMON_DOCUMENTS = 25_000;
const PROBE = 2000;

export interface SearchTuning {
  /** Tests lower it to exercise the ranking without bm25 on a small database. */
  commonDocuments?: number;
}

export async function hasCommonWord(db: Kysely<DB>, parts: string[], limit: number): Promise<boolean> {
  const newest = sql`(select coalesce(max(id), 0) from search_docs)`;
  const probes = parts.map((part, i) => sql`(select count(*) from (select rowid from search_fts where search_fts match ${part} and rowid > ${newest} - ${sql.lit(PROBE)})) as ${sql.ref(`p${i}`)}`);
  const row = (await rowsOf(db, sql<Record<string, number>>`select ${newest} as docs, ${sql.join(probes)}`))[0]!;
  const docs = Number(row.docs);
  if (docs <= limit) return false;
  return parts.some((_, i) => (Number(row[`p${i}`]) / Math.min(PROBE, docs)) * docs > limit);
}

/**
 * SQLite: a statement's rows read directly (src/db/database.ts, directReadFor), without Kysely's
 * connection queue and promises and as rows of values: the few shapes of the unfiltered search
 * (its probe and ranking statement; not the filtered ones, whose shapes multiply). Through Kysely
 * inside a transaction, and on PostgreSQL.
 */
async function rowsOf<Row>(db: Kysely<DB>, query: RawBuilder<Row>): Promise<Row[]> {
  const compiled = query.compile(db);
  const direct = directReadFor(db)?.(compiled.sql, compiled.parameters);
  return (direct as Row[] | undefined) ?? (await db.executeQuery(compiled)).rows;
}

export type SearchKind = 'question' | 'discussion' | 'article';
export type SearchStatus = 'solved' | 'unsolved';

export interface SearchInput {
  q: string;
  board?: string;
  tag?: string;
  kind?: SearchKind;
  status?: SearchStatus;
  /** A username. */
  author?: string;
  /** Only topics (and their replies) with a reply from an employee. */
  employee?: boolean;
  /** YYYY-MM-DD, inclusive. */
  from?: string;
  to?: string;
  sort?: 'relevance' | 'newest';
  page?: number;
  /** Results per page (the similar-questions list asks for a few). */
  limit?: number;
  /** false: skip counting the matches (total is then the length of this page). */
  count?: boolean;
}

export interface SearchResult {
  type: 'topic' | 'post' | 'article';
  url: string;
  title: string;
  titleHtml: string;
  snippetHtml: string;
  createdAt: string;
  author: { username: string; display_name: string; deleted: boolean; roles: Role[] };
  board: { slug: string; name: string } | null;
  topicKind: 'question' | 'discussion' | null;
  solved: boolean;
  acceptedAnswer: boolean;
  score: number;
}

export interface SearchOutput {
  query: ParsedQuery;
  results: SearchResult[];
  /** Matches the reader may see, counted up to MAX_COUNTED. */
  total: number;
  totalCapped: boolean;
  page: number;
  pageCount: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function checkDay(value: string | undefined, field: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new UserError(text('search:errors.dateFormat'), 400, field);
  return value;
}

export async function searchContent(db: Kysely<DB>, actor: Actor | null, input: SearchInput, tuning: SearchTuning = {}): Promise<SearchOutput> {
  const query = parseQuery(input.q);
  const limit = Math.min(Math.max(1, input.limit ?? RESULTS_PER_PAGE), RESULTS_PER_PAGE);
  const page = Math.min(Math.max(1, Math.floor(input.page ?? 1)), MAX_PAGE);
  const from = checkDay(input.from, 'from');
  const to = checkDay(input.to, 'to');
  const empty: SearchOutput = { query, results: [], total: 0, totalCapped: false, page, pageCount: 0 };
  if (isEmptyQuery(query)) return empty;

  const pg = isPostgres(db);
  // SQLite: whether a candidate's post is deleted, from the small index of deleted posts'
  // ids (migration 025), not from the post's wide row in a table of a million: ~0.5 ms a search.
  const postLive = pg ? sql`p.deleted_at is null` : sql`not exists (select 1 from posts dp indexed by posts_deleted where dp.deleted_at is not null and dp.id = d.post_id)`;
  // The board kinds as constants in the text (a few shapes): values the planner sees would make it
  // plan a named statement again on every search (see pgCandidates).
  const where: RawBuilder<unknown>[] = [
    sql`((d.doc_type = 'article' and a.status = 'published') or (d.doc_type <> 'article' and t.deleted_at is null and ${postLive} and b.visibility in (${sql.join(visibleBoardKinds(actor).map((k) => sql.lit(k)))})))`,
  ];
  if (input.board) where.push(sql`b.slug = ${input.board}`);
  if (input.tag) where.push(sql`exists (select 1 from topic_tags tt where tt.topic_id = d.topic_id and tt.tag = ${slugify(input.tag, 30)})`);
  if (input.kind === 'article') where.push(sql`d.doc_type = 'article'`);
  else if (input.kind) where.push(sql`d.doc_type <> 'article' and t.kind = ${input.kind}`);
  if (input.status === 'solved') where.push(sql`t.solved_post_id is not null`);
  else if (input.status === 'unsolved') where.push(sql`t.kind = 'question' and t.solved_post_id is null`);
  if (input.author) where.push(sql`d.author_id = (select u.id from users u where u.username_lower = ${input.author.trim().toLowerCase()})`);
  if (input.employee) {
    where.push(sql`exists (select 1 from posts ep inner join user_roles er on er.user_id = ep.user_id and er.role = 'employee' where ep.topic_id = d.topic_id and ep.post_number > 1 and ep.deleted_at is null)`);
  }
  if (from) where.push(sql`d.created_at >= ${from}`);
  if (to) where.push(sql`d.created_at < ${new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)}`);

  // Relevance (title words weigh ten times body words on SQLite, A vs B weights on PostgreSQL),
  // raised for articles and accepted answers, and a little for solved questions.
  const boost = sql`(case when d.doc_type = 'article' then 2.0 when d.post_id = t.solved_post_id then 1.6 when d.doc_type = 'topic' and t.solved_post_id is not null then 1.2 else 1.0 end)`;
  const joins = sql`left join topics t on t.id = d.topic_id left join boards b on b.id = t.board_id ${pg ? sql`left join posts p on p.id = d.post_id ` : sql``}left join articles a on a.id = d.article_id`;
  const tsquery = pg ? toTsquery(query) : '';
  const fts = pg ? '' : toFts5(query);
  const filtered = where.length > 1;
  const order = input.sort === 'newest' ? sql`d.created_at desc, d.id desc` : sql`score desc, d.created_at desc, d.id desc`;
  const newestCandidate = sql`coalesce((select min(c.rowid) from (select rowid from search_fts where search_fts match ${fts} order by rowid desc limit ${CANDIDATES}) c), 0)`;
  let relevance: RawBuilder<unknown>;
  if (input.sort === 'newest') relevance = sql`1.0`;
  else if (pg) relevance = sql`ts_rank(d.vector, ${tsquery}::tsquery)`; // (filtered; unfiltered: pgCandidates)
  else if (await hasCommonWord(db, fts5Parts(query), tuning.commonDocuments ?? COMMON_DOCUMENTS)) {
    const titles = sql`select rowid from search_fts where search_fts match ${toFts5(query, 'title')}${filtered ? sql`` : sql` and rowid >= ${newestCandidate}`}`;
    relevance = sql`(case when search_fts.rowid in (${titles}) then 10.0 else 1.0 end)`;
  } else relevance = sql`(-bm25(search_fts, 10.0, 10.0, 1.0, 1.0))`;
  const visible = sql.join(where, sql` and `);
  const slice = sql`order by ${order} limit ${limit} offset ${(page - 1) * limit}`;

  let rows: { id: number; score: number; n?: number | string; found?: number | string }[];
  let total: number;
  let totalCapped: boolean;
  if (!filtered) {
    // The newest CANDIDATES matches, ranked and counted (those the reader may see) in one statement.
    let windowed = false;
    if (pg) {
      const plan = await pgCandidates(db, query, tsquery, input.sort === 'newest');
      windowed = plan.windowed;
      // A plan chosen here (not PostgreSQL's): a named statement with every value out of the
      // planner's sight (unseenByPlanner: with the tsquery or the window's bound visible, a custom
      // plan for a rare word looked cheaper than the generic one), planned once per connection
      // instead of on every search (~2 ms, a sixth of the statement's time on 1 M posts; the
      // generic plan is the same as the custom ones).
      // The candidates come with the columns that rank and check them, read where they were found,
      // not looked up again by id (500 index probes; ~15 % of the statement).
      const namedSlice = sql`order by ${order} limit ${unseenByPlanner(limit, 'integer')} offset ${unseenByPlanner((page - 1) * limit, 'integer')}`;
      const statement = sql<{ id: number; score: number; n: string; found: string }>`with c as materialized (${plan.candidates})
        select d.id, d.relevance * ${boost} as score, count(*) over () as n, (select count(*) from c) as found
        from c d ${joins} where ${visible} ${plan.named ? namedSlice : slice}`;
      rows = (await (plan.named ? executeNamed(db, statement) : statement.execute(db))).rows;
    } else {
      // FTS5's bm25 cannot share a statement level with a window function: ranked inside, counted
      // outside. Both counts come from the candidates already read (those the reader may see, and
      // all of them: 500 means "500+"), not from a second FTS5 scan of the word's matches, which
      // cost up to 1.3 ms for a word whose other-language stem is common ("them" for "theme").
      // The candidates are read once, newest first, and scored as they are read (the same rows
      // and scores as matching again from the oldest of them: ~0.25 ms less a search).
      const outer = input.sort === 'newest' ? sql`created_at desc, id desc` : sql`score desc, created_at desc, id desc`;
      rows = await rowsOf(db, sql<{ id: number; score: number; n: number; found: number }>`select id, score, n, found
        from (select id, score, created_at, seen, sum(seen) over () as n, count(*) over () as found
          from (select d.id, d.created_at, (case when ${visible} then 1 else 0 end) as seen, c.relevance * ${boost} as score
            from (select search_fts.rowid as id, ${relevance} as relevance from search_fts where search_fts match ${fts} order by search_fts.rowid desc limit ${CANDIDATES}) c
            inner join search_docs d on d.id = c.id ${joins}) x) y
        where seen = 1 order by ${outer} limit ${limit} offset ${(page - 1) * limit}`);
    }
    total = Number(rows[0]?.n ?? 0);
    totalCapped = windowed || Number(rows[0]?.found ?? 0) >= CANDIDATES;
  } else {
    const source = pg ? sql`search_docs d ${joins}` : sql`search_fts inner join search_docs d on d.id = search_fts.rowid ${joins}`;
    const conditions = sql`${pg ? sql`d.vector @@ ${tsquery}::tsquery` : sql`search_fts match ${fts}`} and ${visible}`;
    rows = (await sql<{ id: number; score: number }>`select d.id, ${relevance} * ${boost} as score from ${source} where ${conditions} ${slice}`.execute(db)).rows;
    // A first page that is not full holds every match the reader may see: no need to count.
    const counted = input.count === false || (page === 1 && rows.length < limit) ? rows.length : Number(
      (await sql<{ n: number }>`select count(*) as n from (select 1 as one from ${source} where ${conditions} limit ${MAX_COUNTED + 1}) x`.execute(db)).rows[0]?.n ?? 0,
    );
    total = Math.min(counted, MAX_COUNTED);
    totalCapped = counted > MAX_COUNTED;
  }
  const results = await present(db, query, rows);
  return { query, results, total, totalCapped, page, pageCount: Math.ceil(total / limit) };
}

/**
 * The newest CANDIDATES matches on PostgreSQL, by the plan that suits the query (candidatePlan),
 * with their relevance and the columns the ranking statement needs (candidatesSql).
 * named: the plan is ours (an index's bitmap, a window), so the statements are named and planned
 * once; PostgreSQL's own choice ('planned') depends on the word, and is made for each search.
 */
async function pgCandidates(db: Kysely<DB>, query: ParsedQuery, tsquery: string, newest: boolean): Promise<{ candidates: RawBuilder<unknown>; windowed: boolean; named: boolean }> {
  const plan = candidatePlan(await lexemeStatistics(db), query, CANDIDATES);
  const read = newest ? 'newest' : 'ranked';
  // (Inside a caller's transaction the setting would outlast the statement: PostgreSQL's own plan then.)
  if (plan.kind === 'window' && plan.indexesOnly && !db.isTransaction) {
    // A prefix: PostgreSQL prices its GIN bitmap so high that it would read the id range row by
    // row through the primary key (88 ms for "poss*") rather than AND the two indexes' bitmaps
    // (17 ms). Without index scans, for this one statement, the bitmaps are what is left.
    const ids = await db.transaction().execute(async (tx) => {
      await sql`set local enable_indexscan = off`.execute(tx);
      return (await executeNamed(tx, sql<{ id: number }>`${candidatesSql(plan, tsquery)}`)).rows.map((r) => r.id);
    });
    const columns = candidateColumns(read, unseenByPlanner(tsquery, 'tsquery'));
    return { candidates: sql`select ${columns} from unnest(${unseenByPlanner(ids, 'integer[]')}) as u(id) inner join search_docs s on s.id = u.id`, windowed: true, named: true };
  }
  return { candidates: candidatesSql(plan, tsquery, read), windowed: plan.kind === 'window', named: plan.kind !== 'planned' };
}

/** A candidate's columns for the ranking statement: ids only, or ranked (ts_rank) or not (newest first). */
function candidateColumns(read: 'ids' | 'ranked' | 'newest', tsquery: RawBuilder<unknown>): RawBuilder<unknown> {
  if (read === 'ids') return sql`s.id`;
  return sql`s.id, s.doc_type, s.topic_id, s.post_id, s.article_id, s.created_at, ${read === 'ranked' ? sql`ts_rank(s.vector, ${tsquery})` : sql`1.0`} as relevance`;
}

/** The statement of a plan: see candidatePlan for which suits what. Our own plans' values are unseen. */
export function candidatesSql(plan: CandidatePlan, tsquery: string, read: 'ids' | 'ranked' | 'newest' = 'ids'): RawBuilder<unknown> {
  const q = plan.kind === 'planned' ? sql`${tsquery}::tsquery` : unseenByPlanner(tsquery, 'tsquery');
  const matches = sql`select ${candidateColumns(read, q)} from search_docs s where s.vector @@ ${q}`;
  // `id + 0`: ordered by id, but not by walking its index.
  if (plan.kind === 'bitmap') return sql`${matches} order by s.id + 0 desc limit ${sql.lit(CANDIDATES)}`;
  // A window that holds fewer than CANDIDATES still stands for more matches than it holds.
  if (plan.kind === 'window') return sql`${matches} and s.id > ${unseenByPlanner(plan.after, 'integer')} order by s.id + 0 desc limit ${sql.lit(CANDIDATES)}`;
  return sql`${matches} order by s.id desc limit ${CANDIDATES}`;
}

// The results' details, compiled once (src/db/prepared.ts), not built by Kysely on every search:
// the ids go in RESULTS_PER_PAGE places, the unused ones an id that no document has.
const ID_PLACES = Array.from({ length: RESULTS_PER_PAGE }, (_, i) => -7_314_001 - i);
const detailsQuery = preparedQuery(ID_PLACES, (db, ...ids: number[]) =>
  db
    .selectFrom('search_docs as d')
    .leftJoin('topics as t', 't.id', 'd.topic_id')
    .leftJoin('boards as b', 'b.id', 't.board_id')
    .leftJoin('posts as p', 'p.id', 'd.post_id')
    .leftJoin('articles as a', 'a.id', 'd.article_id')
    .leftJoin('article_versions as av', (j) => j.onRef('av.article_id', '=', 'a.id').onRef('av.version', '=', 'a.current_version'))
    .innerJoin('users as u', 'u.id', 'd.author_id')
    .select([
      'd.id', 'd.doc_type', 'd.created_at', 'd.post_id', 't.id as topic_id', 't.title as topic_title', 't.slug as topic_slug', 't.kind', 't.solved_post_id',
      'b.slug as board_slug', 'b.name as board_name', 'p.post_number', 'p.body_text', 'a.slug as article_slug', 'av.title as article_title', 'av.body_html as article_html',
      'u.id as user_id', 'u.username', 'u.display_name', 'u.deleted_at as user_deleted',
    ])
    .where('d.id', 'in', ids));

async function present(db: Kysely<DB>, query: ParsedQuery, rows: { id: number; score: number }[]): Promise<SearchResult[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const details = await detailsQuery(db, ...ids, ...Array<number>(RESULTS_PER_PAGE - ids.length).fill(0));
  const byId = new Map(details.map((r) => [r.id, r]));
  const roles = await rolesByUser(db, [...new Set(details.map((r) => r.user_id))]);
  // Watched words 'censor' are applied on display (src/moderation/censor-display.ts): snippets
  // are made from the censored text, so a censored word is neither shown nor highlighted.
  const censor = await displayCensor(db);
  const out: SearchResult[] = [];
  for (const { id, score } of rows) {
    const r = byId.get(id);
    if (!r) continue;
    const article = r.doc_type === 'article';
    const title = article ? (r.article_title ?? '') : (r.topic_title ?? '');
    const raw = article ? htmlToText(r.article_html ?? '') : (r.body_text ?? '');
    const body = censor && !article ? censor(raw) : raw;
    const page = Math.ceil((r.post_number ?? 1) / POSTS_PER_PAGE);
    const url = article
      ? `/kb/${r.article_slug}`
      : `/t/${r.topic_slug}/${r.topic_id}${page > 1 ? `?page=${page}` : ''}${r.doc_type === 'post' ? `#post-${r.post_number}` : ''}`;
    out.push({
      type: r.doc_type,
      url,
      title,
      titleHtml: highlight(title, query),
      snippetHtml: highlight(body, query, 32),
      createdAt: r.created_at,
      author: { username: r.username, display_name: r.display_name, deleted: !!r.user_deleted, roles: roles.get(r.user_id) ?? [] },
      board: r.board_slug ? { slug: r.board_slug, name: r.board_name! } : null,
      topicKind: article ? null : (r.kind ?? null),
      solved: !article && r.solved_post_id !== null,
      acceptedAnswer: r.doc_type === 'post' && r.post_id === r.solved_post_id,
      score: Number(score),
    });
  }
  return out;
}
