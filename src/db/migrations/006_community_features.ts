import type { Kysely } from 'kysely';
import { idColumn, type MigrationContext } from '../migration-helpers.ts';

export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  // Plain text of each post, made once at write time, for descriptions, structured data and
  // search, so that no page view has to strip HTML.
  await db.schema.alterTable('posts').addColumn('body_text', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('posts').addColumn('kudos_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('posts').addColumn('revision_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('posts').addColumn('deleted_by', 'integer').execute();
  // Existing posts, in batches by id (the same conversion new posts get at write time). Imported
  // here so that every command that checks the migrations does not load the HTML toolchain.
  const { htmlToText } = await import('../../shared/markdown.ts');
  for (let after = 0; ; ) {
    const rows = await db.selectFrom('posts').select(['id', 'body_html']).where('id', '>', after).orderBy('id').limit(2000).execute();
    if (rows.length === 0) break;
    for (const r of rows) await db.updateTable('posts').set({ body_text: htmlToText(r.body_html) }).where('id', '=', r.id).execute();
    after = rows.at(-1)!.id;
  }

  // Every earlier state of an edited post: readers open the history (who, when, what changed).
  await db.schema
    .createTable('post_revisions')
    .addColumn('id', 'integer', (c) => idColumn(c, ctx))
    .addColumn('post_id', 'integer', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('body_markdown', 'text', (c) => c.notNull())
    .addColumn('editor_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('post_revisions_post').on('post_revisions').columns(['post_id', 'revision']).unique().execute();

  await db.schema
    .createTable('kudos')
    .addColumn('post_id', 'integer', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('kudos_pk', ['post_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('topic_tags')
    .addColumn('topic_id', 'integer', (c) => c.notNull().references('topics.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('topic_tags_pk', ['topic_id', 'tag'])
    .execute();
  await db.schema.createIndex('topic_tags_tag').on('topic_tags').columns(['tag', 'topic_id']).execute();

  // Board lists sorted by newest and filtered to unanswered or solved questions.
  await db.schema.createIndex('topics_board_created').on('topics').columns(['board_id', 'created_at']).execute();
}
