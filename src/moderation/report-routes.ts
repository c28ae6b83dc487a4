// Reporting a post from the web pages (issue 13, point 1): a form page, so it works without JavaScript.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../policy/policy.ts';
import { NotFoundError, UserError, ForbiddenError, formErrors, text } from '../shared/errors.ts';
import { translatorFor } from '../i18n/plugin.ts';
import { signedIn, formText as str } from '../web/request-helpers.ts';
import { loadPost } from '../community/load-post.ts';
import { viewHelpers } from '../web/view-helpers.ts';
import { POSTS_PER_PAGE } from '../community/show-topic.ts';
import { changedOnlyTopic } from '../web/anonymous-cache.ts';
import { REPORT_DETAIL_MAX, REPORT_REASONS, reportPost } from './report-post.ts';
import { redactPost } from './redact-post.ts';
import { authorize } from '../policy/policy.ts';
import { changedPostsTopic } from '../community/changed-posts-topic.ts';

type Form = Record<string, string | undefined>;
const idParams = { schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } }, required: ['id'] } } } as const;

export async function reportRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;

  const page = async (request: FastifyRequest, reply: FastifyReply, postId: number, extra: object = {}, status = 200) => {
    const actor = signedIn(request);
    const { post, subject } = await loadPost(db, postId);
    if (!can(actor, 'topic.view', subject) || subject.postDeleted) throw new NotFoundError(text('moderation:errors.noSuchPost'));
    if (actor.id === post.user_id) throw new ForbiddenError(text('moderation:errors.reportOwnPost'));
    const author = await db.selectFrom('users').select(['display_name', 'deleted_at']).where('id', '=', post.user_id).executeTakeFirst();
    const back = `${viewHelpers.topicUrl({ id: post.topic_id, slug: post.slug }, Math.ceil(post.post_number / POSTS_PER_PAGE))}#post-${post.post_number}`;
    return reply.code(status).header('cache-control', 'no-store').view('report', {
      title: translatorFor(request).t('moderation:report.title'), postId: post.id, topicTitle: post.title, authorName: author && !author.deleted_at ? author.display_name : null,
      reasons: Object.keys(REPORT_REASONS), detailMax: REPORT_DETAIL_MAX, back, csrf: reply.generateCsrf(), values: null, error: null, field: null, errors: null, ...extra,
    });
  };

  // Redaction (issue 13, point 8): moderators; a plain form page.
  const redactPage = async (request: FastifyRequest, reply: FastifyReply, postId: number, extra: object = {}, status = 200) => {
    const actor = signedIn(request);
    const { post, subject } = await loadPost(db, postId);
    if (!can(actor, 'topic.view', subject)) throw new NotFoundError(text('moderation:errors.noSuchPost'));
    authorize(actor, 'post.moderate', subject);
    const back = `${viewHelpers.topicUrl({ id: post.topic_id, slug: post.slug }, Math.ceil(post.post_number / POSTS_PER_PAGE))}#post-${post.post_number}`;
    return reply.code(status).header('cache-control', 'no-store').view('redact', { title: translatorFor(request).t('moderation:redact.pageTitle'), postId: post.id, current: post.body_markdown, back, csrf: reply.generateCsrf(), values: null, error: null, ...extra });
  };
  app.get<{ Params: { id: number } }>('/p/:id/redact', idParams, async (request, reply) => redactPage(request, reply, request.params.id));
  app.post<{ Params: { id: number }; Body: Form }>('/p/:id/redact', idParams, async (request, reply) => {
    const actor = signedIn(request);
    const values = { text: str(request.body?.text), reason: str(request.body?.reason) };
    try {
      await redactPost(db, actor, { postId: request.params.id, ...values });
    } catch (err) {
      if (err instanceof UserError && err.status === 400) return redactPage(request, reply, request.params.id, { values, error: err.say(translatorFor(request).t) }, 400);
      throw err;
    }
    await changedPostsTopic(db, request, request.params.id);
    return reply.redirect(`/p/${request.params.id}/revisions`, 303);
  });

  app.get<{ Params: { id: number } }>('/p/:id/report', idParams, async (request, reply) => page(request, reply, request.params.id));

  app.post<{ Params: { id: number }; Body: Form }>('/p/:id/report', idParams, async (request, reply) => {
    const actor = signedIn(request);
    const values = { reason: str(request.body?.reason), detail: str(request.body?.detail) };
    try {
      const { hidden } = await reportPost(db, actor, { postId: request.params.id, ...values, hideThreshold: app.config.REPORTS_TO_HIDE });
      if (hidden) {
        const { post } = await loadPost(db, request.params.id);
        changedOnlyTopic(request, post.topic_id);
      }
    } catch (err) {
      if (err instanceof UserError && (err.status === 400 || err.status === 409)) {
        return page(request, reply, request.params.id, { values, ...formErrors(err, translatorFor(request).t) }, err.status);
      }
      throw err;
    }
    const { t } = translatorFor(request);
    return reply.view('notice', {
      title: t('moderation:report.thanksTitle'),
      message: t('moderation:report.thanksMessage'),
      link: { href: `/t/${(await loadPost(db, request.params.id)).post.topic_id}`, text: t('moderation:report.backToTopic') },
    });
  });
}
