// Community managers manage the boards on the web: list them in order with their counts,
// create, edit (name, address, description, visibility) and move them up or down.
// Every route is authorized by 'board.manage'; bad input re-renders the form with the message
// and what was typed, and writes nothing.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, type Actor } from '../policy/policy.ts';
import { formErrors, NotFoundError, text, UserError } from '../shared/errors.ts';
import { translatorFor } from '../i18n/plugin.ts';
import { createBoard } from './create-board.ts';
import { listBoardsInOrder, moveBoard, parseDirection } from './reorder-boards.ts';
import { BOARD_VISIBILITIES, parseBoardFields, TOPIC_CREATORS, updateBoard } from './update-board.ts';
import { formText as str } from '../web/request-helpers.ts';
import { addBoardModerator, listBoardModerators, removeBoardModerator } from '../moderation/board-moderators.ts';

type Form = Record<string, string | undefined>;
const formValues = (b: Form) => ({ name: str(b.name), slug: str(b.slug), description: str(b.description), visibility: str(b.visibility), ...(b.topic_creators !== undefined ? { topic_creators: str(b.topic_creators) } : {}) });

function manager(request: FastifyRequest): Actor {
  if (!request.actor) throw new UserError(text('admin:errors.signIn'), 401);
  authorize(request.actor, 'board.manage', null);
  return request.actor;
}

/** Input errors go back to the form; sign-in, permission and missing boards are error pages. */
const isFormError = (err: unknown): err is UserError => err instanceof UserError && ![401, 403, 404].includes(err.status);

const slugParams = { schema: { params: { type: 'object', properties: { slug: { type: 'string', minLength: 1, maxLength: 80 } }, required: ['slug'] } } } as const;

export async function boardAdminRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;

  const listPage = async (request: FastifyRequest, reply: FastifyReply, extra: object = {}, status = 200) => {
    const boards = await listBoardsInOrder(db, manager(request));
    reply.header('cache-control', 'no-store');
    return reply.code(status).view('boards-admin', {
      title: translatorFor(request).t('admin:boards.title'), boards, visibilities: BOARD_VISIBILITIES, csrf: reply.generateCsrf(),
      values: { name: '', slug: '', description: '', visibility: 'public' }, error: null, field: null, saved: null, ...extra,
    });
  };

  const findBoard = async (slug: string) => {
    const board = await db.selectFrom('boards').select(['id', 'slug', 'name', 'description', 'visibility', 'topic_creators', 'topic_count', 'post_count']).where('slug', '=', slug).executeTakeFirst();
    if (!board) throw new NotFoundError(text('admin:errors.noSuchBoard'));
    return board;
  };

  const editPage = async (reply: FastifyReply, board: Awaited<ReturnType<typeof findBoard>>, extra: object = {}, status = 200) => {
    reply.header('cache-control', 'no-store');
    return reply.code(status).view('board-edit', {
      title: translatorFor(reply.request).t('admin:boardEdit.title', { name: board.name }), board, visibilities: BOARD_VISIBILITIES, topicCreators: TOPIC_CREATORS, csrf: reply.generateCsrf(),
      moderators: await listBoardModerators(db, board.id), modError: null, modValue: '',
      values: { name: board.name, slug: board.slug, description: board.description, visibility: board.visibility, topic_creators: board.topic_creators }, error: null, field: null, ...extra,
    });
  };

  app.get<{ Querystring: { saved?: string } }>(
    '/admin/boards',
    { schema: { querystring: { type: 'object', properties: { saved: { type: 'string', maxLength: 80 } } } } },
    // After a create or an edit: the page names the saved board.
    async (request, reply) => listPage(request, reply, { saved: request.query.saved ?? null }),
  );

  app.post<{ Body: Form }>('/admin/boards', async (request, reply) => {
    const actor = manager(request);
    const values = formValues(request.body ?? {});
    let slug: string;
    try {
      const b = parseBoardFields(values, { slugOptional: true });
      ({ slug } = await createBoard(db, actor, b));
    } catch (err) {
      if (isFormError(err)) return listPage(request, reply, { values, ...formErrors(err, translatorFor(request).t) }, err.status);
      throw err;
    }
    return reply.redirect(`/admin/boards?saved=${encodeURIComponent(slug)}`, 303);
  });

  app.get<{ Params: { slug: string } }>('/admin/boards/:slug/edit', slugParams, async (request, reply) => {
    manager(request);
    return editPage(reply, await findBoard(request.params.slug));
  });

  app.post<{ Params: { slug: string }; Body: Form }>('/admin/boards/:slug/edit', slugParams, async (request, reply) => {
    const actor = manager(request);
    const board = await findBoard(request.params.slug);
    const values = formValues(request.body ?? {});
    let slug: string;
    try {
      ({ slug } = await updateBoard(db, actor, board.slug, values));
    } catch (err) {
      if (isFormError(err)) return editPage(reply, board, { values, ...formErrors(err, translatorFor(request).t) }, err.status);
      throw err;
    }
    return reply.redirect(`/admin/boards?saved=${encodeURIComponent(slug)}`, 303);
  });

  app.post<{ Params: { slug: string }; Body: Form }>('/admin/boards/:slug/move', slugParams, async (request, reply) => {
    const actor = manager(request);
    const direction = parseDirection(request.body?.direction);
    await moveBoard(db, actor, request.params.slug, direction);
    return reply.redirect(`/admin/boards#board-${encodeURIComponent(request.params.slug)}`, 303);
  });

  // Board moderators (src/moderation/board-moderators.ts): assigned and removed on the board's edit page.
  app.post<{ Params: { slug: string }; Body: Form }>('/admin/boards/:slug/moderators', slugParams, async (request, reply) => {
    const actor = manager(request);
    const board = await findBoard(request.params.slug);
    const username = str(request.body?.username);
    try {
      await addBoardModerator(db, actor, board.id, username);
    } catch (err) {
      if (isFormError(err)) return editPage(reply, board, { modError: err.say(translatorFor(request).t), modValue: username }, err.status);
      throw err;
    }
    return reply.redirect(`/admin/boards/${encodeURIComponent(board.slug)}/edit#moderators`, 303);
  });
  app.post<{ Params: { slug: string; userId: number } }>('/admin/boards/:slug/moderators/:userId/delete', {
    schema: { params: { type: 'object', properties: { slug: { type: 'string', minLength: 1, maxLength: 80 }, userId: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } }, required: ['slug', 'userId'] } },
  }, async (request, reply) => {
    const actor = manager(request);
    const board = await findBoard(request.params.slug);
    await removeBoardModerator(db, actor, board.id, request.params.userId);
    return reply.redirect(`/admin/boards/${encodeURIComponent(board.slug)}/edit#moderators`, 303);
  });
}
