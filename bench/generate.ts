// Benchmark data generator: fills a database with N users, boards, topics and posts that look
// like a real community (varied Markdown, skewed activity, answered questions, staff replies)
// and whose denormalised counters are exactly what the application itself would have written.
//
//   node --import tsx bench/generate.ts --database file:./data/bench.db \
//        --users 20000 --topics 50000 --posts 1000000 [--boards 12] [--seed 1] [--force]
//
// The whole dataset is planned in memory first (a few typed arrays, ~25 MB for a million posts),
// so every counter is known before the first row is written; rows are then inserted through
// Kysely in multi-row INSERTs, in batched transactions, with explicit ids. Markdown is rendered
// once per distinct body (a pool of 2,000), never once per post.
import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sql, type Insertable, type Kysely } from 'kysely';
import { openDatabase, redactUrl, sqlitePathFromUrl, type Database } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { maintainDatabase } from '../src/operations/maintain-database.ts';
import type { DB, Role, TopicKind } from '../src/db/schema.ts';
import { htmlToText, renderMarkdown } from '../src/shared/markdown.ts';
import { slugify } from '../src/shared/slug.ts';

export interface GenerateOptions {
  databaseUrl: string;
  users: number;
  topics: number;
  posts: number;
  boards?: number;
  /** Seed of the pseudo-random generator: the same options give the same dataset. */
  seed?: number;
  /** Wipe a non-empty database first (deletes the SQLite file; drops Parley's tables on PostgreSQL). */
  force?: boolean;
  /** Distinct Markdown bodies to render and reuse. */
  bodyPool?: number;
  /** The dataset's "now": the newest post is a little before it. */
  now?: number;
  onProgress?: (phase: Phase, done: number, total: number) => void;
}

export type Phase = 'render' | 'users' | 'boards' | 'topics' | 'posts' | 'maintain';

export interface GenerateResult {
  users: number;
  boards: number;
  topics: number;
  posts: number;
  /** All rows written, including roles and the role log. */
  rows: number;
  seconds: number;
  sampleTopic: { id: number; slug: string; posts: number };
  largestTopic: { id: number; slug: string; posts: number };
  sampleBoard: { slug: string; topics: number };
}

export class NotEmptyError extends Error {
  override name = 'NotEmptyError';
}

const DAY = 86_400_000;
const TABLES = ['posts', 'topics', 'boards', 'role_changes', 'user_roles', 'users', 'settings'] as const;

