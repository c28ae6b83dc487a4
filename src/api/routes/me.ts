// Who the API sees: lets a script check its token, and gives a browser session its CSRF token.
import type { FastifyInstance } from 'fastify';
import { rolesOf } from '../../accounts/find-user.ts';
import { signedIn, security } from '../auth.ts';
import type { Presenter } from '../present.ts';
import { errors, idParams, ref } from '../schemas.ts';
import { bookmarkPost, NOTE_MAX, removeBookmark } from '../../community/bookmark-post.ts';
import { BOOKMARKS_PER_PAGE, listBookmarks, parseBookmarkCursor } from '../../community/list-bookmarks.ts';
import { viewHelpers } from '../../web/view-helpers.ts';
import { ignoreUser, listIgnored, stopIgnoring } from '../../accounts/ignore-user.ts';

export async function meRoutes(app: FastifyInstance, { present }: { present: Presenter }): Promise<void> {
  const db = app.database.db;
  app.get('/me', {
    schema: {
      tags: ['Users'], security: security.any, summary: 'The signed-in caller',
      description: 'For a cookie session, `csrfToken` is the value to send in the `x-csrf-token` header of every write. Token-authenticated calls need none.',
      response: {
        200: {
          type: 'object',
          properties: {
            user: ref('Author'),
            authenticatedBy: { type: 'string', enum: ['token', 'session'] },
            csrfToken: { type: ['string', 'null'] },
          },
          required: ['user', 'authenticatedBy', 'csrfToken'],
        },
        ...errors(401),
      },
    },
  }, async (request, reply) => {
    const actor = signedIn(request);
    const user = request.user!;
    reply.header('cache-control', 'no-store');
    return {
      user: present.author({ username: user.username, display_name: user.display_name, deleted: false }, await rolesOf(db, actor.id)),
      authenticatedBy: request.apiToken ? 'token' : 'session',
      csrfToken: request.apiToken ? null : reply.generateCsrf(),
    };
  });

  // ---- Saved posts (bookmarks): private to the caller ----
  const bookmark = {
    type: 'object',
    properties: {
      postId: { type: 'integer' },
      url: { type: 'string' },
      topic: { type: 'object', properties: { id: { type: 'integer' }, title: { type: 'string' }, url: { type: 'string' } }, required: ['id', 'title', 'url'] },
      board: { type: 'object', properties: { name: { type: 'string' }, url: { type: 'string' } }, required: ['name', 'url'] },
      author: { type: 'object', properties: { username: { type: ['string', 'null'] }, displayName: { type: ['string', 'null'] } }, required: ['username', 'displayName'] },
      excerpt: { type: 'string' },
      note: { type: 'string' },
      remindAt: { type: ['string', 'null'], format: 'date-time' },
      savedAt: { type: 'string', format: 'date-time' },
    },
    required: ['postId', 'url', 'topic', 'board', 'author', 'excerpt', 'note', 'remindAt', 'savedAt'],
  } as const;
  app.get<{ Querystring: { after?: string } }>('/me/bookmarks', {
    schema: {
      tags: ['Users'], security: security.any, summary: 'Your saved posts, newest saved first',
      description: `${BOOKMARKS_PER_PAGE} a page; \`next\` is the \`after\` of the next page (null on the last). Posts you can no longer read (deleted, or moved to a board you do not see) are left out.`,
      querystring: { type: 'object', properties: { after: { type: 'string', maxLength: 64 } } },
      response: {
        200: { type: 'object', properties: { bookmarks: { type: 'array', items: bookmark }, next: { type: ['string', 'null'] } }, required: ['bookmarks', 'next'] },
        ...errors(400, 401),
      },
    },
  }, async (request, reply) => {
    const { bookmarks, next } = await listBookmarks(db, signedIn(request), parseBookmarkCursor(request.query.after));
    reply.header('cache-control', 'private, no-store');
    return {
      bookmarks: bookmarks.map((b) => ({
        postId: b.postId,
        url: present.url(`${viewHelpers.topicUrl(b.topic, b.page)}#post-${b.postNumber}`),
        topic: { id: b.topic.id, title: b.topic.title, url: present.url(viewHelpers.topicUrl(b.topic)) },
        board: { name: b.board.name, url: present.url(viewHelpers.boardUrl(b.board.slug)) },
        author: b.author,
        excerpt: b.excerpt,
        note: b.note,
        remindAt: b.remindAt,
        savedAt: b.savedAt,
      })),
      next,
    };
  });
  app.put<{ Params: { id: number }; Body: { note?: string; remindAt?: string | null } | undefined }>('/me/bookmarks/:id', {
    schema: {
      tags: ['Users'], security: security.any, summary: 'Save a post (by its id), or change the note or reminder of a saved post',
      description: 'A field left out keeps its value. `remindAt`: when to get a notification about the post (within the next year), once; null for none.',
      params: idParams,
      body: { type: 'object', properties: { note: { type: 'string', maxLength: NOTE_MAX * 4 }, remindAt: { type: ['string', 'null'], maxLength: 40 } }, additionalProperties: false },
      response: { 200: { type: 'object', properties: { postId: { type: 'integer' }, saved: { type: 'boolean' }, created: { type: 'boolean' } }, required: ['postId', 'saved', 'created'] }, ...errors(400, 401, 404, 409) },
    },
  }, async (request) => ({ postId: request.params.id, saved: true, created: await bookmarkPost(db, signedIn(request), request.params.id, { note: request.body?.note, remindAt: request.body?.remindAt }) }));
  app.delete<{ Params: { id: number } }>('/me/bookmarks/:id', {
    schema: {
      tags: ['Users'], security: security.any, summary: 'Take a post off your saved posts (no error when it was not saved)',
      params: idParams,
      response: { 200: { type: 'object', properties: { postId: { type: 'integer' }, saved: { type: 'boolean' }, removed: { type: 'boolean' } }, required: ['postId', 'saved', 'removed'] }, ...errors(400, 401) },
    },
  }, async (request) => ({ postId: request.params.id, saved: false, removed: await removeBookmark(db, signedIn(request), request.params.id) }));

  // ---- People the caller ignores (src/accounts/ignore-user.ts) ----
  const usernameParams = { type: 'object', properties: { username: { type: 'string', minLength: 1, maxLength: 40 } }, required: ['username'] } as const;
  app.get('/me/ignored', {
    schema: {
      tags: ['Users'], security: security.any, summary: 'The people you ignore',
      description: 'Their posts are folded away on your topic pages, their actions do not notify you, and they cannot start private conversations with you.',
      response: {
        200: {
          type: 'object',
          properties: {
            ignored: { type: 'array', items: { type: 'object', properties: { username: { type: 'string' }, displayName: { type: 'string' }, since: { type: 'string', format: 'date-time' } }, required: ['username', 'displayName', 'since'] } },
          },
          required: ['ignored'],
        },
        ...errors(401),
      },
    },
  }, async (request, reply) => {
    reply.header('cache-control', 'private, no-store');
    return { ignored: await listIgnored(db, signedIn(request)) };
  });
  app.put<{ Params: { username: string } }>('/me/ignored/:username', {
    schema: {
      tags: ['Users'], security: security.any, summary: 'Ignore a member (not yourself, not the community team)',
      params: usernameParams,
      response: { 200: { type: 'object', properties: { username: { type: 'string' }, ignored: { type: 'boolean' } }, required: ['username', 'ignored'] }, ...errors(400, 401, 403, 404, 409) },
    },
  }, async (request) => ({ username: (await ignoreUser(db, signedIn(request), request.params.username)).username, ignored: true }));
  app.delete<{ Params: { username: string } }>('/me/ignored/:username', {
    schema: {
      tags: ['Users'], security: security.any, summary: 'Stop ignoring a member (no error when you did not)',
      params: usernameParams,
      response: { 200: { type: 'object', properties: { username: { type: 'string' }, ignored: { type: 'boolean' } }, required: ['username', 'ignored'] }, ...errors(400, 401, 404) },
    },
  }, async (request) => {
    await stopIgnoring(db, signedIn(request), request.params.username);
    return { username: request.params.username, ignored: false };
  });
}
