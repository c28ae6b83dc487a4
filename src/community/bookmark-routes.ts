// Saved posts (bookmarks): the Save button under each post (a plain form, also without
// JavaScript), and the reader's own list at /bookmarks with notes, paged by key.
import type { FastifyInstance } from 'fastify';
import { signedIn, formText as str } from '../web/request-helpers.ts';
import { viewHelpers } from '../web/view-helpers.ts';
import { translatorFor } from '../i18n/plugin.ts';
import { bookmarkPost, NOTE_MAX, reminderFromChoice, removeBookmark } from './bookmark-post.ts';
import { listBookmarks, parseBookmarkCursor } from './list-bookmarks.ts';
import { loadVisiblePost } from './load-post.ts';
import { POSTS_PER_PAGE } from './show-topic.ts';

const idParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } }, required: ['id'] } as const;
type Form = Record<string, string | undefined>;

export async function bookmarkRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;

  // The post's Save / Saved button (undo=1 takes it off), and the list's note and Remove forms
  // (from=list: back to the list). A saved post's note and reminder change by saving it again.
  app.post<{ Params: { id: number }; Body: Form }>('/p/:id/bookmark', { schema: { params: idParams } }, async (request, reply) => {
    const actor = signedIn(request);
    const id = request.params.id;
    const body = request.body ?? {};
    // The list's form sends its note and "Remind me" choice; the post's button neither (both kept).
    const changes = { note: typeof body.note === 'string' ? body.note : undefined, remindAt: typeof body.remind === 'string' ? reminderFromChoice(body.remind) : undefined };
    const saved = body.undo === '1' ? (await removeBookmark(db, actor, id), false) : (await bookmarkPost(db, actor, id, changes), true);
    if (request.headers.accept?.includes('application/json')) return { saved };
    if (body.from === 'list') return reply.redirect(`/bookmarks${/^[\w.:~-]{1,64}$/.test(str(body.after)) ? `?after=${encodeURIComponent(str(body.after))}` : ''}`, 303);
    const { post } = await loadVisiblePost(db, actor, id);
    return reply.redirect(`${viewHelpers.topicUrl({ id: post.topic_id, slug: post.slug }, Math.ceil(post.post_number / POSTS_PER_PAGE))}#post-${post.post_number}`, 303);
  });

  app.get<{ Querystring: { after?: string } }>('/bookmarks', {
    schema: { querystring: { type: 'object', properties: { after: { type: 'string', maxLength: 64 } } } },
  }, async (request, reply) => {
    const actor = signedIn(request);
    const after = request.query.after ?? '';
    const { bookmarks, next } = await listBookmarks(db, actor, parseBookmarkCursor(after));
    reply.header('cache-control', 'private, no-store');
    const { t } = translatorFor(request);
    return reply.view('bookmarks', {
      title: t('community:bookmarks.title'),
      bookmarks: bookmarks.map((b) => ({ ...b, url: `${viewHelpers.topicUrl(b.topic, b.page)}#post-${b.postNumber}` })),
      after,
      next,
      noteMax: NOTE_MAX,
      csrf: reply.generateCsrf(),
    });
  });
}
