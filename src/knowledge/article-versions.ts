// Reading side shared by show-article and show-article-version: which versions a reader may
// open, who wrote them, and the thread an article came from.
import type { Kysely } from 'kysely';
import { rolesByUser } from '../accounts/find-user.ts';
import type { ArticlesTable, DB } from '../db/schema.ts';
import { can, type Actor } from '../policy/policy.ts';
import type { Selectable } from 'kysely';

type Article = Selectable<ArticlesTable>;

/** The title and Markdown of an article's current version (the text that is edited or published). */
export function currentText(db: Kysely<DB>, article: { id: number; current_version: number }) {
  return db
    .selectFrom('article_versions')
    .select(['title', 'body_markdown'])
    .where('article_id', '=', article.id)
    .where('version', '=', article.current_version)
    .executeTakeFirstOrThrow();
}

/** Versions saved before the first publication were drafts: only editors see those. */
export const firstReadableVersion = (actor: Actor | null, article: Article): number =>
  can(actor, 'article.view', { status: 'draft' }) ? 1 : (article.first_published_version ?? article.current_version);

export async function versionList(db: Kysely<DB>, actor: Actor | null, article: Article) {
  const showNotes = can(actor, 'article.edit', null);
  const rows = await db
    .selectFrom('article_versions')
    .innerJoin('users', 'users.id', 'article_versions.author_id')
    .select([
      'article_versions.version', 'article_versions.title', 'article_versions.created_at', 'article_versions.note',
      'users.id as author_id', 'users.username as author_username', 'users.display_name as author_name', 'users.deleted_at as author_deleted', 'users.avatar as author_avatar',
    ])
    .where('article_versions.article_id', '=', article.id)
    .where('article_versions.version', '>=', firstReadableVersion(actor, article))
    .orderBy('article_versions.version', 'desc')
    .execute();
  return rows.map((r) => ({ ...r, note: showNotes ? r.note : '' }));
}

export async function fullVersion(db: Kysely<DB>, articleId: number, version: number) {
  return db
    .selectFrom('article_versions')
    .innerJoin('users', 'users.id', 'article_versions.author_id')
    .select([
      'article_versions.version', 'article_versions.title', 'article_versions.body_markdown', 'article_versions.body_html',
      'article_versions.created_at', 'article_versions.note',
      'users.id as author_id', 'users.username as author_username', 'users.display_name as author_name', 'users.deleted_at as author_deleted', 'users.avatar as author_avatar',
    ])
    .where('article_versions.article_id', '=', articleId)
    .where('article_versions.version', '=', version)
    .executeTakeFirst();
}

/** The thread an article was made from, if the actor may open it. */
export async function sourceThread(db: Kysely<DB>, actor: Actor | null, article: Article) {
  if (article.source_topic_id === null) return null;
  const t = await db
    .selectFrom('topics')
    .innerJoin('boards', 'boards.id', 'topics.board_id')
    .select(['topics.id', 'topics.slug', 'topics.title', 'topics.locked', 'topics.closed', 'topics.deleted_at', 'boards.visibility'])
    .where('topics.id', '=', article.source_topic_id)
    .executeTakeFirst();
  if (!t || !can(actor, 'topic.view', { board: { visibility: t.visibility }, locked: !!t.locked, closed: !!t.closed, deleted: !!t.deleted_at })) return null;
  return { id: t.id, slug: t.slug, title: t.title };
}

export const authorRoles = (db: Kysely<DB>, ids: number[]) => rolesByUser(db, ids);
