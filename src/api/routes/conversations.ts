// Private conversations in the REST API (issue 20): the same use cases and policy as the pages.
// A conversation the caller may not see answers 404, whoever asks.
import type { FastifyInstance } from 'fastify';
import { signedIn, security } from '../auth.ts';
import { ATTACHMENT_BODY_LIMIT, attachmentsInput, bodySchema, errors, idParams, type AttachmentInput } from '../schemas.ts';
import { attachmentsFromApi } from '../../attachments/api-input.ts';
import { listInbox } from '../../conversations/list-inbox.ts';
import { showConversation } from '../../conversations/show-conversation.ts';
import { startConversation } from '../../conversations/start-conversation.ts';
import { replyToConversation } from '../../conversations/reply-to-conversation.ts';
import { leaveConversation, muteConversation } from '../../conversations/leave-or-mute.ts';
import { reportConversation } from '../../conversations/report-conversation.ts';
import { notifyNewMessage } from '../../conversations/notify-new-message.ts';
import { addParticipants } from '../../conversations/add-participants.ts';
import { notifyAdded } from '../../conversations/notify-added.ts';
import { changedNoPage } from '../../web/anonymous-cache.ts';

const tags = ['Conversations'];
const person = { type: 'object', properties: { username: { type: ['string', 'null'] }, displayName: { type: 'string' } }, required: ['username', 'displayName'] } as const;
const summary = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    subject: { type: 'string' },
    team: { type: 'boolean', description: 'A conversation with the community team as a group' },
    topicId: { type: ['integer', 'null'], description: 'The public topic it continues, if any' },
    messageCount: { type: 'integer' },
    lastMessageAt: { type: 'string', format: 'date-time' },
    unread: { type: 'boolean' },
    muted: { type: 'boolean' },
    with: { type: 'array', items: { type: 'string' }, description: 'Display names of the others in it' },
  },
  required: ['id', 'subject', 'team', 'topicId', 'messageCount', 'lastMessageAt', 'unread', 'muted', 'with'],
} as const;
const message = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, author: person, html: { type: 'string', description: 'Sanitised HTML' }, createdAt: { type: 'string', format: 'date-time' },
    attachments: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, size: { type: 'integer' }, url: { type: 'string' } }, required: ['id', 'name', 'size', 'url'] } },
  },
  required: ['id', 'author', 'html', 'createdAt', 'attachments'],
} as const;
const conversationPage = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, subject: { type: 'string' }, team: { type: 'boolean' },
    topic: { type: ['object', 'null'], properties: { id: { type: 'integer' }, title: { type: 'string' }, url: { type: 'string' } } },
    participants: { type: 'array', items: person },
    page: { type: 'integer' }, pageCount: { type: 'integer' },
    messages: { type: 'array', items: message },
  },
  required: ['id', 'subject', 'team', 'topic', 'participants', 'page', 'pageCount', 'messages'],
} as const;
const created = { type: 'object', properties: { id: { type: 'integer' }, messageId: { type: 'integer' } }, required: ['id', 'messageId'] } as const;

