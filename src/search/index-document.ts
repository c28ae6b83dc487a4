// Keeps the search index current. Each write use case calls these inside its own transaction
// (create, edit, delete of posts and topics; saving and publishing articles), so a search never
// finds text that is no longer there, nor misses text just written. Only what readers can see
// goes in: published article versions, and posts as published (held drafts live elsewhere, and
// masked posts carry their masked text); deleted posts and topics are taken out.
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { htmlToText } from '../shared/markdown.ts';
import { stemmedCopies } from './text.ts';

/** Longest text indexed per document (posts are far shorter; an article could be long). */
const MAX_INDEXED_CHARS = 100_000;

export const isPostgres = (db: Kysely<any>): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

interface Doc {
  doc_type: 'topic' | 'post' | 'article';
  topic_id: number | null;
  post_id: number | null;
  article_id: number | null;
  author_id: number;
  created_at: string;
}

/** Indexes one post as it is now: a topic (title and first post) or a reply; a deleted one is removed. */
export async function indexPost(db: Kysely<DB>, postId: number): Promise<void> {
  const row = await db
    .selectFrom('posts')
    .innerJoin('topics', 'topics.id', 'posts.topic_id')
    .select(['posts.id', 'posts.topic_id', 'posts.user_id', 'posts.post_number', 'posts.body_text', 'posts.created_at', 'posts.deleted_at', 'posts.hidden_at', 'topics.title', 'topics.deleted_at as topic_deleted'])
    .where('posts.id', '=', postId)
    .executeTakeFirst();
  // A post hidden until reviewed (issue 13) is out of the index until a moderator keeps it.
  if (!row || row.deleted_at || row.hidden_at || row.topic_deleted) {
    await removeDocs(db, 'post_id', postId);
    return;
  }
  const first = row.post_number === 1;
  await upsert(db, { doc_type: first ? 'topic' : 'post', topic_id: row.topic_id, post_id: row.id, article_id: null, author_id: row.user_id, created_at: row.created_at }, first ? row.title : '', row.body_text);
}

/** Indexes every post of a topic again (or removes them all, when the topic is deleted). */
export async function indexTopic(db: Kysely<DB>, topicId: number): Promise<void> {
  const posts = await db.selectFrom('posts').select('id').where('topic_id', '=', topicId).execute();
  for (const p of posts) await indexPost(db, p.id);
}

/** Removes a topic and all its replies from the index (the topic was deleted). */
export async function unindexTopic(db: Kysely<DB>, topicId: number): Promise<void> {
  await removeDocs(db, 'topic_id', topicId);
}

/** Indexes an article's current text while it is published; a draft is not in the index. */
export async function indexArticle(db: Kysely<DB>, articleId: number): Promise<void> {
  const row = await db
    .selectFrom('articles')
    .innerJoin('article_versions', (j) => j.onRef('article_versions.article_id', '=', 'articles.id').onRef('article_versions.version', '=', 'articles.current_version'))
    .select(['articles.id', 'articles.status', 'articles.created_by', 'articles.published_at', 'articles.created_at', 'article_versions.title', 'article_versions.body_html'])
    .where('articles.id', '=', articleId)
    .executeTakeFirst();
  if (!row || row.status !== 'published') {
    await removeDocs(db, 'article_id', articleId);
    return;
  }
  await upsert(db, { doc_type: 'article', topic_id: null, post_id: null, article_id: row.id, author_id: row.created_by, created_at: row.published_at ?? row.created_at }, row.title, htmlToText(row.body_html));
}

async function upsert(db: Kysely<DB>, doc: Doc, title: string, body: string): Promise<void> {
  const key = doc.article_id !== null ? ('article_id' as const) : ('post_id' as const);
  const existing = await db.selectFrom('search_docs').select('id').where(key, '=', (doc[key] as number)).executeTakeFirst();
  let id: number;
  if (existing) {
    id = existing.id;
    await db.updateTable('search_docs').set(doc).where('id', '=', id).execute();
  } else {
    id = (await db.insertInto('search_docs').values(doc).returning('id').executeTakeFirstOrThrow()).id;
  }
  const t = stemmedCopies(title);
  const b = stemmedCopies(body.length > MAX_INDEXED_CHARS ? body.slice(0, MAX_INDEXED_CHARS) : body);
  if (isPostgres(db)) {
    // The words are already normalised and stemmed: 'simple' only splits them (no stop words,
    // no second stemming), so PostgreSQL holds exactly the terms SQLite holds.
    await sql`update search_docs set vector =
      setweight(to_tsvector('simple', ${t.en}), 'A') || setweight(to_tsvector('simple', ${t.nl}), 'A') ||
      setweight(to_tsvector('simple', ${b.en}), 'B') || setweight(to_tsvector('simple', ${b.nl}), 'B')
      where id = ${id}`.execute(db);
  } else {
    if (existing) await sql`delete from search_fts where rowid = ${id}`.execute(db);
    await sql`insert into search_fts (rowid, title_en, title_nl, body_en, body_nl) values (${id}, ${t.en}, ${t.nl}, ${b.en}, ${b.nl})`.execute(db);
  }
}

async function removeDocs(db: Kysely<DB>, column: 'post_id' | 'topic_id' | 'article_id', value: number): Promise<void> {
  if (!isPostgres(db)) {
    const ids = await db.selectFrom('search_docs').select('id').where(column, '=', value).execute();
    for (const { id } of ids) await sql`delete from search_fts where rowid = ${id}`.execute(db);
  }
  await db.deleteFrom('search_docs').where(column, '=', value).execute();
}