export async function generate(opts: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  const U = opts.users;
  const T = opts.topics;
  const P = opts.posts;
  const B = opts.boards ?? 12;
  if (!Number.isInteger(U) || U < 1) throw new RangeError('--users must be a whole number ≥ 1');
  if (!Number.isInteger(B) || B < 1) throw new RangeError('--boards must be a whole number ≥ 1');
  if (!Number.isInteger(T) || T < 1) throw new RangeError('--topics must be a whole number ≥ 1');
  if (!Number.isInteger(P) || P < T) throw new RangeError('--posts must be a whole number ≥ --topics (every topic has its first post)');
  const progress = opts.onProgress ?? (() => {});
  const rand = mulberry32(opts.seed ?? 1);

  if (opts.force && opts.databaseUrl.startsWith('file:')) {
    const path = sqlitePathFromUrl(opts.databaseUrl);
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
  }
  const database = await openDatabase(opts.databaseUrl);
  try {
    if (opts.force && database.dialect === 'postgres') await dropParleyTables(database.db);
    const filled = await nonEmptyTables(database.db);
    if (filled.length) {
      throw new NotEmptyError(
        `${database.describe} already holds data (${filled.join(', ')}). ` +
          'The generator only fills an empty database; pass --force to wipe it first.',
      );
    }
    await migrateToLatest(database);
    if (database.dialect === 'sqlite') {
      // Only on the generator's own connection: a crash mid-run leaves a half-filled benchmark
      // database, which --force wipes. The server opens the file with its usual settings.
      await sql`PRAGMA synchronous = OFF`.execute(database.db);
      await sql`PRAGMA cache_size = -262144`.execute(database.db); // 256 MiB
      await sql`PRAGMA temp_store = MEMORY`.execute(database.db);
    }

    const bodies = renderBodies(opts.bodyPool ?? Math.min(2000, Math.max(50, Math.ceil(P / 10))), rand, progress);
    const plan = planDataset({ U, B, T, P, now: opts.now ?? Date.now(), rand, bodies: bodies.length });
    const rows = await writeDataset(database, plan, bodies, progress);
    if (database.dialect === 'postgres') await resetIdentities(database.db);
    // Statistics, and on PostgreSQL the visibility map (index-only scans), as `parley db maintain`.
    progress('maintain', 0, 1);
    await maintainDatabase(database);
    progress('maintain', 1, 1);

    const byCount = [...plan.topicPosts.keys()].sort((a, b) => plan.topicPosts[a]! - plan.topicPosts[b]!);
    const median = byCount[Math.floor(byCount.length / 2)]!;
    const largest = byCount[byCount.length - 1]!;
    const busiestBoard = [...plan.boards.keys()].sort((a, b) => plan.boardTopics[b]! - plan.boardTopics[a]!)[0]!;
    return {
      users: U,
      boards: B,
      topics: T,
      posts: P,
      rows,
      seconds: (performance.now() - started) / 1000,
      sampleTopic: { id: median + 1, slug: plan.topicSlug[median]!, posts: plan.topicPosts[median]! },
      largestTopic: { id: largest + 1, slug: plan.topicSlug[largest]!, posts: plan.topicPosts[largest]! },
      sampleBoard: { slug: plan.boards[busiestBoard]!.slug, topics: plan.boardTopics[busiestBoard]! },
    };
  } finally {
    await database.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Planning: every row and counter, decided in memory.

interface Plan {
  now: number;
  users: { username: string; display: string; email: string; created: number; roles: Role[] }[];
  userPosts: Int32Array;
  userAnswers: Int32Array;
  boards: { slug: string; name: string; description: string }[];
  boardTopics: Int32Array;
  boardPosts: Int32Array;
  boardLastAt: Float64Array;
  boardLastTopic: Int32Array;
  // Topics, by index (id = index + 1).
  topicBoard: Int32Array;
  topicUser: Int32Array;
  topicKind: Uint8Array; // 0 discussion, 1 question
  topicTitle: string[];
  topicSlug: string[];
  topicFlags: Uint8Array; // 1 pinned, 2 locked, 4 closed
  topicCreated: Float64Array;
  topicPosts: Int32Array;
  topicLastAt: Float64Array;
  topicLastUser: Int32Array;
  topicSolved: Int32Array; // post id, 0 = none
  topicViews: Int32Array;
  // Posts, in id order (id = index + 1): ids follow time, so a topic's posts are spread
  // through the table as in a real community, not stored side by side.
  postTopic: Int32Array;
  postNumber: Int32Array;
  postUser: Int32Array;
  postTime: Float64Array;
  postBody: Uint16Array;
}

function planDataset(a: { U: number; B: number; T: number; P: number; now: number; rand: () => number; bodies: number }): Plan {
  const { U, B, T, P, rand } = a;
  const now = Math.floor(a.now / 1000) * 1000 - 60_000;
  const start = now - 3 * 365 * DAY;
  const pick = <V>(list: readonly V[]): V => list[Math.floor(rand() * list.length)]!;

  // Users: user 1 is the admin, then a few community managers and moderators; ~2% employees.
  const moderators = Math.max(1, Math.min(20, Math.round(U / 1500)));
  const managers = Math.max(1, Math.min(3, Math.round(U / 5000)));
  const roleOf = (i: number): Role[] => {
    if (i === 0) return ['member', 'admin', 'community_manager'];
    if (i <= managers) return ['member', 'community_manager', 'employee'];
    if (i <= managers + moderators) return i % 3 === 0 ? ['member', 'moderator', 'employee'] : ['member', 'moderator'];
    return rand() < 0.02 ? ['member', 'employee'] : ['member'];
  };
  const users: Plan['users'] = [];
  const employees: number[] = [];
  for (let i = 0; i < U; i++) {
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    const roles = roleOf(i);
    const staff = roles.includes('employee');
    if (staff) employees.push(i);
    const username = `${first}.${last}${i + 1}`.toLowerCase().slice(0, 30);
    users.push({
      username,
      display: staff ? `${first} ${last}` : rand() < 0.3 ? `${first} ${last[0]}.` : `${first} ${last}`,
      email: `${username}@${staff ? 'parley-corp.example' : pick(MAIL_DOMAINS)}`,
      created: 0,
      roles,
    });
  }
  if (employees.length === 0) employees.push(0);
  // Activity is skewed: a shuffled order of users, drawn with a cubic bias towards its head.
  const order = Int32Array.from({ length: U }, (_, i) => i);
  for (let i = U - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const member = () => order[Math.floor(U * rand() ** 3)]!;
  const employee = () => employees[Math.floor(rand() * employees.length)]!;
  const replier = () => (rand() < 0.08 ? employee() : member());

  // Boards, with skewed sizes.
  const boards = Array.from({ length: B }, (_, i) => {
    const base = BOARDS[i % BOARDS.length]!;
    const round = Math.floor(i / BOARDS.length);
    const name = round ? `${base[0]} ${round + 1}` : base[0];
    return { slug: slugify(name, 60), name, description: base[1] };
  });
  const boardWeight = boards.map((_, i) => 1 / (1 + i * 0.35));
  const boardCum = cumulative(boardWeight);

  // Topics: creation times spread over three years, ids in time order.
  const topicCreated = new Float64Array(T);
  for (let t = 0; t < T; t++) topicCreated[t] = Math.floor(start + rand() * (now - start - 3_600_000));
  topicCreated.sort();
  // Posts per topic: one each, the rest spread with a log-normal weight (a few megathreads).
  const weight = new Float64Array(T);
  let wsum = 0;
  for (let t = 0; t < T; t++) wsum += weight[t] = Math.exp(1.3 * gaussian(rand));
  const topicPosts = new Int32Array(T);
  const extra = P - T;
  let given = 0;
  for (let t = 0; t < T; t++) given += topicPosts[t] = Math.floor((weight[t]! / wsum) * extra);
  for (; given < extra; given++) topicPosts[Math.floor(rand() * T)]!++;
  for (let t = 0; t < T; t++) topicPosts[t]!++;

  const topicBoard = new Int32Array(T);
  const topicUser = new Int32Array(T);
  const topicKind = new Uint8Array(T);
  const topicTitle: string[] = new Array(T);
  const topicSlug: string[] = new Array(T);
  const topicFlags = new Uint8Array(T);
  const topicLastAt = new Float64Array(T);
  const topicLastUser = new Int32Array(T);
  const topicSolvedIndex = new Int32Array(T).fill(-1);
  const topicViews = new Int32Array(T);
  const boardTopics = new Int32Array(B);
  const boardPosts = new Int32Array(B);
  const boardLastAt = new Float64Array(B);
  const boardLastTopic = new Int32Array(B);
  const userPosts = new Int32Array(U);
  const userAnswers = new Int32Array(U);
  const userFirst = new Float64Array(U).fill(Infinity);

  const postTopic = new Int32Array(P);
  const postNumber = new Int32Array(P);
  const postUser = new Int32Array(P);
  const postTime = new Float64Array(P);
  const postBody = new Uint16Array(P);
  const openers = Math.max(1, Math.floor(a.bodies / 4)); // bodies [0, openers) open a topic

  let p = 0;
  for (let t = 0; t < T; t++) {
    const board = lowerBound(boardCum, rand() * boardCum[B - 1]!);
    const question = rand() < 0.55;
    const n = topicPosts[t]!;
    const author = member();
    const t0 = topicCreated[t]!;
    const title = question ? questionTitle(pick) : discussionTitle(pick);
    topicBoard[t] = board;
    topicUser[t] = author;
    topicKind[t] = question ? 1 : 0;
    topicTitle[t] = title;
    topicSlug[t] = slugify(title);
    topicFlags[t] = (rand() < 0.0005 ? 1 : 0) | (rand() < 0.01 ? 2 : 0) | (rand() < 0.005 ? 4 : 0);
    topicViews[t] = Math.floor(n * (5 + rand() * 60));

    // Times: replies after the opening post, over hours to months depending on the thread.
    const duration = Math.min(now - t0, (0.2 + rand() * 3) * DAY * Math.sqrt(n));
    const offsets = new Float64Array(n - 1);
    for (let k = 0; k < n - 1; k++) offsets[k] = Math.floor(1000 + rand() * duration);
    offsets.sort();
    // An accepted answer for ~60% of questions that have replies, often from staff.
    const solvedNumber = question && n >= 2 && rand() < 0.6 ? 2 + Math.floor(rand() * Math.min(n - 1, 5)) : 0;
    for (let k = 1; k <= n; k++, p++) {
      const user = k === 1 ? author : k === solvedNumber && rand() < 0.5 ? employee() : replier();
      const at = k === 1 ? t0 : Math.min(now, t0 + offsets[k - 2]!);
      postTopic[p] = t;
      postNumber[p] = k;
      postUser[p] = user;
      postTime[p] = at;
      postBody[p] = k === 1 ? Math.floor(rand() * openers) : openers + Math.floor(rand() * (a.bodies - openers));
      userPosts[user]!++;
      if (at < userFirst[user]!) userFirst[user] = at;
      if (k === solvedNumber) {
        topicSolvedIndex[t] = p;
        userAnswers[user]!++;
      }
      if (k === n) {
        topicLastAt[t] = at;
        topicLastUser[t] = user;
      }
    }
    boardTopics[board]!++;
    boardPosts[board]! += n;
    // Like bumpBoardActivity: the newest activity wins, a later topic on a tie.
    if (topicLastAt[t]! >= boardLastAt[board]!) {
      boardLastAt[board] = topicLastAt[t]!;
      boardLastTopic[board] = t + 1;
    }
  }
  // Pin the first topic of each board so the board page shows pinned ones too.
  const pinned = new Set<number>();
  for (let t = 0; t < T && pinned.size < B; t++) {
    if (!pinned.has(topicBoard[t]!)) {
      pinned.add(topicBoard[t]!);
      topicFlags[t]! |= 1;
    }
  }
  for (let i = 0; i < U; i++) {
    const joined = start - rand() * 180 * DAY + rand() * (now - start);
    users[i]!.created = Math.floor(Math.min(joined, userFirst[i]! - rand() * 30 * DAY));
  }

  // Post ids in time order (ties: plan order, which keeps post numbers ascending within a topic).
  const order2 = new Uint32Array(P);
  for (let i = 0; i < P; i++) order2[i] = i;
  order2.sort((x, y) => postTime[x]! - postTime[y]! || x - y);
  const rank = new Int32Array(P);
  for (let r = 0; r < P; r++) rank[order2[r]!] = r;
  const topicSolved = new Int32Array(T);
  for (let t = 0; t < T; t++) topicSolved[t] = topicSolvedIndex[t]! >= 0 ? rank[topicSolvedIndex[t]!]! + 1 : 0;
  const permute = <A extends Int32Array | Float64Array | Uint16Array>(src: A): A => {
    const out = new (src.constructor as new (n: number) => A)(P);
    for (let r = 0; r < P; r++) out[r] = src[order2[r]!]!;
    return out;
  };

  return {
    now,
    users,
    userPosts,
    userAnswers,
    boards,
    boardTopics,
    boardPosts,
    boardLastAt,
    boardLastTopic,
    topicBoard,
    topicUser,
    topicKind,
    topicTitle,
    topicSlug,
    topicFlags,
    topicCreated,
    topicPosts,
    topicLastAt,
    topicLastUser,
    topicSolved,
    topicViews,
    postTopic: permute(postTopic),
    postNumber: permute(postNumber),
    postUser: permute(postUser),
    postTime: permute(postTime),
    postBody: permute(postBody),
  };
}

// ---------------------------------------------------------------------------------------------
// Writing.

async function writeDataset(
  database: Database,
  plan: Plan,
  bodies: { markdown: string; html: string; text: string }[],
  progress: (phase: Phase, done: number, total: number) => void,
): Promise<number> {
  const db = database.db;
  const iso = (ms: number) => new Date(ms).toISOString();
  let rows = 0;

  const U = plan.users.length;
  await insertAll(db, 'users', U, 11, (i) => {
    const u = plan.users[i]!;
    const created = iso(u.created);
    return {
      id: i + 1,
      username: u.username,
      username_lower: u.username,
      email: u.email,
      email_lower: u.email,
      email_verified_at: created,
      display_name: u.display,
      // Not a valid argon2 hash, so nobody can sign in as a generated user.
      password_hash: '!',
      bio: '',
      post_count: plan.userPosts[i]!,
      answer_count: plan.userAnswers[i]!,
      created_at: created,
    } satisfies Insertable<DB['users']>;
  }, (done) => progress('users', done, U));
  rows += U;
  const grants = plan.users.flatMap((u, i) => u.roles.map((role) => ({ user: i + 1, role, at: iso(u.created) })));
  await insertAll(db, 'user_roles', grants.length, 4, (i) => {
    const g = grants[i]!;
    return { user_id: g.user, role: g.role, granted_at: g.at, granted_by: null } satisfies Insertable<DB['user_roles']>;
  });
  await insertAll(db, 'role_changes', grants.length, 6, (i) => {
    const g = grants[i]!;
    return { user_id: g.user, role: g.role, action: 'grant', actor_id: null, reason: 'account created', at: g.at } satisfies Insertable<DB['role_changes']>;
  });
  rows += 2 * grants.length;

  const B = plan.boards.length;
  await insertAll(db, 'boards', B, 11, (i) => {
    const b = plan.boards[i]!;
    return {
      id: i + 1,
      slug: b.slug,
      name: b.name,
      description: b.description,
      position: i + 1,
      visibility: 'public',
      topic_count: plan.boardTopics[i]!,
      post_count: plan.boardPosts[i]!,
      last_post_at: plan.boardTopics[i]! ? iso(plan.boardLastAt[i]!) : null,
      last_topic_id: plan.boardTopics[i]! ? plan.boardLastTopic[i]! : null,
      created_at: iso(plan.now - 3 * 365 * DAY - 200 * DAY),
    } satisfies Insertable<DB['boards']>;
  }, (done) => progress('boards', done, B));
  rows += B;

  const T = plan.topicBoard.length;
  await insertAll(db, 'topics', T, 16, (t) => {
    const flags = plan.topicFlags[t]!;
    const created = plan.topicCreated[t]!;
    return {
      id: t + 1,
      board_id: plan.topicBoard[t]! + 1,
      user_id: plan.topicUser[t]! + 1,
      kind: (plan.topicKind[t] ? 'question' : 'discussion') satisfies TopicKind,
      title: plan.topicTitle[t]!,
      slug: plan.topicSlug[t]!,
      pinned: flags & 1,
      locked: (flags >> 1) & 1,
      closed: (flags >> 2) & 1,
      solved_post_id: plan.topicSolved[t]! || null,
      post_count: plan.topicPosts[t]!,
      view_count: plan.topicViews[t]!,
      last_post_at: iso(plan.topicLastAt[t]!),
      last_post_user_id: plan.topicLastUser[t]! + 1,
      created_at: iso(created),
    } satisfies Insertable<DB['topics']>;
  }, (done) => progress('topics', done, T));
  rows += T;

  const P = plan.postTopic.length;
  await insertAll(db, 'posts', P, 8, (i) => {
    const body = bodies[plan.postBody[i]!]!;
    return {
      id: i + 1,
      topic_id: plan.postTopic[i]! + 1,
      user_id: plan.postUser[i]! + 1,
      post_number: plan.postNumber[i]!,
      body_markdown: body.markdown,
      body_html: body.html,
      body_text: body.text,
      created_at: iso(plan.postTime[i]!),
    } satisfies Insertable<DB['posts']>;
  }, (done) => progress('posts', done, P));
  rows += P;
  return rows;
}

/** Inserts `count` rows made by `row(i)`: multi-row INSERTs within SQLite's 32,766-variable limit. */
async function insertAll<K extends keyof DB>(
  db: Kysely<DB>,
  table: K,
  count: number,
  columns: number,
  row: (i: number) => Insertable<DB[K]>,
  onBatch: (done: number) => void = () => {},
): Promise<void> {
  const perStatement = Math.min(2000, Math.floor(32_000 / columns));
  const perTransaction = perStatement * 25;
  for (let from = 0; from < count; from += perTransaction) {
    const to = Math.min(count, from + perTransaction);
    await db.transaction().execute(async (tx) => {
      for (let s = from; s < to; s += perStatement) {
        const batch: Insertable<DB[K]>[] = [];
        for (let i = s; i < Math.min(to, s + perStatement); i++) batch.push(row(i));
        // Kysely's row types are per table; the table name and rows match by construction.
        await tx.insertInto(table).values(batch as never).execute();
      }
    });
    onBatch(to);
    // better-sqlite3 answers synchronously: let timers (the progress bars) run between transactions.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (count === 0) onBatch(0);
}

async function nonEmptyTables(db: Kysely<DB>): Promise<string[]> {
  const filled: string[] = [];
  for (const table of TABLES) {
    try {
      // Unqualified, so PostgreSQL's search_path decides which schema is meant.
      const { rows } = await sql<{ one: number }>`select 1 as one from ${sql.table(table)} limit 1`.execute(db);
      if (rows.length) filled.push(table);
    } catch {
      // No such table yet: nothing in it.
    }
  }
  return filled;
}

async function dropParleyTables(db: Kysely<DB>): Promise<void> {
  // Every table of the current schema, so that tables added by later migrations go too.
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
  for (const { table_name } of rows) await sql`drop table if exists ${sql.table(table_name)} cascade`.execute(db);
  // And Parley's functions (the triggers' own, migration 033), which outlive their tables.
  const functions = await sql<{ name: string }>`
    select p.proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = current_schema() and p.proname like 'parley\_%'`.execute(db);
  for (const { name } of functions.rows) await sql`drop function if exists ${sql.id(name)}() cascade`.execute(db);
}

/** Explicit ids leave PostgreSQL's identity sequences behind; move them past the data. */
async function resetIdentities(db: Kysely<DB>): Promise<void> {
  for (const table of ['users', 'role_changes', 'boards', 'topics', 'posts']) {
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'), coalesce(max(id), 0) + 1, false) from ${sql.table(table)}`.execute(db);
  }
}

// ---------------------------------------------------------------------------------------------
// Content: titles and Markdown bodies from templates.

function renderBodies(count: number, rand: () => number, progress: (phase: Phase, done: number, total: number) => void) {
  const pick = <V>(list: readonly V[]): V => list[Math.floor(rand() * list.length)]!;
  const openers = Math.max(1, Math.floor(count / 4));
  const out: { markdown: string; html: string; text: string }[] = [];
  for (let i = 0; i < count; i++) {
    const markdown = i < openers ? openingBody(pick, rand) : replyBody(pick, rand);
    const html = renderMarkdown(markdown);
    out.push({ markdown, html, text: htmlToText(html) });
    if (i % 100 === 99 || i === count - 1) progress('render', i + 1, count);
  }
  return out;
}

type Pick = <V>(list: readonly V[]) => V;

function sentence(pick: Pick): string {
  return `${pick(OPENINGS)} ${pick(SUBJECTS)} ${pick(PREDICATES)}${pick(TAILS)}.`;
}
function paragraph(pick: Pick, rand: () => number): string {
  const n = 1 + Math.floor(rand() * 4);
  return Array.from({ length: n }, () => sentence(pick)).join(' ');
}
function block(pick: Pick, rand: () => number): string {
  const r = rand();
  if (r < 0.12) return '```' + pick(CODE)[0] + '\n' + pick(CODE)[1] + '\n```';
  if (r < 0.22) return Array.from({ length: 2 + Math.floor(rand() * 4) }, () => `- ${pick(SUBJECTS)} ${pick(PREDICATES)}`).join('\n');
  if (r < 0.3) return Array.from({ length: 2 + Math.floor(rand() * 4) }, (_, i) => `${i + 1}. ${pick(STEPS)}`).join('\n');
  if (r < 0.36) return `> ${sentence(pick)}`;
  if (r < 0.4) return `| Setting | Before | After |\n|---|---|---|\n| \`${pick(SETTINGS)}\` | ${pick(VALUES)} | ${pick(VALUES)} |\n| \`${pick(SETTINGS)}\` | ${pick(VALUES)} | ${pick(VALUES)} |`;
  if (r < 0.46) return `${paragraph(pick, rand)} See [${pick(LINKS)[0]}](${pick(LINKS)[1]}) for details.`;
  if (r < 0.52) return `**${pick(EMPHASIS)}** ${paragraph(pick, rand)} Try \`${pick(SETTINGS)}\`.`;
  return paragraph(pick, rand);
}
function openingBody(pick: Pick, rand: () => number): string {
  const blocks = [`${pick(GREETINGS)} ${paragraph(pick, rand)}`];
  for (let n = 1 + Math.floor(rand() * 4); n > 0; n--) blocks.push(block(pick, rand));
  if (rand() < 0.5) blocks.push(pick(CLOSINGS));
  return blocks.join('\n\n');
}
function replyBody(pick: Pick, rand: () => number): string {
  const blocks: string[] = [];
  if (rand() < 0.3) blocks.push(`> ${sentence(pick)}`);
  for (let n = 1 + Math.floor(rand() * rand() * 5); n > 0; n--) blocks.push(block(pick, rand));
  if (rand() < 0.25) blocks.push(pick(CLOSINGS));
  return blocks.join('\n\n');
}
function questionTitle(pick: Pick): string {
  const r = pick([0, 1, 2, 3]);
  if (r === 0) return `How do I ${pick(ACTIONS)} ${pick(OBJECTS)}?`;
  if (r === 1) return `Anyone else? ${cap(pick(OBJECTS))} ${pick(SYMPTOMS)} ${pick(WHENS)}`;
  if (r === 2) return `${cap(pick(OBJECTS))} ${pick(SYMPTOMS)} ${pick(WHENS)}`;
  return `Is it possible to ${pick(ACTIONS)} ${pick(OBJECTS)} ${pick(WHENS)}?`;
}
function discussionTitle(pick: Pick): string {
  const r = pick([0, 1, 2, 3]);
  if (r === 0) return `Feature request: ${pick(FEATURES)}`;
  if (r === 1) return `Share your ${pick(OBJECTS).replace(/^(the|my|our) /, '')} setup`;
  if (r === 2) return `Thoughts on ${pick(FEATURES)}?`;
  return `${cap(pick(OBJECTS))}: ${pick(OPINIONS)}`;
}
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

// Box–Muller: a standard normal sample.
function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function cumulative(weights: number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let s = 0;
  weights.forEach((w, i) => (out[i] = s += w));
  return out;
}
function lowerBound(cum: Float64Array, x: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const FIRST_NAMES = ['Ada', 'Ben', 'Chloé', 'Dmitri', 'Elif', 'Femi', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kavya', 'Liam', 'Maya', 'Nils', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Viktor', 'Wen', 'Ximena', 'Yusuf', 'Zoë', 'Aoife', 'Bruno', 'Carmen', 'Deepa', 'Emil', 'Fatima', 'Gustav', 'Hana', 'Ivan', 'Julia', 'Kofi', 'Lena', 'Marco', 'Noor'] as const;
const LAST_NAMES = ['Andersen', 'Baker', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'García', 'Hansen', 'Ibrahim', 'Jansen', 'Kowalski', 'Larsen', 'Müller', 'Nakamura', 'Okafor', 'Petrov', 'Quispe', 'Rossi', 'Silva', 'Tanaka', 'Urban', 'Varga', 'Weber', 'Xu', 'Yilmaz', 'Zimmermann', 'Byrne', 'Chen', 'Novak', 'Singh'] as const;
const MAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example', 'inbox.example'] as const;
const BOARDS: readonly (readonly [string, string])[] = [
  ['Getting Started', 'New here? Set-up questions and first steps.'],
  ['Billing and Plans', 'Invoices, payment methods, upgrades and refunds.'],
  ['Troubleshooting', 'Something not working? Describe it here and we will help.'],
  ['Mobile App', 'The iOS and Android apps.'],
  ['Integrations', 'Connecting with other tools, webhooks and the API.'],
  ['Feature Requests', 'Ideas for the product, and votes on them.'],
  ['Announcements', 'News and release notes from the team.'],
  ['Security and Privacy', 'Accounts, two-factor sign-in, data and privacy.'],
  ['Networking', 'Routers, Wi-Fi, VPNs and connection problems.'],
  ['Developers', 'SDKs, the REST API and building on the platform.'],
  ['Tips and Tricks', 'Share what works for you.'],
  ['Off Topic', 'Everything else, kindly.'],
];
const ACTIONS = ['export', 'reset', 'migrate', 'sync', 'configure', 'back up', 'share', 'rename', 'delete', 'restore', 'automate', 'connect'] as const;
const OBJECTS = ['my invoices', 'the mobile app', 'the Wi-Fi extender', 'our team workspace', 'the CSV import', 'two-factor sign-in', 'the webhook', 'my router', 'the desktop client', 'notification e-mails', 'the API token', 'the calendar sync', 'shared folders', 'the billing page', 'dark mode'] as const;
const SYMPTOMS = ['keeps disconnecting', 'shows an error', 'is very slow', 'stopped working', 'crashes on start', 'logs me out', 'duplicates entries', 'ignores my settings', 'times out'] as const;
const WHENS = ['every evening', 'after the last update', 'on Android 14', 'behind a VPN', 'since yesterday', 'with large files', 'on the free plan', 'when offline', 'in Safari'] as const;
const FEATURES = ['keyboard shortcuts everywhere', 'a dark theme for reports', 'bulk editing', 'per-project permissions', 'an offline mode', 'exporting to PDF', 'custom fields', 'a public roadmap', 'SSO for small teams', 'scheduled reports'] as const;
const OPINIONS = ['what works for us', 'lessons learned after a year', 'is it worth it?', 'a quick review', 'pros and cons'] as const;
const GREETINGS = ['Hi all,', 'Hello,', 'Hi everyone!', 'Hey,', 'Good morning,', 'Hi team,'] as const;
const CLOSINGS = ['Thanks in advance!', 'Any help appreciated.', 'Thanks!', 'Cheers', 'Hope this helps someone.', 'Let me know if you need more details.'] as const;
const OPENINGS = ['I noticed that', 'It looks like', 'As far as I can tell,', 'Since Tuesday', 'On our side', 'For what it is worth,', 'In my experience', 'After some digging,', 'Oddly enough,', 'We found that'] as const;
const SUBJECTS = ['the sync job', 'the export', 'the mobile app', 'the admin console', 'the router firmware', 'my account', 'the API', 'the invoice PDF', 'the search index', 'the login page', 'the update', 'the support team', 'the new dashboard'] as const;
const PREDICATES = ['works again', 'fails with a timeout', 'takes several minutes', 'does not pick up the change', 'behaves differently on Windows', 'needs a restart', 'resets the setting', 'is much faster now', 'shows the wrong totals', 'returns a 403'] as const;
const TAILS = ['', '', ' after clearing the cache', ' when I switch networks', ' for larger teams', ' on the second try', ' unless I sign out first', ' in the EU region', ' since version 4.2'] as const;
const STEPS = ['Open **Settings → Account**', 'Sign out and back in', 'Clear the app cache', 'Update to the latest version', 'Restart the router', 'Re-run the import', 'Check the webhook log', 'Regenerate the API token', 'Disable the VPN temporarily'] as const;
const SETTINGS = ['sync.interval', 'export.format', 'auth.2fa', 'net.mtu', 'cache.size', 'api.timeout', 'log.level'] as const;
const VALUES = ['on', 'off', '30 s', '5 min', '1500', '1400', 'debug', 'info', 'CSV', 'JSON'] as const;
const EMPHASIS = ['Update:', 'Note:', 'Edit:', 'Solved:', 'Important:', 'Workaround:'] as const;
const LINKS: readonly (readonly [string, string])[] = [
  ['the help centre', 'https://help.example.com/articles/sync'],
  ['the status page', 'https://status.example.com/'],
  ['the API docs', 'https://developer.example.com/api'],
  ['this guide', 'https://example.com/guides/networking'],
  ['the release notes', 'https://example.com/releases/4.2'],
];
const CODE: readonly (readonly [string, string])[] = [
  ['bash', 'curl -H "Authorization: Bearer $TOKEN" https://api.example.com/v2/items?limit=50'],
  ['json', '{\n  "event": "invoice.paid",\n  "retries": 3,\n  "timeout_ms": 5000\n}'],
  ['', 'Error 0x80070005: access denied (sync worker 2)'],
  ['js', "const client = new Client({ token: process.env.TOKEN });\nawait client.items.list({ limit: 50 });"],
  ['yaml', 'sync:\n  interval: 300\n  conflict: newest-wins'],
  ['', 'ping -c 4 192.168.1.1'],
];

// ---------------------------------------------------------------------------------------------
// Command line.

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      database: { type: 'string', default: process.env.DATABASE_URL ?? 'file:./data/bench.db' },
      users: { type: 'string', default: '20000' },
      topics: { type: 'string', default: '50000' },
      posts: { type: 'string', default: '1000000' },
      boards: { type: 'string', default: '12' },
      seed: { type: 'string', default: '1' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(
      'Usage: node --import tsx bench/generate.ts --database file:./data/bench.db|postgres://… ' +
        '[--users 20000] [--topics 50000] [--posts 1000000] [--boards 12] [--seed 1] [--force]',
    );
    return;
  }
  const int = (name: string, v: string) => {
    const n = Number(v.replace(/_/g, ''));
    if (!Number.isInteger(n)) throw new RangeError(`--${name} must be a whole number, got "${v}"`);
    return n;
  };
  const { default: cliProgress } = await import('cli-progress');
  const bars = new cliProgress.MultiBar(
    { format: ' {phase} |{bar}| {percentage}% {value}/{total} {eta_formatted} left', hideCursor: true, clearOnComplete: false, etaBuffer: 50, noTTYOutput: true, notTTYSchedule: 5000 },
    cliProgress.Presets.shades_classic,
  );
  const open = new Map<Phase, ReturnType<typeof bars.create>>();
  const onProgress = (phase: Phase, done: number, total: number) => {
    let bar = open.get(phase);
    if (!bar) open.set(phase, (bar = bars.create(total, 0, { phase: phase.padEnd(6) })));
    bar.update(done);
  };

  console.log(`Generating into ${redactUrl(values.database)} …`);
  let result: GenerateResult;
  try {
    result = await generate({
      databaseUrl: values.database,
      users: int('users', values.users),
      topics: int('topics', values.topics),
      posts: int('posts', values.posts),
      boards: int('boards', values.boards),
      seed: int('seed', values.seed),
      force: values.force,
      onProgress,
    });
  } finally {
    bars.stop();
  }
  const r = result;
  console.log(
    `\nDone in ${r.seconds.toFixed(1)} s: ${fmt(r.users)} users, ${fmt(r.boards)} boards, ${fmt(r.topics)} topics, ${fmt(r.posts)} posts ` +
      `(${fmt(r.rows)} rows, ${fmt(Math.round(r.rows / r.seconds))} rows/s).`,
  );
  console.log(`Sample topic (${fmt(r.sampleTopic.posts)} posts):  /t/${r.sampleTopic.slug}/${r.sampleTopic.id}`);
  console.log(`Largest topic (${fmt(r.largestTopic.posts)} posts): /t/${r.largestTopic.slug}/${r.largestTopic.id}`);
  console.log(`Busiest board (${fmt(r.sampleBoard.topics)} topics): /b/${r.sampleBoard.slug}`);
  console.log(`Browse it: DATABASE_URL=${redactUrl(values.database)} SEED_DEMO=false npm start`);
}

const fmt = (n: number) => n.toLocaleString('en-GB');

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof NotEmptyError || err instanceof RangeError ? `\n${err.message}` : err);
    process.exitCode = 1;
  });
}