export async function conversationApiRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;
  const notify = (messageId: number) => {
    notifyNewMessage(db, app.mailer, app.config.publicUrl, messageId, app.config.DEFAULT_LOCALE).catch((err: Error) => app.log.warn({ err: { message: err.message } }, 'message e-mails failed'));
  };
  // Nothing here changes a public page.
  app.addHook('preHandler', async (request) => {
    if (request.method !== 'GET') changedNoPage(request);
  });

  app.get<{ Querystring: { page: number } }>('/conversations', {
    schema: {
      tags, security: security.any, summary: 'The caller\'s inbox: conversations newest first, with unread state',
      querystring: { type: 'object', properties: { page: { type: 'integer', minimum: 1, maximum: 100_000, default: 1 } }, additionalProperties: false },
      response: { 200: { type: 'object', properties: { page: { type: 'integer' }, hasMore: { type: 'boolean' }, unread: { type: 'integer' }, conversations: { type: 'array', items: summary } }, required: ['page', 'hasMore', 'unread', 'conversations'] }, ...errors(400, 401) },
    },
  }, async (request) => {
    const inbox = await listInbox(db, signedIn(request), request.query.page);
    return {
      page: inbox.page, hasMore: inbox.hasMore, unread: inbox.unread,
      conversations: inbox.items.map((c) => ({ id: c.id, subject: c.subject, team: c.team, topicId: c.topic_id, messageCount: c.message_count, lastMessageAt: c.last_message_at, unread: c.unread, muted: c.muted, with: c.others.map((o) => o ?? 'deleted user') })), // a field for programs: stays English
    };
  });

  app.post<{ Body: { to?: string[]; team?: boolean; subject: string; body: string; attachments?: AttachmentInput[] } }>('/conversations', {
    bodyLimit: ATTACHMENT_BODY_LIMIT,
    schema: {
      tags, security: security.any, summary: 'Start a private conversation (with people, or with the community team)',
      description: 'The message passes the confidentiality guard with a private audience: the participants\' own customer data is allowed; another registered customer\'s data and confidential documents are refused with 422.',
      body: {
        type: 'object',
        properties: {
          to: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 40 }, maxItems: 20, description: 'Usernames' },
          team: { type: 'boolean', default: false, description: 'Message the community team as a group' },
          subject: { type: 'string', minLength: 1, maxLength: 150 },
          body: bodySchema,
          attachments: attachmentsInput,
        },
        required: ['subject', 'body'],
        additionalProperties: false,
      },
      response: { 201: created, ...errors(400, 401, 403, 413, 415, 422, 429) },
    },
  }, async (request, reply) => {
    const b = request.body;
    const r = await startConversation(db, signedIn(request), { to: b.to ?? [], team: !!b.team, subject: b.subject, body: b.body, attachments: attachmentsFromApi(b.attachments) });
    notify(r.messageId);
    reply.code(201);
    return { id: r.id, messageId: r.messageId };
  });

  app.get<{ Params: { id: number }; Querystring: { page?: number } }>('/conversations/:id', {
    schema: {
      tags, security: security.any, summary: 'A conversation with a page of its messages (the latest by default); marks them read',
      params: idParams,
      querystring: { type: 'object', properties: { page: { type: 'integer', minimum: 1, maximum: 1_000_000 } }, additionalProperties: false },
      response: { 200: conversationPage, ...errors(401, 404) },
    },
  }, async (request) => {
    const d = await showConversation(db, signedIn(request), request.params.id, request.query.page);
    const who = (p: { username: string | null; display_name: string }) => ({ username: p.username, displayName: p.display_name });
    return {
      id: d.conversation.id, subject: d.conversation.subject, team: d.conversation.team,
      topic: d.topic ? { id: d.topic.id, title: d.topic.title, url: `${app.config.publicUrl}/t/${d.topic.slug}/${d.topic.id}` } : null,
      participants: d.participants.map(who), page: d.page, pageCount: d.pageCount,
      messages: d.messages.map((m) => ({ id: m.id, author: who(m.author), html: m.body_html, createdAt: m.created_at, attachments: m.attachments.map((a) => ({ id: a.id, name: a.filename, size: a.byte_size, url: `${app.config.publicUrl}/messages/${d.conversation.id}/attachments/${a.id}` })) })),
    };
  });

  app.post<{ Params: { id: number }; Body: { body: string; attachments?: AttachmentInput[] } }>('/conversations/:id/messages', {
    bodyLimit: ATTACHMENT_BODY_LIMIT,
    schema: {
      tags, security: security.any, summary: 'Reply in a conversation',
      params: idParams,
      body: { type: 'object', properties: { body: bodySchema, attachments: attachmentsInput }, required: ['body'], additionalProperties: false },
      response: { 201: { type: 'object', properties: { messageId: { type: 'integer' } }, required: ['messageId'] }, ...errors(400, 401, 404, 413, 415, 422) },
    },
  }, async (request, reply) => {
    const r = await replyToConversation(db, signedIn(request), request.params.id, request.body.body, undefined, attachmentsFromApi(request.body.attachments));
    notify(r.messageId);
    reply.code(201);
    return { messageId: r.messageId };
  });

  app.post<{ Params: { id: number }; Body: { muted: boolean } }>('/conversations/:id/mute', {
    schema: {
      tags, security: security.any, summary: 'Mute (no e-mail) or unmute a conversation', params: idParams,
      body: { type: 'object', properties: { muted: { type: 'boolean' } }, required: ['muted'], additionalProperties: false },
      response: { 204: { type: 'null' }, ...errors(400, 401, 404) },
    },
  }, async (request, reply) => {
    await muteConversation(db, signedIn(request), request.params.id, request.body.muted);
    return reply.code(204).send();
  });

  app.post<{ Params: { id: number }; Body: { usernames: string[] } }>('/conversations/:id/participants', {
    schema: {
      tags, security: security.any, summary: 'Add people to a conversation (they can read all of it)',
      description: 'Whoever may reply may add people. The earlier messages pass the guard again for the new set of readers: if one holds a registered customer\'s data or confidential text they may not read, nobody is added (422).',
      params: idParams,
      body: { type: 'object', properties: { usernames: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 40 }, minItems: 1, maxItems: 20 } }, required: ['usernames'], additionalProperties: false },
      response: { 200: { type: 'object', properties: { added: { type: 'integer', description: 'How many people were added' } }, required: ['added'] }, ...errors(400, 401, 403, 404, 422) },
    },
  }, async (request) => {
    const actor = signedIn(request);
    const { addedIds } = await addParticipants(db, actor, request.params.id, request.body.usernames);
    notifyAdded(db, app.mailer, app.config.publicUrl, request.params.id, actor.id, addedIds, app.config.DEFAULT_LOCALE).catch((err: Error) => app.log.warn({ err: { message: err.message } }, 'added-to-conversation e-mails failed'));
    return { added: addedIds.length };
  });

  app.post<{ Params: { id: number } }>('/conversations/:id/leave', {
    schema: { tags, security: security.any, summary: 'Leave a conversation', params: idParams, response: { 204: { type: 'null' }, ...errors(401, 404) } },
  }, async (request, reply) => {
    await leaveConversation(db, signedIn(request), request.params.id);
    return reply.code(204).send();
  });

  app.post<{ Params: { id: number }; Body: { reason: string; messageId?: number } }>('/conversations/:id/report', {
    schema: {
      tags, security: security.any, summary: 'Report a conversation or one of its messages to the moderators (who may then read it; logged)', params: idParams,
      body: { type: 'object', properties: { reason: { type: 'string', minLength: 1, maxLength: 1000 }, messageId: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } }, required: ['reason'], additionalProperties: false },
      response: { 201: { type: 'object', properties: { reportId: { type: 'integer' } }, required: ['reportId'] }, ...errors(400, 401, 403, 404) },
    },
  }, async (request, reply) => {
    const reportId = await reportConversation(db, signedIn(request), request.params.id, request.body);
    reply.code(201);
    return { reportId };
  });
}
