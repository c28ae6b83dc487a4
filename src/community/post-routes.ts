// Writing in the community from the web pages: the composer (new topic), replies with quotes,
// edits with history, deletion, kudos, accepted answers, moderation, and the live preview.
// Forms work without JavaScript; every POST carries a CSRF token (checked in server.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formErrors, text, UserError } from '../shared/errors.ts';
import { translatorFor } from '../i18n/plugin.ts';
import type { T } from '../i18n/index.ts';
import { containsSentence, findingLabel, findingReason, findingWhat, stopSentence } from '../confidentiality/finding-texts.ts';
import type { Actor } from '../policy/policy.ts';
import { authorize, hidesBoard } from '../policy/policy.ts';
import { imageOptionsFor, renderMarkdown } from '../shared/markdown.ts';
import { viewHelpers } from '../web/view-helpers.ts';
import { changedNoPage, changedOnlyTopic } from '../web/anonymous-cache.ts';
import { changedPostsTopic } from './changed-posts-topic.ts';
import { acceptAnswer } from './accept-answer.ts';
import { deletePost } from './delete-post.ts';
import { editPost } from './edit-post.ts';
import { giveKudos, takeBackKudos } from './give-kudos.ts';
import { listRevisions } from './list-revisions.ts';
import { loadPost, loadVisiblePost } from './load-post.ts';
import { loadVisibleTopic } from './load-topic.ts';
import { moderateTopic } from './moderate-topic.ts';
import { POSTS_PER_PAGE } from './show-topic.ts';
import { holdDraft, type HeldFinding } from '../moderation/hold-draft.ts';
import { isHeld, publishReplyOrHold, publishTopicOrHold } from '../moderation/post-or-hold.ts';
import { toneNudge } from '../moderation/tone.ts';
import { checkDraft } from '../confidentiality/check.ts';
import { watchedLiveFindings } from '../moderation/watched-live-check.ts';
import { loadReturnedDraft, returnedDraftToEdit, returnedDraftUrl } from '../moderation/returned-draft.ts';
import { postReturnedReply, postReturnedTopic, sendReturnedDraftAgain } from '../moderation/resubmit-draft.ts';
import { signedIn, formText as str } from '../web/request-helpers.ts';
import { attachmentsToShowAgain, formAttachments, formList, parseMultipartForm } from '../attachments/multipart-form.ts';
import { attachmentsOfPost } from '../attachments/list-attachments.ts';
import { checkAttachments, type AttachmentText } from '../attachments/text-file.ts';
import { ATTACHMENT_BODY_LIMIT } from '../api/schemas.ts';
import { similarQuestions } from '../search/similar-questions.ts';

type Form = Record<string, string | undefined>;
const idParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } }, required: ['id'] } as const;
/** The composer forms are multipart (text attachments); they are read before the CSRF check. */
const withAttachments = { preValidation: parseMultipartForm } as const;


import { withWarnings } from '../confidentiality/warned-notice.ts';
import { applyQuickFix, findingsToFix, type FixTexts } from '../confidentiality/quick-fix.ts';
import { FINDING_PHRASES, GuardStoppedError } from '../confidentiality/check.ts';
import { showTopic } from './show-topic.ts';
import { topicView } from './routes.ts';
import type { DraftCheck, GuardFinding } from '../confidentiality/check.ts';

/** The guard's findings carried by a refusal (see src/publish/pipeline.ts), for the form to show. */
function guardOf(err: unknown): { findings?: HeldFinding[]; canAskTeam?: boolean } {
  const e = err as { findings?: HeldFinding[]; canAskCommunityTeam?: boolean };
  return Array.isArray(e.findings) ? { findings: e.findings, canAskTeam: e.canAskCommunityTeam !== false } : {};
}

/**
 * One findings panel for a text the guard stopped (#16.5; partials/guard-findings-panel.eta): the
 * message, and one entry per distinct finding in the title and the body, each with its quick fix.
 */
