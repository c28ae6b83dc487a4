// The community team's queue of held drafts, and each author's view of their own drafts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { text, UserError } from '../shared/errors.ts';
import { translatorFor } from '../i18n/plugin.ts';
import { listMyDrafts, showHeld } from './list-held.ts';
import { itemOfDraft, listReviewQueue, showReviewItem } from './list-queue.ts';
import { claimItem, decidePostItem, DECISION_REASON_MAX } from './decide-item.ts';
import { changedOnlyTopic } from '../web/anonymous-cache.ts';
import { searchStaffLog, staffLogCsv, type LogQuery } from './staff-log.ts';
import { presentStaffLog } from './staff-log-view.ts';
import { viewHelpersFor } from '../web/view-helpers.ts';
import { startReviewReminders } from './remind-waiting.ts';
import { addWatchedWord, listWatchedWords, removeWatchedWord } from './watched-words.ts';
import { readLimits, saveLimits } from './settings.ts';
import { TRUST } from './trust.ts';
import { readTonePhrases, saveTonePhrases } from './tone.ts';
import { restrictUser } from './restrict-user.ts';
import { mergeTopics, moveTopic, splitTopic } from './reorganize-topics.ts';
import { viewHelpers } from '../web/view-helpers.ts';
import { NotFoundError } from '../shared/errors.ts';
import { authorize } from '../policy/policy.ts';
import { reviewHeld } from './review-held.ts';
import { signedIn } from '../web/request-helpers.ts';
import { formList } from '../attachments/multipart-form.ts';

type Form = Record<string, string | undefined>;
const idParams = { schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } }, required: ['id'] } } } as const;


