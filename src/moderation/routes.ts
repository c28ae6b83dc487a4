// The community team's queue of held drafts, and each author's view of their own drafts.
import type { FastifyInstance } from 'fastify';
import { UserError } from '../shared/errors.ts';
import { listMyDrafts, listQueue, showHeld } from './list-held.ts';
import { reviewHeld } from './review-held.ts';
import { signedIn } from '../web/request-helpers.ts';
import { formList } from '../attachments/multipart-form.ts';

type Form = Record<string, string | undefined>;
const idParams = { schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } }, required: ['id'] } } } as const;


export async function moderationRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;

  app.get('/moderation/queue', async (request, reply) => {
    const queue = await listQueue(db, signedIn(request));
    return reply.header('cache-control', 'no-store').view('queue', { title: 'Community team queue', ...queue });
  });

  app.get<{ Params: { id: number } }>('/moderation/held/:id', idParams, async (request, reply) => {
    const held = await showHeld(db, signedIn(request), request.params.id);
    const reviewer = held.author_id !== request.actor!.id || request.actor!.roles.has('moderator') || request.actor!.roles.has('community_manager') || request.actor!.roles.has('admin');
    return reply.header('cache-control', 'no-store').view('held', { title: 'Held draft', held, reviewer, csrf: reply.generateCsrf(), error: null, values: null });
  });

  app.post<{ Params: { id: number }; Body: Form }>('/moderation/held/:id', idParams, async (request, reply) => {
    const actor = signedIn(request);
    const b = request.body ?? {};
    try {
      const result = await reviewHeld(db, app.mailer, app.config.publicUrl, actor, {
        id: request.params.id,
        decision: b.decision === 'approve-edited' ? 'approve' : String(b.decision ?? ''),
        comment: b.comment ?? '',
        // "Edit then approve": the team's edited text is what gets published.
        ...(b.decision === 'approve-edited'
          ? { body: b.body ?? '', ...(b.title !== undefined ? { title: b.title } : {}), dropAttachments: formList((b as Record<string, unknown>).drop_attachment).map(Number) }
          : {}),
      });
      if (result.postId) app.notifyMentions(result.postId);
      return reply.redirect(result.postUrl ?? '/moderation/queue', 303);
    } catch (err) {
      if (!(err instanceof UserError) || err.status === 401 || err.status === 403 || err.status === 404) throw err;
      const held = await showHeld(db, actor, request.params.id);
      return reply.code(err.status).view('held', { title: 'Held draft', held, reviewer: true, csrf: reply.generateCsrf(), error: err.message, values: b });
    }
  });

  app.get('/my/drafts', async (request, reply) => {
    const drafts = await listMyDrafts(db, signedIn(request));
    return reply.header('cache-control', 'no-store').view('my-drafts', { title: 'My drafts for the community team', drafts });
  });
}
