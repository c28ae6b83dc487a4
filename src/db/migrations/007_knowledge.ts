import type { Kysely } from 'kysely';
import { idColumn, type MigrationContext } from '../migration-helpers.ts';

// The knowledge base: articles with every saved version kept. `articles` holds the current
// title and state for lists; the text of each version lives in `article_versions`.
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('articles')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
    .addColumn('current_version', 'integer', (c) => c.notNull())
    // Versions up to this one were drafts, which readers never see (null while a draft).
    .addColumn('first_published_version', 'integer')
    .addColumn('source_topic_id', 'integer', (c) => c.references('topics.id'))
    .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .execute();
  // One article per thread (several nulls are allowed on both databases).
  await db.schema.createIndex('articles_source_topic').on('articles').column('source_topic_id').unique().execute();
  await db.schema.createIndex('articles_status_updated').on('articles').columns(['status', 'updated_at']).execute();

  await db.schema
    .createTable('article_versions')
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body_markdown', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('author_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('article_versions_pk', ['article_id', 'version'])
    .execute();
}
