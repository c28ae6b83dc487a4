import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { can, type Actor } from '../policy/policy.ts';
import { NotFoundError, text } from '../shared/errors.ts';

/** A post with what the policy needs to decide about it (its topic and board). */
export async function loadPost(db: Kysely<DB>, postId: number) {
  const row = await db
    .selectFrom('posts')
    .innerJoin('topics', 'topics.id', 'posts.topic_id')
    .innerJoin('boards', 'boards.id', 'topics.board_id')
    .select([
      'posts.id', 'posts.topic_id', 'posts.user_id', 'posts.post_number', 'posts.body_markdown', 'posts.deleted_at', 'posts.revision_count',
      'posts.kudos_count', 'posts.hidden_at', 'topics.title', 'topics.slug', 'topics.kind', 'topics.user_id as topic_author', 'topics.locked', 'topics.closed',
      'topics.deleted_at as topic_deleted', 'topics.board_id', 'boards.visibility',
    ])
    .where('posts.id', '=', postId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(text('community:errors.noSuchPost'));
  const subject = {
    board: { visibility: row.visibility, id: row.board_id },
    locked: !!row.locked,
    closed: !!row.closed,
    deleted: !!row.topic_deleted,
    authorId: row.user_id,
    postDeleted: !!row.deleted_at,
    postHidden: !!row.hidden_at,
  };
  return { post: row, subject };
}

/**
 * A post the actor may read (the policy's post.view): anything else is "no such post" (404),
 * as the topic page answers, never a 403 that would confirm a hidden post exists.
 */
export async function loadVisiblePost(db: Kysely<DB>, actor: Actor | null, postId: number) {
  const loaded = await loadPost(db, postId);
  if (!can(actor, 'post.view', loaded.subject)) throw new NotFoundError(text('community:errors.noSuchPost'));
  return loaded;
}
