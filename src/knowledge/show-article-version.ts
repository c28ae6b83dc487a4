import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { can, type Actor } from '../policy/policy.ts';
import { NotFoundError, text } from '../shared/errors.ts';
import { findVisibleArticle } from './articles.ts';
import { authorRoles, firstReadableVersion, fullVersion, sourceThread, versionList } from './article-versions.ts';

/** One earlier (or the current) version of an article, with who saved it and when. Readers
 * open the published versions only, never the drafts before the first publication. */
export async function showArticleVersion(db: Kysely<DB>, actor: Actor | null, slug: string, version: number) {
  const article = await findVisibleArticle(db, actor, slug);
  const missing = () => new NotFoundError(text('knowledge:errors.noSuchVersion', { version }));
  if (version < firstReadableVersion(actor, article) || version > article.current_version) throw missing();
  const [v, versions, source] = await Promise.all([fullVersion(db, article.id, version), versionList(db, actor, article), sourceThread(db, actor, article)]);
  if (!v) throw missing();
  const roles = await authorRoles(db, versions.map((x) => x.author_id).concat(v.author_id));
  const canEdit = can(actor, 'article.edit', null);
  return { article, version: { ...v, note: canEdit ? v.note : '' }, versions, source, roles, canEdit, canPublish: false, isCurrent: version === article.current_version };
}