export async function moderationRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;
  await startReviewReminders(app);

  // The one review queue (issue 13): reported posts, held drafts of every kind, oldest first.
  app.get('/moderation/queue', async (request, reply) => {
    const queue = await listReviewQueue(db, signedIn(request));
    return reply.header('cache-control', 'no-store').view('queue', { title: translatorFor(request).t('moderation:queue.title'), ...queue, csrf: reply.generateCsrf() });
  });

  const itemPage = async (request: FastifyRequest, reply: FastifyReply, id: number, extra: object = {}, status = 200) => {
    const data = await showReviewItem(db, signedIn(request), id);
    if (data.item.kind === 'draft') return reply.redirect(`/moderation/held/${data.item.subject_id}`, 303);
    return reply.code(status).header('cache-control', 'no-store').view('review-item', { title: translatorFor(request).t('moderation:item.title'), ...data, me: request.actor!.id, reasonMax: DECISION_REASON_MAX, csrf: reply.generateCsrf(), error: null, values: null, ...extra });
  };
  app.get<{ Params: { id: number } }>('/moderation/items/:id', idParams, async (request, reply) => itemPage(request, reply, request.params.id));

  // Claim (or release) an item: others see who is on it.
  app.post<{ Params: { id: number }; Body: Form }>('/moderation/items/:id/claim', idParams, async (request, reply) => {
    await claimItem(db, signedIn(request), request.params.id, request.body?.release === '1');
    const back = request.body?.back;
    return reply.redirect(typeof back === 'string' && /^\/moderation\/(queue|held\/\d+|items\/\d+)$/.test(back) ? back : '/moderation/queue', 303);
  });

  app.post<{ Params: { id: number }; Body: Form }>('/moderation/items/:id', idParams, async (request, reply) => {
    const actor = signedIn(request);
    const b = request.body ?? {};
    try {
      const { topicId } = await decidePostItem(db, actor, { id: request.params.id, decision: String(b.decision ?? ''), reason: b.reason ?? '', body: b.body ?? '' });
      changedOnlyTopic(request, topicId);
    } catch (err) {
      if (!(err instanceof UserError) || err.status === 401 || err.status === 403 || err.status === 404) throw err;
      return itemPage(request, reply, request.params.id, { error: err.say(translatorFor(request).t), values: b }, err.status);
    }
    return reply.redirect('/moderation/queue', 303);
  });

  app.get<{ Params: { id: number } }>('/moderation/held/:id', idParams, async (request, reply) => {
    const held = await showHeld(db, signedIn(request), request.params.id);
    const reviewer = held.author_id !== request.actor!.id || request.actor!.roles.has('moderator') || request.actor!.roles.has('community_manager') || request.actor!.roles.has('admin');
    return reply.header('cache-control', 'no-store').view('held', { title: translatorFor(request).t('moderation:held.title'), held, reviewer, item: reviewer ? await itemOfDraft(db, held.id) : null, me: request.actor!.id, csrf: reply.generateCsrf(), error: null, values: null });
  });

  app.post<{ Params: { id: number }; Body: Form }>('/moderation/held/:id', idParams, async (request, reply) => {
    const actor = signedIn(request);
    const b = request.body ?? {};
    try {
      const result = await reviewHeld(db, actor, {
        id: request.params.id,
        decision: b.decision === 'approve-edited' ? 'approve' : b.decision === 'approve-edited-masked' ? 'approve-masked' : String(b.decision ?? ''),
        comment: b.comment ?? '',
        confirmUnmasked: b.confirm_unmasked === '1',
        // "Edit then approve": the team's edited text is what gets published.
        ...(b.decision === 'approve-edited' || b.decision === 'approve-edited-masked'
          ? { body: b.body ?? '', ...(b.title !== undefined ? { title: b.title } : {}), dropAttachments: formList((b as Record<string, unknown>).drop_attachment).map(Number) }
          : {}),
      });
      if (result.postId) app.notifyMentions(result.postId);
      return reply.redirect(result.postUrl ?? '/moderation/queue', 303);
    } catch (err) {
      if (!(err instanceof UserError) || err.status === 401 || err.status === 403 || err.status === 404) throw err;
      const held = await showHeld(db, actor, request.params.id);
      return reply.code(err.status).view('held', { title: translatorFor(request).t('moderation:held.title'), held, reviewer: true, item: await itemOfDraft(db, held.id), me: actor.id, csrf: reply.generateCsrf(), error: err.say(translatorFor(request).t), values: b });
    }
  });

  // The staff action log (issue 13, point 9): community managers and admins; searchable, as CSV too.
  const logQuery = { schema: { querystring: { type: 'object', properties: Object.fromEntries(['actor', 'target', 'action', 'from', 'to'].map((k) => [k, { type: 'string', maxLength: 100 }])) } } } as const;
  app.get<{ Querystring: LogQuery }>('/moderation/log', logQuery, async (request, reply) => {
    const actor = signedIn(request);
    const query = Object.fromEntries(Object.entries(request.query).filter(([, v]) => v)) as LogQuery;
    const qs = new URLSearchParams(query as Record<string, string>).toString();
    try {
      const { t, locale } = translatorFor(request);
      // In words, names and the reader's language (the CSV below keeps the codes).
      const rows = await presentStaffLog(db, actor, await searchStaffLog(db, actor, query), t, viewHelpersFor(locale).dateTime);
      return reply.header('cache-control', 'no-store').view('staff-log', { title: t('moderation:log.title'), rows, query, qs, error: null });
    } catch (err) {
      if (!(err instanceof UserError) || err.status !== 400) throw err;
      return reply.code(400).view('staff-log', { title: translatorFor(request).t('moderation:log.title'), rows: [], query, qs, error: err.say(translatorFor(request).t) });
    }
  });
  app.get<{ Querystring: LogQuery }>('/moderation/log.csv', logQuery, async (request, reply) => {
    const query = Object.fromEntries(Object.entries(request.query).filter(([, v]) => v)) as LogQuery;
    const rows = await searchStaffLog(db, signedIn(request), query, 100_000);
    return reply
      .header('cache-control', 'no-store')
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="staff-actions.csv"')
      .send(staffLogCsv(rows));
  });

  // Watched words and new-member limits: community managers and admins.
  const settingsPage = async (request: FastifyRequest, reply: FastifyReply, extra: object = {}, status = 200) => {
    authorize(signedIn(request), 'watchedWords.manage', null);
    const [words, limits, tone] = await Promise.all([listWatchedWords(db), readLimits(db), readTonePhrases(db)]);
    return reply.code(status).header('cache-control', 'no-store').view('moderation-settings', { title: translatorFor(request).t('moderation:settings.title'), words, limits, tone, trust: TRUST, csrf: reply.generateCsrf(), error: null, notice: null, values: null, ...extra });
  };
  const orPage = (request: FastifyRequest, reply: FastifyReply, values: object) => async (err: unknown) => {
    if (err instanceof UserError && (err.status === 400 || err.status === 409)) return settingsPage(request, reply, { error: err.say(translatorFor(request).t), values }, err.status);
    throw err;
  };
  // Post/Redirect/Get: each form that saved leads back to the page with ?saved=<what>, which the
  // page says in a status message (screen readers announce it); only these words can be asked for.
  const SAVED: Record<string, string> = { limits: 'moderation:settings.saved.limits', tone: 'moderation:settings.saved.tone', 'word-added': 'moderation:settings.saved.wordAdded', 'word-removed': 'moderation:settings.saved.wordRemoved' };
  const savedPage = (reply: FastifyReply, what: keyof typeof SAVED & string) => reply.redirect(`/moderation/settings?saved=${what}`, 303);
  app.get<{ Querystring: { saved?: string } }>('/moderation/settings', { schema: { querystring: { type: 'object', properties: { saved: { type: 'string', maxLength: 20 } } } } }, async (request, reply) => {
    const what = request.query.saved;
    return settingsPage(request, reply, what && Object.hasOwn(SAVED, what) ? { notice: translatorFor(request).t(SAVED[what]!) } : {});
  });
  app.post<{ Body: Form }>('/moderation/settings', async (request, reply) => {
    const b = request.body ?? {};
    const input = Object.fromEntries(['firstPostsHeld', 'newPerMinute', 'newPerHour', 'trustedPerMinute', 'trustedPerHour', 'newMaxLinks'].filter((k) => b[k] !== undefined && b[k] !== '').map((k) => [k, b[k]]));
    return saveLimits(db, signedIn(request), input).then(() => savedPage(reply, 'limits'), orPage(request, reply, b));
  });
  app.post<{ Body: Form }>('/moderation/tone', async (request, reply) => {
    const b = request.body ?? {};
    return saveTonePhrases(db, signedIn(request), b.phrases ?? '').then(() => savedPage(reply, 'tone'), orPage(request, reply, b));
  });
  app.post<{ Body: Form }>('/moderation/watched-words', async (request, reply) => {
    const b = request.body ?? {};
    return addWatchedWord(db, signedIn(request), { pattern: b.pattern ?? '', isRegex: b.regex === '1', action: b.action ?? '' })
      .then(() => savedPage(reply, 'word-added'), orPage(request, reply, b));
  });
  app.post<{ Params: { id: number } }>('/moderation/watched-words/:id/delete', idParams, async (request, reply) => {
    await removeWatchedWord(db, signedIn(request), request.params.id);
    return savedPage(reply, 'word-removed');
  });

  // Warn, silence, suspend or lift, from a member's profile (issue 13, point 7).
  app.post<{ Params: { username: string }; Body: Form }>('/u/:username/restrict', { schema: { params: { type: 'object', properties: { username: { type: 'string', maxLength: 40 } } } } }, async (request, reply) => {
    const actor = signedIn(request);
    const target = await db.selectFrom('users').select(['id', 'username']).where('username_lower', '=', request.params.username.toLowerCase()).where('deleted_at', 'is', null).executeTakeFirst();
    if (!target) throw new NotFoundError(text('moderation:errors.noSuchMember'));
    const b = request.body ?? {};
    await restrictUser(db, actor, { userId: target.id, action: b.action ?? '', ...(b.until ? { until: b.until } : {}), reason: b.reason ?? '' });
    return reply.redirect(`/u/${encodeURIComponent(target.username)}`, 303);
  });

  // Move, merge, split (issue 13, point 7): moderators; a plain form each, back to the topic.
  const toTopic = async (reply: FastifyReply, id: number) => {
    const t = await db.selectFrom('topics').select(['id', 'slug']).where('id', '=', id).executeTakeFirstOrThrow();
    return reply.redirect(viewHelpers.topicUrl(t), 303);
  };
  app.post<{ Params: { id: number }; Body: Form }>('/t/:id/move', idParams, async (request, reply) => {
    await moveTopic(db, signedIn(request), request.params.id, request.body?.board ?? '');
    return toTopic(reply, request.params.id);
  });
  app.post<{ Params: { id: number }; Body: Form }>('/t/:id/merge', idParams, async (request, reply) => {
    const into = Number(request.body?.into);
    if (!Number.isInteger(into) || into < 1 || into > 2_147_483_647) throw new UserError(text('moderation:errors.mergeIntoNumber'), 400);
    await mergeTopics(db, signedIn(request), request.params.id, into);
    return toTopic(reply, into);
  });
  app.post<{ Params: { id: number }; Body: Form }>('/t/:id/split', idParams, async (request, reply) => {
    const actor = signedIn(request);
    const numbers = String(request.body?.posts ?? '').slice(0, 2000).split(/[\s,]+/).filter(Boolean).map(Number);
    const t = await splitTopic(db, actor, request.params.id, numbers, request.body?.title ?? '');
    return reply.redirect(viewHelpers.topicUrl(t), 303);
  });

  app.get('/my/drafts', async (request, reply) => {
    const drafts = await listMyDrafts(db, signedIn(request));
    return reply.header('cache-control', 'no-store').view('my-drafts', { title: (reply.locals!.t as (key: string) => string)('compose:drafts.pageTitle'), drafts });
  });
}
