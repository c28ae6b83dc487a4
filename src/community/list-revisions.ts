import { diffWords } from 'diff';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { can, type Actor } from '../policy/policy.ts';
import { loadVisiblePost } from './load-post.ts';

export interface Change {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/**
 * A post's history, newest first: each version with who wrote it, when, and what changed
 * from the version before (a word diff of the Markdown).
 */
export async function listRevisions(db: Kysely<DB>, actor: Actor | null, postId: number) {
  const { post } = await loadVisiblePost(db, actor, postId);
  const rows = await db
    .selectFrom('post_revisions')
    .leftJoin('users', 'users.id', 'post_revisions.editor_id')
    .select(['post_revisions.revision', 'post_revisions.title', 'post_revisions.body_markdown', 'post_revisions.reason', 'post_revisions.created_at', 'users.display_name as editor', 'users.deleted_at as editor_deleted'])
    .where('post_revisions.post_id', '=', post.id)
    .orderBy('post_revisions.revision')
    .execute();
  const current = await db.selectFrom('posts').select(['body_markdown', 'created_at', 'updated_at']).where('id', '=', post.id).executeTakeFirstOrThrow();
  // Older versions are for the author and staff only (issue 13, point 8): text an author edited
  // out (a customer number, an address) must not stay public in the history.
  if (!can(actor, 'post.viewRevisions', { authorId: post.user_id })) {
    return { post, original: { at: current.created_at, text: current.body_markdown }, versions: [] as { version: number; editor: string; editorDeleted: boolean; at: string; reason: string; changes: Change[] }[], restricted: rows.length > 0 };
  }
  // Revision n holds the text as it was before edit n; the edit's author and time are on it too.
  const texts = [...rows.map((r) => r.body_markdown), current.body_markdown];
  const versions = rows.map((r, i) => ({
    version: i + 2,
    // `editor` in English for the API; pages say "deleted user" in the reader's language.
    editor: r.editor_deleted ? 'deleted user' : (r.editor ?? 'deleted user'),
    editorDeleted: !!r.editor_deleted || r.editor === null,
    at: r.created_at,
    reason: r.reason,
    changes: diffWords(texts[i]!, texts[i + 1]!).map((c): Change => ({ kind: c.added ? 'added' : c.removed ? 'removed' : 'same', text: c.value })),
  }));
  return { post, original: { at: current.created_at, text: texts[0]! }, versions: versions.reverse(), restricted: false };
}
