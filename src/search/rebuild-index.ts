// `parley reindex`: builds the whole search index again from the posts and articles, in batches
// (each its own transaction, so a live server's writes wait at most one batch). Used after a
// bulk import, a restore, or a change to how text is indexed.
import { availableParallelism, totalmem } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { correctStatistics } from '../db/statistics.ts';
import { lanes } from '../shared/lanes.ts';
import { htmlToText } from '../shared/markdown.ts';
import { isPostgres } from './index-document.ts';
import { stemmedCopies } from './text.ts';

// 2,000 documents a transaction: a live server's writes wait at most ~0.2 s for one.
const BATCH = 2000;
/**
 * FTS5's settings while the index is built, then a live index's (FTS5's defaults). Built, it
 * does no merging of its own (automerge 0) and writes each transaction as one segment (a hash
 * table of 64 MiB before it spills, not 1 MiB); a level is merged only once it holds 1,000
 * segments (FTS5 refuses more than 2,000 in all), and mergeFtsSegments merges the rest at the
 * end: each term is rewritten about twice, not once for every level incremental merging climbs.
 * Literals in the statements: FTS5 wants integers, and the driver binds JavaScript numbers as reals.
 */
const FTS_BULK = { automerge: 0, crisismerge: 1000, hashsize: 64 << 20 };
const FTS_LIVE = { automerge: 4, crisismerge: 16, hashsize: 1 << 20 };
/** Rows per FTS5 insert: 5 parameters a row, well under SQLite's limit of 32,766. */
const FTS_ROWS = 500;

export interface RebuildProgress {
  (done: number, total: number): void;
}

export interface RebuildOptions {
  /** Stops the rebuild between two batches (the CLI's Ctrl-C): the index is then incomplete. */
  signal?: AbortSignal;
  /** Documents a transaction (tests make it small to see several). */
  batch?: number;
  /**
   * PostgreSQL: batches written at once, each in its own transaction on its own connection. The
   * server's share of a batch (to_tsvector, the GIN index, foreign keys) is ~3/4 of a reindex's
   * time and runs on one core per connection. Default: the cores, at most 4. SQLite: always 1.
   */
  concurrency?: number;
}

export async function rebuildSearchIndex(db: Kysely<DB>, progress: RebuildProgress = () => {}, options: RebuildOptions = {}): Promise<{ documents: number }> {
  const pg = isPostgres(db);
  // One batch at a time on SQLite (one writer) and inside a caller's transaction (one connection).
  const concurrency = pg && !db.isTransaction ? (options.concurrency ?? Math.min(4, availableParallelism())) : 1;
  const run = { signal: options.signal, batch: options.batch ?? BATCH, concurrency };
  if (pg || db.isTransaction) return rebuild(db, progress, run);
  // SQLite: FTS5's merges read its segments back; past the 2 GiB memory map (10 M posts) those
  // reads go through the connection's page cache, 64 MiB. A larger one while it runs, an eighth of
  // the machine's memory up to 1 GiB, then the usual one again.
  const before = Number((await sql<{ cache_size: number }>`pragma cache_size`.execute(db)).rows[0]!.cache_size);
  const kib = Math.min(1 << 20, Math.floor(totalmem() / 8 / 1024));
  await sql.raw(`pragma cache_size = -${kib}`).execute(db);
  try {
    // Statistics an ANALYZE took of a small index would have FTS5's merges scan it (db/statistics.ts).
    await correctStatistics({ dialect: 'sqlite', db });
    await setFts(db, FTS_BULK);
    return await rebuild(db, progress, run);
  } finally {
    // Also after an error or a Ctrl-C: a live index left without merging would slow every search.
    await setFts(db, FTS_LIVE);
    await sql.raw(`pragma cache_size = ${before}`).execute(db);
  }
}

async function setFts(db: Kysely<DB>, settings: typeof FTS_LIVE): Promise<void> {
  await inTransaction(db, async (tx) => {
    for (const [name, value] of Object.entries(settings)) {
      await sql`insert into search_fts (search_fts, rank) values (${name}, ${sql.lit(value)})`.execute(tx);
    }
  });
}

/** Between two batches: lets timers (the CLI's progress lines) and signals have their turn. */
async function pause(signal: AbortSignal | undefined): Promise<void> {
  await nextTurn();
  signal?.throwIfAborted();
}

