// Private conversations on the web: inbox, conversation pages, the new-message form, "Message
// the team", the hand-over from a public topic and the summary back, leave/mute/report, the
// moderators' list of reports and the community managers' settings. Every page works without
// JavaScript; every form carries a CSRF token (checked in server.ts). No route here is cached for
// visitors, and no write here changes a public page except the hand-over and the summary.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize, type Actor } from '../policy/policy.ts';
import { text, UserError } from '../shared/errors.ts';
import { translatorFor } from '../i18n/plugin.ts';
import { signedIn, formText as str } from '../web/request-helpers.ts';
import { changedNoPage, changedOnlyTopic } from '../web/anonymous-cache.ts';
import { viewHelpers } from '../web/view-helpers.ts';
import { checkPrivate } from '../confidentiality/private-audience.ts';
import { linkCustomerRecord } from '../confidentiality/customer-links.ts';
import { listInbox } from './list-inbox.ts';
import { showConversation } from './show-conversation.ts';
import { startConversation } from './start-conversation.ts';
import { replyToConversation, activeParticipantIds } from './reply-to-conversation.ts';
import { leaveConversation, muteConversation } from './leave-or-mute.ts';
import { reportConversation, listConversationReports, closeConversationReport } from './report-conversation.ts';
import { continueInPrivate, loadHandOverTopic } from './continue-in-private.ts';
import { postSummary, acceptSummary } from './post-summary.ts';
import { notifyNewMessage } from './notify-new-message.ts';
import { addParticipants, HistoryNotForNewPeopleError } from './add-participants.ts';
import { notifyAdded } from './notify-added.ts';
import { loadConversation } from './load-conversation.ts';
import { parseUsernames, resolveRecipients } from './recipients.ts';
import { membersMayMessage, setMembersMayMessage } from './settings.ts';
import { downloadMessageAttachment } from './message-attachments.ts';
import { attachmentsToShowAgain, formAttachments, parseMultipartForm } from '../attachments/multipart-form.ts';
import { contentDisposition } from '../attachments/routes.ts';
import { checkAttachments } from '../attachments/text-file.ts';
import { ATTACHMENT_BODY_LIMIT } from '../api/schemas.ts';

type Form = Record<string, string | undefined>;
const idParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } }, required: ['id'] } as const;
const pageQuery = { type: 'object', properties: { page: { type: 'integer', minimum: 1, maximum: 1_000_000 } } } as const;
const noPage = { keepsPages: true } as const;

function guardOf(err: unknown): { findings?: unknown[] } {
  const e = err as { findings?: unknown[] };
  return Array.isArray(e.findings) ? { findings: e.findings } : {};
}