function guardPanel(draft: { message: string; findings: readonly GuardFinding[]; canAskTeam: boolean }, texts: FixTexts, t: T) {
  return { message: draft.message, findings: findingsToFix(draft.findings, texts), phrases: phrasesIn(t), canAskTeam: draft.canAskTeam };
}

/** A refusal by the guard in the text itself (an attachment's findings keep the attachments' own list). */
function stoppedInText(err: unknown, request: FastifyRequest): err is GuardStoppedError {
  return err instanceof GuardStoppedError && !err.findings.some((f) => f.field === 'attachment') && !attachmentsToShowAgain(request).length;
}

/**
 * "Replace with a placeholder" (a submit button named `fix` in the panel): the texts with that finding
 * replaced, checked again and sent back to the form, not published, so the author sees it first.
 */
async function quickFix(db: FastifyInstance['database']['db'], actor: Actor, texts: FixTexts, fix: string, check: { where: 'topic' | 'reply'; target?: string }, noun: 'topic' | 'reply', t: T) {
  const scan = (x: FixTexts) => checkDraft(db, actor, { body: x.body, ...(x.title !== undefined ? { title: x.title } : {}), ...check });
  const before = await scan(texts);
  const fixed = applyQuickFix(texts, fix, before.findings, t);
  const after: FixTexts = fixed ? { body: fixed.body, ...(fixed.title !== undefined ? { title: fixed.title } : {}) } : texts;
  const now = fixed ? await scan(after) : before;
  // What is left anywhere in the text (the title too): "nothing else was found" only when nothing is.
  const left = findingsToFix(now.findings, after);
  const message = !fixed
    ? t(noun === 'topic' ? 'guard:quickFix.changedTopic' : 'guard:quickFix.changedReply')
    : t(left.length ? 'guard:quickFix.replacedMore' : 'guard:quickFix.replacedDone', { what: findingWhat(t, fixed.type) });
  return { texts: after, body: after.body, message, findings: now.findings, canAskTeam: left.length > 0 };
}

/** The live check's attachments, as the composer's script sends them: [{ name, content }] (400 otherwise). */
function liveAttachments(raw: unknown): AttachmentText[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new UserError(text('compose:errors.liveAttachmentsList'), 400, 'attachments');
  return raw.map((a: unknown) => {
    const { name, content } = (a ?? {}) as { name?: unknown; content?: unknown };
    if (typeof name !== 'string' || !name || name.length > 255 || typeof content !== 'string') {
      throw new UserError(text('compose:errors.liveAttachmentShape'), 400, 'attachments');
    }
    return { name, text: content };
  });
}

/** Offsets where each line of a text starts; lineAt() then finds a finding's line (1-based). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function sentToTeam(request: FastifyRequest, reply: FastifyReply) {
  const { t } = translatorFor(request);
  return reply.view('notice', {
    title: t('compose:askTeam.sentTitle'),
    message: t('compose:askTeam.sentMessage'),
    link: { href: '/my/drafts', text: t('compose:askTeam.myDrafts') },
  });
}

function heldForReview(request: FastifyRequest, reply: FastifyReply, message: string) {
  const { t } = translatorFor(request);
  return reply.code(202).view('notice', { title: t('compose:askTeam.waitingTitle'), message, link: { href: '/my/drafts', text: t('compose:askTeam.myDrafts') } });
}

/** Each finding type → "a phone number", in the reader's language (the findings panel's words). */
const phrasesIn = (t: T): Record<string, string> => Object.fromEntries(Object.keys(FINDING_PHRASES).map((type) => [type, findingWhat(t, type)]));

/**
 * A returned draft opened again: the guard's findings on its text today, as the panel a stopped
 * draft gets (with its quick fixes), so the author sees what to change before posting it again.
 */
function returnedPanel(check: DraftCheck, where: 'topic' | 'reply', texts: FixTexts, t: T) {
  const acted = check.findings.filter((f) => f.action !== 'allow' && f.field !== 'attachment');
  if (!acted.length) return null;
  const message = check.action === 'block' || check.action === 'hold'
    ? stopSentence(t, { action: check.action, where, canAsk: check.canAskCommunityTeam, findings: check.findings })
    : `${containsSentence(t, where, acted)}.`;
  return guardPanel({ message, findings: check.findings, canAskTeam: check.canAskCommunityTeam }, texts, t);
}

