// Reading back what a write changed, through the same use cases (and so the same policy) as GET.
import type { Kysely } from 'kysely';
import { loadPost } from '../community/load-post.ts';
import { POSTS_PER_PAGE, showTopic } from '../community/show-topic.ts';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { NotFoundError, text } from '../shared/errors.ts';
import type { Presenter } from './present.ts';

export function readers(db: Kysely<DB>, present: Presenter) {
  /** A topic page as the API shows it (with the opening post's author on later pages too). */
  const topicPage = async (actor: Actor | null, topicId: number, page = 1) => {
    const data = await showTopic(db, actor, topicId, page);
    return present.topicPage(data, page > 1 ? await showTopic(db, actor, topicId, 1) : undefined);
  };
  /** One post, as it appears on its topic page. */
  const post = async (actor: Actor | null, postId: number) => {
    const { post: row } = await loadPost(db, postId);
    const page = await topicPage(actor, row.topic_id, Math.max(1, Math.ceil(row.post_number / POSTS_PER_PAGE)));
    const found = page.posts.find((p) => p.id === postId);
    if (!found) throw new NotFoundError(text('api:errors.noSuchPost'));
    return found;
  };
  return { topicPage, post };
}
