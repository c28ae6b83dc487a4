import { sql, type Kysely } from 'kysely';
import { idColumn, type MigrationContext } from '../migration-helpers.ts';

// Full-text search (src/search) and in-app notifications (src/notifications).
//
// search_docs: one row per searchable thing: a topic (its title and first post), a reply, or a
// published knowledge-base article. Who may see it, its board, tags and solved state are joined
// from the live tables at query time, so a move, a lock or a change of board visibility never
// leaves a stale copy that could show a private topic. The words themselves are indexed as
// stemmed copies made in JavaScript (src/search/text.ts): in an FTS5 table on SQLite and in a
// tsvector column with a GIN index on PostgreSQL. The index is filled by `parley reindex` (run
// below for existing data) and kept current by the use cases that write, in their transaction.
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('search_docs')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('doc_type', 'text', (c) => c.notNull()) // 'topic' | 'post' | 'article'
    .addColumn('topic_id', 'integer', (c) => c.references('topics.id').onDelete('cascade'))
    .addColumn('post_id', 'integer', (c) => c.references('posts.id').onDelete('cascade'))
    .addColumn('article_id', 'integer', (c) => c.references('articles.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('search_docs_post').on('search_docs').column('post_id').unique().execute();
  await db.schema.createIndex('search_docs_article').on('search_docs').column('article_id').unique().execute();
  await db.schema.createIndex('search_docs_topic').on('search_docs').column('topic_id').execute();
  if (ctx.dialect === 'postgres') {
    await sql`alter table search_docs add column vector tsvector not null default ''::tsvector`.execute(db);
    await sql`create index search_docs_vector on search_docs using gin (vector)`.execute(db);
  } else {
    // Contentless: the words live only in the index (the text is in posts and articles);
    // contentless_delete lets an edit or delete remove a row by its id.
    await sql`create virtual table search_fts using fts5(title_en, title_nl, body_en, body_nl, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`.execute(db);
  }

  // Imported here so that every command that checks the migrations does not load the indexer.
  const { rebuildSearchIndex } = await import('../../search/rebuild-index.ts');
  await rebuildSearchIndex(db);

  // In-app notifications: one row per event and recipient; grouped when shown.
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull()) // reply | mention | quote | accepted | kudos | watched
    .addColumn('actor_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('topic_id', 'integer', (c) => c.references('topics.id').onDelete('cascade'))
    .addColumn('post_id', 'integer', (c) => c.references('posts.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    // E-mail: set when a sender claimed it (sent, or given up as not wanted); null again after a
    // failed send, so the next sweep retries it.
    .addColumn('emailed_at', 'text')
    .addColumn('email_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('notifications_email').on('notifications').columns(['emailed_at', 'created_at']).execute();
  await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'read_at', 'created_at']).execute();
  await db.schema.createIndex('notifications_created').on('notifications').column('created_at').execute();

  // Watching: a person's level for a topic or a board (watching, or muted).
  await db.schema
    .createTable('watches')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('target', 'text', (c) => c.notNull()) // 'topic' | 'board'
    .addColumn('target_id', 'integer', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull()) // 'watching' | 'muted'
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('watches_pk', ['user_id', 'target', 'target_id'])
    .execute();
  // A person's notification choices: watch topics they take part in (default on), and per kind
  // of notification where it goes (JSON: kind → 'app' | 'email' | 'off'; missing = the default).
  await db.schema
    .createTable('notification_settings')
    .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('autowatch', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('per_kind', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // Tracking: how far a person has read each topic they opened (unread markers, "first unread").
  await db.schema
    .createTable('topic_reads')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('topic_id', 'integer', (c) => c.notNull().references('topics.id').onDelete('cascade'))
    .addColumn('last_read_post_number', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('topic_reads_pk', ['user_id', 'topic_id'])
    .execute();
  await db.schema.createIndex('watches_target').on('watches').columns(['target', 'target_id', 'level']).execute();
}

export async function down(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  await db.schema.dropTable('topic_reads').execute();
  await db.schema.dropTable('notification_settings').execute();
  await db.schema.dropTable('watches').execute();
  await db.schema.dropTable('notifications').execute();
  if (ctx.dialect === 'sqlite') await sql`drop table search_fts`.execute(db);
  await db.schema.dropTable('search_docs').execute();
}