/** The returned draft a form carries (`draft`, a hidden field), as its id; checked by the use cases. */
const draftIdOf = (raw: unknown): number | undefined => (typeof raw === 'string' && /^[1-9]\d{0,9}$/.test(raw) && Number(raw) <= 2_147_483_647 ? Number(raw) : undefined);

/** Where a post lives: its topic page, at its anchor. */
async function postUrl(app: FastifyInstance, postId: number): Promise<string> {
  const { post } = await loadPost(app.database.db, postId);
  return `${viewHelpers.topicUrl({ id: post.topic_id, slug: post.slug }, Math.ceil(post.post_number / POSTS_PER_PAGE))}#post-${post.post_number}`;
}


export async function postRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;
  const tidy = (text: string) => text.replace(/\r\n?/g, '\n').trim();
  // The guard's findings go with a draft sent to the team, so reviewers see what to look at.
  const findingsFor = async (actor: Actor, body: string, where: 'topic' | 'reply', title?: string, attachments: AttachmentText[] = []): Promise<HeldFinding[]> => {
    if (body.length > 50_000) return [];
    const { findings } = await checkDraft(db, actor, { body, where, ...(title !== undefined ? { title: title.trim().replace(/\s+/g, ' ') } : {}), ...(attachments.length ? { attachments } : {}) });
    return findings.map((f) => ({ type: f.type, field: f.field, ...(f.attachment !== undefined ? { attachment: f.attachment, attachmentName: f.attachmentName! } : {}), start: f.start, end: f.end, reason: f.reason }));
  };

  // ---- New topic (the composer) ----
  const composerPage = async (request: FastifyRequest, reply: FastifyReply, boardSlug: string, extra: object = {}, status = 200) => {
    signedIn(request);
    const board = await db.selectFrom('boards').select(['slug', 'name', 'visibility', 'topic_creators']).where('slug', '=', boardSlug).executeTakeFirst();
    if (!board || hidesBoard(request.actor, board)) throw new UserError(text('compose:errors.noSuchBoard'), 404);
    authorize(request.actor, 'topic.create', board);
    // Solved questions and articles like the title typed so far (src/search): shown under the
    // title without JavaScript when the page has a title (?title=, or a form sent back).
    const typed = (extra as { values?: { title?: string } }).values?.title ?? '';
    const similar = typed.trim() ? await similarQuestions(db, request.actor, typed) : [];
    return reply.code(status).view('composer', { title: translatorFor(request).t('compose:composer.pageTitle', { board: board.name }), board, csrf: reply.generateCsrf(), values: { kind: 'question' }, error: null, field: null, findings: null, kept: [], similar, ...extra });
  };
  app.get<{ Params: { slug: string }; Querystring: { title?: string; kind?: string; draft?: number } }>(
    '/b/:slug/new',
    { schema: { querystring: { type: 'object', properties: { title: { type: 'string', maxLength: 150 }, kind: { type: 'string', enum: ['question', 'discussion'] }, draft: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } } } } },
    async (request, reply) => {
      // A returned draft, to edit and send again.
      if (request.query.draft) {
        const returned = await returnedDraftToEdit(db, signedIn(request), request.query.draft);
        // A reply draft is edited in its topic's reply form.
        if (returned.kind !== 'topic') return reply.redirect(returnedDraftUrl({ id: request.query.draft, kind: returned.kind, board_slug: returned.boardSlug, topic_id: returned.topicId }) ?? '/my/drafts', 303);
        const { t } = translatorFor(request);
        const panel = returnedPanel(returned.check, 'topic', { title: returned.values.title, body: returned.values.body }, t);
        return composerPage(request, reply, returned.boardSlug ?? request.params.slug, { values: returned.values, returnedComment: returned.comment, draftAttachments: returned.attachmentNames, ...(panel ? { guardPanel: panel, findings: returned.check.findings } : {}) });
      }
      return composerPage(request, reply, request.params.slug, request.query.title ? { values: { kind: request.query.kind ?? 'question', title: request.query.title } } : {});
    },
  );
  app.post<{ Params: { slug: string }; Body: Form }>('/b/:slug/topics', withAttachments, async (request, reply) => {
    const actor = signedIn(request);
    const b = request.body ?? {};
    const values = { kind: str(b.kind), title: str(b.title), body: str(b.body), tags: str(b.tags), note: str(b.note), draft: str(b.draft) };
    // A returned draft being posted again (hidden `draft`): the form shows the team's note every time.
    const draftId = draftIdOf(b.draft);
    const returned = draftId ? await loadReturnedDraft(db, actor, draftId) : null;
    const composer = (request: FastifyRequest, reply: FastifyReply, slug: string, extra: object = {}, status = 200) =>
      composerPage(request, reply, slug, { ...(returned ? { returnedComment: returned.reviewer_comment } : {}), ...extra }, status);
    if (b.fix !== undefined) {
      // The title as typed (the pipeline checks it so): the panel's offsets in it are the guard's.
      const texts: FixTexts = { body: values.body.replace(/\r\n?/g, '\n'), ...(values.title.trim() ? { title: values.title } : {}) };
      const fixed = await quickFix(db, actor, texts, str(b.fix), { where: 'topic' }, 'topic', translatorFor(request).t);
      return composer(request, reply, request.params.slug, { values: { ...values, ...fixed.texts }, guardPanel: guardPanel(fixed, fixed.texts, translatorFor(request).t), findings: fixed.findings });
    }
    try {
      const attachments = formAttachments(request);
      if (b.askTeam === '1') {
        const body = tidy(values.body);
        if (draftId) {
          // The same draft goes back to the team (its queue item opens again), not a second one.
          await sendReturnedDraftAgain(db, actor, draftId, { kind: 'topic', boardSlug: request.params.slug, topicKind: values.kind, title: values.title, body, tags: values.tags, note: values.note, attachments });
        } else {
          const findings = await findingsFor(actor, body, 'topic', values.title, attachments);
          await holdDraft(db, actor, { kind: 'topic', boardSlug: request.params.slug, topicKind: values.kind, title: values.title, body, tags: values.tags, note: values.note, reason: 'asked', findings, attachments });
        }
        changedNoPage(request);
        return sentToTeam(request, reply);
      }
      // A "hold" (guard, new member, watched word) queues the draft for the team instead (src/moderation).
      const input = { boardSlug: request.params.slug, kind: values.kind, title: values.title, body: values.body, tags: values.tags, attachments };
      const t = draftId ? await postReturnedTopic(db, actor, draftId, input) : await publishTopicOrHold(db, actor, input);
      if (isHeld(t)) return heldForReview(request, reply, translatorFor(request).t(t.held.messageKey));
      changedOnlyTopic(request, t.id);
      app.notifyMentions(t.postId);
      return reply.redirect(withWarnings(viewHelpers.topicUrl(t), 'topic', t.warnings), 303);
    } catch (err) {
      // Stopped by the guard in the text: the composer with one findings panel and its quick fixes.
      if (stoppedInText(err, request)) {
        const { t } = translatorFor(request);
        const draft = { message: err.say(t), findings: err.findings, canAskTeam: err.canAskCommunityTeam };
        const texts = { title: values.title, body: values.body.replace(/\r\n?/g, '\n') };
        return composer(request, reply, request.params.slug, { values: { ...values, ...texts }, guardPanel: guardPanel(draft, texts, t), ...guardOf(err) }, err.status);
      }
      if (err instanceof UserError && err.status !== 401 && err.status !== 404) {
        return composer(request, reply, request.params.slug, { values, ...formErrors(err, translatorFor(request).t), kept: attachmentsToShowAgain(request), ...guardOf(err) }, err.status);
      }
      throw err;
    }
  });

  // ---- Replies (with an optional quote) ----
  const replyPage = async (request: FastifyRequest, reply: FastifyReply, topicId: number, extra: object = {}, status = 200) => {
    // Only a topic the caller may read: this page shows its title, and quotes its posts.
    const { topic } = await loadVisibleTopic(db, signedIn(request), topicId);
    return reply.code(status).view('reply', { title: translatorFor(request).t('compose:reply.pageTitle', { title: topic.title }), topic: { id: topic.id, slug: topic.slug, title: topic.title }, csrf: reply.generateCsrf(), body: '', note: '', error: null, findings: null, kept: [], ...extra });
  };
  app.get<{ Params: { id: number }; Querystring: { quote?: number; draft?: number } }>(
    '/t/:id/reply',
    { schema: { params: idParams, querystring: { type: 'object', properties: { quote: { type: 'integer', minimum: 1 }, draft: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } } } } },
    async (request, reply) => {
      let body = '';
      // The topic's visibility is checked first (a 404 whatever is asked to be quoted).
      await loadVisibleTopic(db, signedIn(request), request.params.id);
      // A returned reply draft, to edit and post or send again (its note from the team, its findings).
      if (request.query.draft) {
        const returned = await returnedDraftToEdit(db, signedIn(request), request.query.draft);
        if (returned.kind !== 'reply' || returned.topicId !== request.params.id) return reply.redirect(returnedDraftUrl({ id: request.query.draft, kind: returned.kind, board_slug: returned.boardSlug, topic_id: returned.topicId }) ?? '/my/drafts', 303);
        const { t } = translatorFor(request);
        const panel = returnedPanel(returned.check, 'reply', { body: returned.values.body }, t);
        return replyPage(request, reply, request.params.id, { body: returned.values.body, note: returned.values.note, draft: returned.values.draft, returnedComment: returned.comment, draftAttachments: returned.attachmentNames, ...(panel ? { guardPanel: panel } : {}) });
      }
      if (request.query.quote) {
        const quoted = await db
          .selectFrom('posts')
          .innerJoin('users', 'users.id', 'posts.user_id')
          .select(['posts.body_markdown', 'posts.deleted_at', 'users.username', 'users.deleted_at as user_deleted'])
          .where('posts.topic_id', '=', request.params.id)
          .where('posts.post_number', '=', request.query.quote)
          .executeTakeFirst();
        if (quoted && !quoted.deleted_at) {
          const { t } = translatorFor(request);
          const who = quoted.user_deleted ? t('compose:reply.deletedUser') : `@${quoted.username}`;
          body = `${t('compose:reply.quoteWrote', { who })}\n\n${quoted.body_markdown.split('\n').map((l) => `> ${l}`).join('\n')}\n\n`;
        }
      }
      return replyPage(request, reply, request.params.id, { body });
    },
  );
  /**
   * A reply the guard stopped comes back on its topic (last page), the text in the reply box and one
   * findings panel above it with its quick fixes, instead of a page of its own.
   */
  const backOnTopic = async (request: FastifyRequest, reply: FastifyReply, topicId: number, draft: { body: string; note: string; message: string; findings: GuardFinding[]; canAskTeam: boolean; draft?: string }, status: number) => {
    const actor = signedIn(request);
    let data = await showTopic(db, actor, topicId, 1);
    if (data.pageCount > 1) data = await showTopic(db, actor, topicId, data.pageCount);
    const replyDraft = { ...draft, findings: findingsToFix(draft.findings, { body: draft.body }), phrases: phrasesIn(translatorFor(request).t) };
    return reply.code(status).view('topic', await topicView(app, actor, data, { replyDraft, note: draft.note }, translatorFor(request).t));
  };

  app.post<{ Params: { id: number }; Body: Form }>('/t/:id/replies', { schema: { params: idParams }, ...withAttachments }, async (request, reply) => {
    const actor = signedIn(request);
    const body = str(request.body?.body);
    const note = str(request.body?.note);
    // A returned reply draft posted or sent again (hidden `draft`), kept on every form shown back.
    const draftId = draftIdOf(request.body?.draft);
    const returned = draftId ? await loadReturnedDraft(db, actor, draftId) : null;
    const carry = returned ? { draft: String(draftId), returnedComment: returned.reviewer_comment } : {};
    // "Replace with a placeholder" on a stopped reply: the fixed text goes back in the reply box
    // (checked again, not published), so the author sees it before posting.
    if (request.body?.fix !== undefined) {
      const fixed = await quickFix(db, actor, { body: body.replace(/\r\n?/g, '\n') }, str(request.body.fix), { where: 'reply', target: `topic:${request.params.id}` }, 'reply', translatorFor(request).t);
      return backOnTopic(request, reply, request.params.id, { ...fixed, note, ...carry }, 200);
    }
    try {
      const attachments = formAttachments(request);
      if (request.body?.askTeam === '1') {
        const text = tidy(body);
        if (draftId) await sendReturnedDraftAgain(db, actor, draftId, { kind: 'reply', topicId: request.params.id, body: text, note, attachments });
        else await holdDraft(db, actor, { kind: 'reply', topicId: request.params.id, body: text, note, reason: 'asked', findings: await findingsFor(actor, text, 'reply', undefined, attachments), attachments });
        changedNoPage(request);
        return sentToTeam(request, reply);
      }
      // Tone nudge (issue 13): an employee's dismissive reply is shown back once with a reminder; "post anyway" sends it.
      if (request.body?.toneAck !== '1') {
        const tone = await toneNudge(db, actor, 'reply', body, translatorFor(request).t);
        if (tone) return replyPage(request, reply, request.params.id, { body, note, tone, kept: attachmentsToShowAgain(request), ...carry });
      }
      const r = draftId ? await postReturnedReply(db, actor, draftId, { topicId: request.params.id, body, attachments }) : await publishReplyOrHold(db, actor, { topicId: request.params.id, body, attachments });
      if (isHeld(r)) return heldForReview(request, reply, translatorFor(request).t(r.held.messageKey));
      changedOnlyTopic(request, request.params.id);
      app.notifyMentions(r.id);
      return reply.redirect(withWarnings(await postUrl(app, r.id), 'reply', r.warnings), 303);
    } catch (err) {
      // Stopped by the guard in the text itself: back on the topic. Anything else (attachments, limits): the reply page.
      if (stoppedInText(err, request)) {
        return backOnTopic(request, reply, request.params.id, { body: body.replace(/\r\n?/g, '\n'), note, message: err.say(translatorFor(request).t), findings: err.findings, canAskTeam: err.canAskCommunityTeam, ...carry }, err.status);
      }
      if (err instanceof UserError && err.status !== 401 && err.status !== 404) {
        return replyPage(request, reply, request.params.id, { body, note, ...formErrors(err, translatorFor(request).t), kept: attachmentsToShowAgain(request), ...guardOf(err), ...carry }, err.status);
      }
      throw err;
    }
  });

  // ---- Edit, with history ----
  const editPage = async (request: FastifyRequest, reply: FastifyReply, postId: number, extra: object = {}, status = 200) => {
    const actor = signedIn(request);
    // A post the caller may not read is not there (404); one they read but may not edit is a 403.
    const { post, subject } = await loadVisiblePost(db, actor, postId);
    authorize(actor, 'post.edit', subject);
    return reply.code(status).view('edit', {
      title: translatorFor(request).t('compose:edit.pageTitle'),
      post,
      isFirst: post.post_number === 1,
      csrf: reply.generateCsrf(),
      values: { title: post.title, body: post.body_markdown, reason: '' },
      error: null,
      findings: null,
      kept: [],
      existing: await attachmentsOfPost(db, post.id),
      ...extra,
    });
  };
  app.get<{ Params: { id: number } }>('/p/:id/edit', { schema: { params: idParams } }, async (request, reply) => editPage(request, reply, request.params.id));
  app.post<{ Params: { id: number }; Body: Form }>('/p/:id/edit', { schema: { params: idParams }, ...withAttachments }, async (request, reply) => {
    const actor = signedIn(request);
    const b = request.body ?? {};
    const values = { title: str(b.title), body: str(b.body), reason: str(b.reason), note: str(b.note) };
    if (b.fix !== undefined) {
      const { post } = await loadVisiblePost(db, actor, request.params.id);
      const first = post.post_number === 1;
      const texts: FixTexts = { body: values.body.replace(/\r\n?/g, '\n'), ...(first && values.title.trim() ? { title: values.title } : {}) };
      const fixed = await quickFix(db, actor, texts, str(b.fix), { where: first ? 'topic' : 'reply', target: `post:${post.id}` }, first ? 'topic' : 'reply', translatorFor(request).t);
      return editPage(request, reply, request.params.id, { values: { ...values, ...fixed.texts }, guardPanel: guardPanel(fixed, fixed.texts, translatorFor(request).t), findings: fixed.findings });
    }
    let warnings: GuardFinding[] | undefined;
    let held = false;
    try {
      const removeAttachments = formList((b as Record<string, unknown>).remove_attachment).map(Number).filter((n) => Number.isInteger(n) && n > 0);
      ({ warnings, heldForReview: held } = await editPost(db, actor, { postId: request.params.id, body: values.body, ...(b.title !== undefined ? { title: values.title } : {}), reason: values.reason, attachments: formAttachments(request), removeAttachments, ...(b.askTeam === '1' ? { askTeam: { note: values.note } } : {}) }));
    } catch (err) {
      // Stopped by the guard in the text: the edit form with one findings panel and its quick fixes.
      if (stoppedInText(err, request)) {
        const { t } = translatorFor(request);
        const draft = { message: err.say(t), findings: err.findings, canAskTeam: err.canAskCommunityTeam };
        const texts = { title: values.title, body: values.body.replace(/\r\n?/g, '\n') };
        return editPage(request, reply, request.params.id, { values: { ...values, ...texts }, guardPanel: guardPanel(draft, texts, t), ...guardOf(err) }, err.status);
      }
      if (err instanceof UserError && err.status !== 401 && err.status !== 404 && err.status !== 403) {
        return editPage(request, reply, request.params.id, { values, ...formErrors(err, translatorFor(request).t), kept: attachmentsToShowAgain(request), ...guardOf(err) }, err.status);
      }
      throw err;
    }
    await changedPostsTopic(db, request, request.params.id);
    if (held && b.askTeam === '1') {
      const { t } = translatorFor(request);
      return reply.code(202).view('notice', { title: t('compose:askTeam.waitingTitle'), message: t('compose:askTeam.editSaved'), link: { href: await postUrl(app, request.params.id), text: t('compose:reply.backToTopic') } });
    }
    return reply.redirect(withWarnings(await postUrl(app, request.params.id), 'edit', warnings), 303);
  });
  app.get<{ Params: { id: number } }>('/p/:id/revisions', { schema: { params: idParams } }, async (request, reply) => {
    const history = await listRevisions(db, request.actor, request.params.id);
    return reply.view('revisions', { title: `History of a post in ${history.post.title}`, ...history, back: await postUrl(app, request.params.id) });
  });

  // ---- Delete, kudos, accept, moderate: small forms that go back to the post ----
  app.post<{ Params: { id: number } }>('/p/:id/delete', { schema: { params: idParams } }, async (request, reply) => {
    const { post } = await loadPost(db, request.params.id);
    const { topicDeleted } = await deletePost(db, signedIn(request), request.params.id);
    changedOnlyTopic(request, post.topic_id);
    if (topicDeleted) {
      const board = await db.selectFrom('boards').select('slug').where('id', '=', post.board_id).executeTakeFirstOrThrow();
      return reply.redirect(viewHelpers.boardUrl(board.slug), 303);
    }
    return reply.redirect(await postUrl(app, request.params.id), 303);
  });
  app.post<{ Params: { id: number }; Body: Form }>('/p/:id/kudos', { schema: { params: idParams } }, async (request, reply) => {
    const actor = signedIn(request);
    const count = request.body?.undo === '1' ? await takeBackKudos(db, actor, request.params.id) : await giveKudos(db, actor, request.params.id);
    await changedPostsTopic(db, request, request.params.id);
    if (request.headers.accept?.includes('application/json')) return { kudos: count };
    return reply.redirect(await postUrl(app, request.params.id), 303);
  });
  app.post<{ Params: { id: number } }>('/p/:id/accept', { schema: { params: idParams } }, async (request, reply) => {
    await acceptAnswer(db, signedIn(request), request.params.id);
    await changedPostsTopic(db, request, request.params.id);
    return reply.redirect(await postUrl(app, request.params.id), 303);
  });
  app.post<{ Params: { id: number }; Body: Form }>('/t/:id/moderate', { schema: { params: idParams } }, async (request, reply) => {
    await moderateTopic(db, signedIn(request), request.params.id, str(request.body?.action));
    changedOnlyTopic(request, request.params.id);
    const topic = await db.selectFrom('topics').select(['id', 'slug']).where('id', '=', request.params.id).executeTakeFirstOrThrow();
    return reply.redirect(viewHelpers.topicUrl(topic), 303);
  });

  // ---- Live guard check for the composer's script; the server checks again on submit ----
  // JSON: { body, where, title?, attachments?: [{ name, content }] }. Attachments pass the same
  // checks as on submit (checkAttachments: count, size, text, names) and one guard decision with
  // the body; findings in them carry attachment (index), attachmentName and line.
  app.post<{ Body: Form & { attachments?: unknown } }>('/check', { bodyLimit: ATTACHMENT_BODY_LIMIT, config: { rateLimit: { max: 240, timeWindow: '1 minute' }, keepsPages: true } }, async (request) => {
    const actor = signedIn(request);
    const body = str(request.body?.body);
    const title = request.body?.title;
    if (body.length > 50_000 || (title?.length ?? 0) > 1000) throw new UserError(text('compose:errors.bodyLong', { max: 50_000 }), 413);
    const where = request.body?.where === 'topic' ? 'topic' : 'reply';
    const attachments = checkAttachments(liveAttachments(request.body?.attachments));
    const result = await checkDraft(db, actor, { body, where, ...(typeof title === 'string' ? { title } : {}), ...(attachments.length ? { attachments } : {}) });
    const lines = attachments.map((a) => lineStarts(a.text));
    // Each finding in the reader's words (label, what, why); the guard's own reason stays for tools.
    const { t, locale } = translatorFor(request);
    const findings = result.findings.map((f) => ({ ...f, ...(f.attachment !== undefined ? { line: lineAt(lines[f.attachment]!, f.start) } : {}), label: findingLabel(t, f.type), what: findingWhat(t, f.type), why: findingReason(t, locale, f) }));
    const acted = result.findings.filter((f) => f.action !== 'allow');
    const message = result.action === 'block' || result.action === 'hold'
      ? stopSentence(t, { action: result.action, where, canAsk: result.canAskCommunityTeam, findings: result.findings })
      : acted.length ? `${containsSentence(t, where, acted)}.` : undefined;
    const tone = await toneNudge(db, actor, where, body, t);
    // Watched words the author can still rephrase (block, hold): src/moderation/watched-live-check.ts.
    const watched = await watchedLiveFindings(db, actor, { body, ...(typeof title === 'string' ? { title } : {}) }, t);
    return { action: result.action, canAskCommunityTeam: result.canAskCommunityTeam, ...(message ? { message } : {}), findings, ...(attachments.length ? { attachments: attachments.map((a) => ({ name: a.name })) } : {}), ...(tone ? { tone } : {}), ...(watched.length ? { watched } : {}) };
  });

  // ---- Live preview for the composer's script (same renderer as publishing) ----
  app.post<{ Body: Form }>('/preview', { config: { rateLimit: { max: 120, timeWindow: '1 minute' }, keepsPages: true } }, async (request) => {
    signedIn(request);
    const body = str(request.body?.body);
    if (body.length > 50_000) throw new UserError(text('compose:errors.bodyLong', { max: 50_000 }), 413);
    return { html: renderMarkdown(body, undefined, imageOptionsFor(db)) };
  });
}