export async function conversationRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;
  /** E-mail the others in the background (a mail failure never fails the message). */
  const notify = (messageId: number) => {
    notifyNewMessage(db, app.mailer, app.config.publicUrl, messageId, app.config.DEFAULT_LOCALE).catch((err: Error) => app.log.warn({ err: { message: err.message } }, 'message e-mails failed'));
  };

  app.get<{ Querystring: { page?: number } }>('/messages', { schema: { querystring: pageQuery } }, async (request, reply) => {
    const actor = signedIn(request);
    const inbox = await listInbox(db, actor, request.query.page ?? 1);
    return reply.view('conversations-inbox', { title: translatorFor(request).t('conversations:inbox.title'), ...inbox });
  });

  const newForm = (reply: FastifyReply, values: Form, extra: object = {}) =>
    reply.view('conversations-new', { title: translatorFor(reply.request).t(values.team ? 'conversations:new.teamTitle' : 'conversations:new.title'), values, csrf: reply.generateCsrf(), ...extra });

  app.get<{ Querystring: { to?: string; team?: string } }>('/messages/new', { schema: { querystring: { type: 'object', properties: { to: { type: 'string', maxLength: 200 }, team: { type: 'string', maxLength: 5 } } } } }, async (request, reply) => {
    signedIn(request);
    return newForm(reply, { to: request.query.to ?? '', team: request.query.team === '1' ? '1' : '' });
  });

  // The message forms are multipart (text attachments), read before the CSRF check like the composer's.
  const withAttachments = { preValidation: parseMultipartForm } as const;
  app.post<{ Body: Form }>('/messages', { ...withAttachments, config: noPage }, async (request, reply) => {
    const actor = signedIn(request);
    const f = request.body ?? {};
    const values = { to: str(f.to), team: str(f.team) === '1' ? '1' : '', subject: str(f.subject), body: str(f.body) };
    try {
      const attachments = formAttachments(request);
      const started = await startConversation(db, actor, { to: values.to, team: !!values.team, subject: values.subject, body: values.body, ...(attachments.length ? { attachments } : {}) });
      notify(started.messageId);
      return reply.redirect(`/messages/${started.id}`, 303);
    } catch (err) {
      if (!(err instanceof UserError) || err.status === 401) throw err;
      reply.code(err.status);
      return newForm(reply, values, { error: err.say(translatorFor(request).t), kept: attachmentsToShowAgain(request), ...guardOf(err) });
    }
  });

  const page = async (request: FastifyRequest, reply: FastifyReply, id: number, pageNo: number | undefined, extra: object = {}) => {
    const actor = signedIn(request);
    const data = await showConversation(db, actor, id, pageNo);
    const staffReader = !data.me && !data.conversation.team;
    const canAcceptSummary = !!data.topic && !!data.conversation.summary_post_id && !data.topic.solved_post_id && data.topic.kind === 'question' && data.topic.user_id === actor.id;
    return reply.view('conversations-show', { title: data.conversation.subject, ...data, staffReader, canAcceptSummary, csrf: reply.generateCsrf(), ...extra });
  };

  const showQuery = { type: 'object', properties: { ...pageQuery.properties, quote: { type: 'integer', minimum: 1, maximum: 2_147_483_647 }, done: { type: 'string', maxLength: 20 } } } as const;
  app.get<{ Params: { id: number }; Querystring: { page?: number; quote?: number; done?: string } }>('/messages/:id', { schema: { params: idParams, querystring: showQuery } }, async (request, reply) => {
    const done = ({ sent: 'conversations:notices.summarySent', solved: 'conversations:notices.solved', reported: 'conversations:notices.reported', added: 'conversations:notices.added' } as Record<string, string>)[String(request.query.done)];
    const notice = done ? translatorFor(request).t(done) : undefined;
    // "Quote" without JavaScript: the reply box comes prefilled with the message as a Markdown quote.
    const quoted = request.query.quote ? await quoteOf(request, request.params.id, request.query.quote) : '';
    return page(request, reply, request.params.id, request.query.page, { ...(notice ? { notice } : {}), ...(quoted ? { body: quoted } : {}) });
  });
  const quoteOf = async (request: FastifyRequest, conversationId: number, messageId: number) => {
    const m = await db
      .selectFrom('conversation_messages')
      .leftJoin('users', 'users.id', 'conversation_messages.user_id')
      .select(['conversation_messages.body_markdown', 'users.display_name', 'users.deleted_at'])
      .where('conversation_messages.id', '=', messageId)
      .where('conversation_messages.conversation_id', '=', conversationId)
      .executeTakeFirst();
    if (!m || !m.body_markdown) return '';
    const { t } = translatorFor(request);
    return `${t('conversations:show.quoteWrote', { name: m.deleted_at ? t('conversations:people.deletedUser') : m.display_name })}\n${m.body_markdown.split('\n').map((l) => `> ${l}`).join('\n')}\n\n`;
  };

  app.post<{ Params: { id: number }; Body: Form }>('/messages/:id', { ...withAttachments, schema: { params: idParams }, config: noPage }, async (request, reply) => {
    const actor = signedIn(request);
    const body = str(request.body?.body);
    try {
      const attachments = formAttachments(request);
      const r = await replyToConversation(db, actor, request.params.id, body, undefined, attachments);
      notify(r.messageId);
      return reply.redirect(`/messages/${request.params.id}#m-${r.messageId}`, 303);
    } catch (err) {
      if (!(err instanceof UserError) || err.status === 401 || err.status === 404) throw err;
      reply.code(err.status);
      return page(request, reply, request.params.id, undefined, { error: err.say(translatorFor(request).t), body, kept: attachmentsToShowAgain(request), ...guardOf(err) });
    }
  });

  app.get<{ Params: { id: number; aid: number } }>('/messages/:id/attachments/:aid', {
    schema: { params: { type: 'object', properties: { id: idParams.properties.id, aid: idParams.properties.id }, required: ['id', 'aid'] } },
  }, async (request, reply) => {
    const file = await downloadMessageAttachment(db, signedIn(request), request.params.id, request.params.aid);
    // Served as a download of plain text, never rendered as a page of this site.
    return reply
      .header('content-type', 'text/plain; charset=utf-8')
      .header('content-disposition', contentDisposition(file.filename))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, no-store')
      .send(file.text);
  });

  app.post<{ Params: { id: number }; Body: Form }>('/messages/:id/people', { schema: { params: idParams }, config: noPage }, async (request, reply) => {
    const actor = signedIn(request);
    const to = str(request.body?.to).slice(0, 900);
    try {
      const { addedIds } = await addParticipants(db, actor, request.params.id, to);
      notifyAdded(db, app.mailer, app.config.publicUrl, request.params.id, actor.id, addedIds, app.config.DEFAULT_LOCALE).catch((err: Error) => app.log.warn({ err: { message: err.message } }, 'added-to-conversation e-mails failed'));
      return reply.redirect(`/messages/${request.params.id}?done=added`, 303);
    } catch (err) {
      if (!(err instanceof UserError) || err.status === 401 || err.status === 404) throw err;
      reply.code(err.status);
      return page(request, reply, request.params.id, undefined, { addError: err.say(translatorFor(request).t), addTo: to, ...(err instanceof HistoryNotForNewPeopleError ? { addBlocked: err.messageIds } : {}) });
    }
  });

  app.post<{ Params: { id: number } }>('/messages/:id/leave', { schema: { params: idParams }, config: noPage }, async (request, reply) => {
    await leaveConversation(db, signedIn(request), request.params.id);
    return reply.redirect('/messages', 303);
  });

  app.post<{ Params: { id: number }; Body: Form }>('/messages/:id/mute', { schema: { params: idParams }, config: noPage }, async (request, reply) => {
    await muteConversation(db, signedIn(request), request.params.id, str(request.body?.muted) !== '0');
    return reply.redirect(`/messages/${request.params.id}`, 303);
  });

  app.post<{ Params: { id: number }; Body: Form }>('/messages/:id/report', { schema: { params: idParams }, config: noPage }, async (request, reply) => {
    const raw = str(request.body?.message);
    const messageId = raw ? Number(raw) : undefined;
    if (messageId !== undefined && (!Number.isSafeInteger(messageId) || messageId < 1)) throw new UserError(text('conversations:errors.noSuchMessage'), 400, 'message');
    await reportConversation(db, signedIn(request), request.params.id, { reason: str(request.body?.reason), ...(messageId ? { messageId } : {}) });
    return reply.redirect(`/messages/${request.params.id}?done=reported`, 303);
  });

  app.post<{ Params: { id: number }; Body: Form }>('/messages/:id/summary', { schema: { params: idParams } }, async (request, reply) => {
    const actor = signedIn(request);
    const body = str(request.body?.body);
    try {
      const r = await postSummary(db, actor, request.params.id, body);
      changedOnlyTopic(request, r.topicId);
      app.notifyMentions(r.postId);
      return reply.redirect(`/messages/${request.params.id}?done=sent`, 303);
    } catch (err) {
      if (!(err instanceof UserError) || err.status === 401 || err.status === 404) throw err;
      changedNoPage(request);
      reply.code(err.status);
      return page(request, reply, request.params.id, undefined, { summaryError: err.say(translatorFor(request).t), summary: body, ...(guardOf(err).findings ? { summaryFindings: guardOf(err).findings } : {}) });
    }
  });

  app.post<{ Params: { id: number } }>('/messages/:id/accept-summary', { schema: { params: idParams } }, async (request, reply) => {
    const r = await acceptSummary(db, signedIn(request), request.params.id);
    changedOnlyTopic(request, r.topicId);
    return reply.redirect(`/messages/${request.params.id}?done=solved`, 303);
  });

  // ---- The composer's live check for a private message (the server checks again on send) ----
  // JSON: { body, conversation? } in a conversation, { body, to?, team? } for a new one, { body, topic } for a hand-over.
  app.post<{ Body: Form & { attachments?: unknown } }>('/messages/check', { bodyLimit: ATTACHMENT_BODY_LIMIT, config: { rateLimit: { max: 240, timeWindow: '1 minute' }, keepsPages: true } }, async (request) => {
    const actor = signedIn(request);
    const f = request.body ?? {};
    // The files picked in the form, as the composer's script sends them: [{ name, content }].
    const raw = f.attachments;
    if (raw !== undefined && raw !== null && !Array.isArray(raw)) throw new UserError(text('conversations:errors.attachmentsList'), 400, 'attachments');
    const attachments = checkAttachments((raw ?? []).map((a: unknown) => {
      const { name, content } = (a ?? {}) as { name?: unknown; content?: unknown };
      if (typeof name !== 'string' || !name || name.length > 255 || typeof content !== 'string') throw new UserError(text('conversations:errors.attachmentShape'), 400, 'attachments');
      return { name, text: content };
    }));
    const body = str(f.body).replace(/\r\n?/g, '\n');
    if (body.length > 50_000) throw new UserError(text('conversations:errors.messageTooLong', { max: 50_000 }), 413);
    let participantIds: number[];
    let target = 'conversation:new';
    if (str(f.conversation)) {
      const id = Number(str(f.conversation));
      const { conversation } = await loadConversation(db, actor, Number.isSafeInteger(id) ? id : 0, 'conversation.reply');
      participantIds = [...new Set([...(await activeParticipantIds(db, conversation.id)), actor.id])];
      target = `conversation:${conversation.id}`;
    } else if (str(f.topic)) {
      const id = Number(str(f.topic));
      const t = await loadHandOverTopic(db, actor, Number.isSafeInteger(id) ? id : 0);
      participantIds = [actor.id, t.user_id];
    } else {
      // Recipients still being typed: those known so far count; unknown names are simply not readers yet.
      const names = parseUsernames(str(f.to)).slice(0, 20);
      const known = names.length ? await resolveRecipients(db, actor, names, { allowNone: true }).catch(() => []) : [];
      participantIds = [actor.id, ...known.map((r) => r.id)];
    }
    const result = await checkPrivate(db, { actor, body, participantIds, target, ...(attachments.length ? { attachments } : {}) });
    return { action: result.action, canAskCommunityTeam: false, findings: result.findings };
  });

  // ---- "Continue in private" from a public topic ----
  app.get<{ Params: { id: number } }>('/t/:id/private', { schema: { params: idParams } }, async (request, reply) => {
    const topic = await loadHandOverTopic(db, signedIn(request), request.params.id);
    const { t } = translatorFor(request);
    return reply.view('conversations-new', { title: t('conversations:new.continueTitle'), topic, values: { subject: t('conversations:new.aboutSubject', { title: topic.title }), body: '' }, csrf: reply.generateCsrf() });
  });

  app.post<{ Params: { id: number }; Body: Form }>('/t/:id/private', { schema: { params: idParams } }, async (request, reply) => {
    const actor = signedIn(request);
    const topic = await loadHandOverTopic(db, actor, request.params.id);
    const values = { subject: str(request.body?.subject), body: str(request.body?.body) };
    try {
      const started = await continueInPrivate(db, actor, topic.id, values);
      changedOnlyTopic(request, topic.id); // the thread's notice
      notify(started.messageId);
      return reply.redirect(`/messages/${started.id}`, 303);
    } catch (err) {
      if (!(err instanceof UserError) || err.status === 401) throw err;
      changedNoPage(request);
      reply.code(err.status);
      const { t } = translatorFor(request);
      return reply.view('conversations-new', { title: t('conversations:new.continueTitle'), topic, values, error: err.say(t), ...guardOf(err), csrf: reply.generateCsrf() });
    }
  });

  // ---- Moderators: reported conversations (linked from the review queue) ----
  app.get('/moderation/messages', async (request, reply) => {
    const reports = await listConversationReports(db, signedIn(request));
    return reply.view('conversations-reports', { title: translatorFor(request).t('moderation:conversationReports.title'), reports, csrf: reply.generateCsrf() });
  });
  app.post<{ Params: { id: number } }>('/moderation/messages/:id/close', { schema: { params: idParams }, config: noPage }, async (request, reply) => {
    await closeConversationReport(db, signedIn(request), request.params.id);
    return reply.redirect('/moderation/messages', 303);
  });

  // ---- Community managers: member-to-member messages, links to customer records ----
  const adminPage = async (request: FastifyRequest, reply: FastifyReply, extra: object = {}) => {
    authorize(signedIn(request), 'conversation.manage', null);
    return reply.view('conversations-admin', { title: translatorFor(request).t('admin:conversations.title'), membersMayMessage: await membersMayMessage(db), csrf: reply.generateCsrf(), ...extra });
  };
  // Post/Redirect/Get: ?saved=1 (the setting saved) or ?linked=N (records linked), said in a status message.
  const adminQuery = { type: 'object', properties: { saved: { type: 'string', maxLength: 4 }, linked: { type: 'integer', minimum: 0, maximum: 1_000_000 } } } as const;
  app.get<{ Querystring: { saved?: string; linked?: number } }>('/admin/conversations', { schema: { querystring: adminQuery } }, async (request, reply) => {
    const { saved, linked } = request.query;
    const notice = saved === '1' ? { key: 'admin:conversations.saved' } : linked !== undefined ? text('admin:conversations.linked', { count: linked }) : null;
    return adminPage(request, reply, notice ? { notice } : {});
  });
  app.post<{ Body: Form }>('/admin/conversations', { config: noPage }, async (request, reply) => {
    await setMembersMayMessage(db, signedIn(request), str(request.body?.membersMayMessage) === '1');
    return reply.redirect('/admin/conversations?saved=1', 303);
  });
  app.post<{ Body: Form }>('/admin/conversations/links', { config: noPage }, async (request, reply) => {
    const actor: Actor = signedIn(request);
    authorize(actor, 'conversation.manage', null);
    try {
      const r = await linkCustomerRecord(db, actor, { username: str(request.body?.username), field: str(request.body?.field), value: str(request.body?.value) });
      return reply.redirect(`/admin/conversations?linked=${r.records}`, 303);
    } catch (err) {
      if (!(err instanceof UserError) || err.status === 401 || err.status === 403) throw err;
      reply.code(err.status);
      return adminPage(request, reply, { error: err.say(translatorFor(request).t) });
    }
  });
}