async function rebuild(db: Kysely<DB>, progress: RebuildProgress, { signal, batch, concurrency }: { signal: AbortSignal | undefined; batch: number; concurrency: number }): Promise<{ documents: number }> {
  const pg = isPostgres(db);
  const postsTotal = Number((await db.selectFrom('posts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const articlesTotal = Number((await db.selectFrom('articles').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const total = postsTotal + articlesTotal;
  await inTransaction(db, async (tx) => {
    if (!pg) await sql`insert into search_fts (search_fts) values ('delete-all')`.execute(tx);
    await tx.deleteFrom('search_docs').execute();
  });
  let done = 0;
  let documents = 0;
  progress(0, total);
  // Batches are read one after another (by key) and written side by side on PostgreSQL.
  const writers = lanes(concurrency);
  try {
    for (let after = 0; ; ) {
      await pause(signal);
      const rows = await db
        .selectFrom('posts')
        .innerJoin('topics', 'topics.id', 'posts.topic_id')
        .select(['posts.id', 'posts.topic_id', 'posts.user_id', 'posts.post_number', 'posts.body_text', 'posts.created_at', 'posts.deleted_at', 'posts.hidden_at', 'topics.title', 'topics.deleted_at as topic_deleted'])
        .where('posts.id', '>', after)
        .orderBy('posts.id')
        .limit(batch)
        .execute();
      if (rows.length === 0) break;
      after = rows.at(-1)!.id;
      const live = rows.filter((r) => !r.deleted_at && !r.hidden_at && !r.topic_deleted);
      await writers.run(async () => {
        await insertBatch(db, pg, live.map((r) => ({
          doc: { doc_type: r.post_number === 1 ? ('topic' as const) : ('post' as const), topic_id: r.topic_id, post_id: r.id, article_id: null, author_id: r.user_id, created_at: r.created_at },
          title: r.post_number === 1 ? r.title : '',
          body: r.body_text,
        })));
        documents += live.length;
        done += rows.length;
        progress(done, total);
      });
    }
    const articles = await db
      .selectFrom('articles')
      .innerJoin('article_versions', (j) => j.onRef('article_versions.article_id', '=', 'articles.id').onRef('article_versions.version', '=', 'articles.current_version'))
      .select(['articles.id', 'articles.status', 'articles.created_by', 'articles.published_at', 'articles.created_at', 'article_versions.title', 'article_versions.body_html'])
      .execute();
    const published = articles.filter((a) => a.status === 'published');
    for (let i = 0; i < published.length; i += batch) {
      await pause(signal);
      const some = published.slice(i, i + batch);
      await writers.run(async () => {
        await insertBatch(db, pg, some.map((a) => ({
          doc: { doc_type: 'article' as const, topic_id: null, post_id: null, article_id: a.id, author_id: a.created_by, created_at: a.published_at ?? a.created_at },
          title: a.title,
          body: htmlToText(a.body_html),
        })));
        documents += some.length;
      });
    }
  } catch (err) {
    // A stop or a failed read: the batches being written end first (their failure, if any, is lost
    // to this one), so that nothing writes after the caller's clean-up.
    await writers.finish().catch(() => {});
    throw err;
  }
  await writers.finish();
  // Fresh statistics for the planner (PostgreSQL otherwise guesses a word's matches from an
  // empty table, and picks plans for a handful of rows). VACUUM too: it empties the GIN index's
  // pending list, which every search reads through until then (at 1 M posts the reindex left 154
  // pages, ~0.4 ms a search), and marks the new rows visible once rather than on each first read.
  if (pg && !db.isTransaction) await sql`vacuum analyze search_docs`.execute(db);
  if (!pg) await mergeFtsSegments(db, signal);
  progress(total, total);
  return { documents };
}

type Entry = { doc: { doc_type: 'topic' | 'post' | 'article'; topic_id: number | null; post_id: number | null; article_id: number | null; author_id: number; created_at: string }; title: string; body: string };

async function insertBatch(db: Kysely<DB>, pg: boolean, entries: Entry[]): Promise<void> {
  if (entries.length === 0) return;
  await inTransaction(db, async (tx) => {
    if (pg) {
      await tx
        .insertInto('search_docs')
        .values(entries.map(({ doc, title, body }) => {
          const t = stemmedCopies(title);
          const b = stemmedCopies(body.slice(0, 100_000));
          return {
            ...doc,
            vector: sql`setweight(to_tsvector('simple', ${t.en}), 'A') || setweight(to_tsvector('simple', ${t.nl}), 'A') || setweight(to_tsvector('simple', ${b.en}), 'B') || setweight(to_tsvector('simple', ${b.nl}), 'B')`,
          } as never;
        }))
        .execute();
      return;
    }
    // SQLite: the batch in two multi-row statements (one per table), not two per row: row by row
    // through the driver, reindexing a million posts took about 40 minutes. The new ids come back
    // with the post or article they index (RETURNING's order is not promised).
    const inserted = await tx.insertInto('search_docs').values(entries.map((e) => e.doc)).returning(['id', 'post_id', 'article_id']).execute();
    const idOf = new Map(inserted.map((r) => [r.post_id !== null ? `p${r.post_id}` : `a${r.article_id}`, r.id]));
    for (let i = 0; i < entries.length; i += FTS_ROWS) {
      const rows = entries.slice(i, i + FTS_ROWS).map(({ doc, title, body }) => {
        const t = stemmedCopies(title);
        const b = stemmedCopies(body.slice(0, 100_000));
        const id = idOf.get(doc.post_id !== null ? `p${doc.post_id}` : `a${doc.article_id}`)!;
        return sql`(${id}, ${t.en}, ${t.nl}, ${b.en}, ${b.nl})`;
      });
      await sql`insert into search_fts (rowid, title_en, title_nl, body_en, body_nl) values ${sql.join(rows)}`.execute(tx);
    }
  });
}

/**
 * SQLite: merges the FTS5 index's segments (the batches left many, each read by every search)
 * in bounded steps, each its own transaction, until FTS5 has nothing left to merge. At 1 M posts,
 * merged ('optimize') searches took 16–75 ms against 55–160 ms before, on the same loaded machine.
 * One 'optimize' does it in one transaction (7 minutes there), which a live server's writes would
 * wait for; a negative step merges any level with two segments or more, towards one, as
 * 'optimize' does. FTS5 tells that a step did nothing by raising total_changes() by less than 2.
 */
async function mergeFtsSegments(db: Kysely<DB>, signal: AbortSignal | undefined): Promise<void> {
  const changes = async (tx: Kysely<DB>) => Number((await sql<{ n: number }>`select total_changes() as n`.execute(tx)).rows[0]!.n);
  for (;;) {
    await pause(signal);
    const worked = await inTransaction(db, async (tx) => {
      const before = await changes(tx);
      await sql`insert into search_fts (search_fts, rank) values ('merge', -2000)`.execute(tx);
      return (await changes(tx)) - before >= 2;
    });
    if (!worked) return;
  }
}

/** A transaction of its own, or the caller's (a migration runs inside one on PostgreSQL). */
function inTransaction<T>(db: Kysely<DB>, fn: (tx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
