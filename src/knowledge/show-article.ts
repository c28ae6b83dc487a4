import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { can, type Actor } from '../policy/policy.ts';
import { findVisibleArticle } from './articles.ts';
import { authorRoles, fullVersion, sourceThread, versionList } from './article-versions.ts';

/** An article page: the current version, the versions a reader may open, and its source thread. */
export async function showArticle(db: Kysely<DB>, actor: Actor | null, slug: string) {
  const article = await findVisibleArticle(db, actor, slug);
  const [current, versions, source] = await Promise.all([
    fullVersion(db, article.id, article.current_version),
    versionList(db, actor, article),
    sourceThread(db, actor, article),
  ]);
  if (!current) throw new Error(`article ${article.id} has no version ${article.current_version}`);
  const roles = await authorRoles(db, versions.map((v) => v.author_id).concat(current.author_id));
  const canEdit = can(actor, 'article.edit', null);
  return {
    article,
    version: { ...current, note: canEdit ? current.note : '' },
    versions,
    source,
    roles,
    canEdit,
    canPublish: article.status === 'draft' && can(actor, 'article.publish', null),
    canUnpublish: article.status === 'published' && can(actor, 'article.unpublish', null),
  };
}
