// Topics: open one (question or discussion), read one page of it, reply, moderate.
import { translatorFor } from '../../i18n/plugin.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isHeld, publishReplyOrHold, publishTopicOrHold } from '../../moderation/post-or-hold.ts';
import { moderateTopic } from '../../community/moderate-topic.ts';
import type { Actor } from '../../policy/policy.ts';
import { signedIn, security } from '../auth.ts';
import type { Presenter } from '../present.ts';
import { readers } from '../read.ts';
import { ATTACHMENT_BODY_LIMIT, attachmentsInput, bodySchema, errors, idParams, pageQuery, ref, slugParams, titleSchema, type AttachmentInput } from '../schemas.ts';
import { MAX_TAGS } from '../../community/tags.ts';
import { attachmentsFromApi } from '../../attachments/api-input.ts';
import { changedOnlyTopic } from '../../web/anonymous-cache.ts';
import { askTeam } from '../../moderation/ask-team.ts';

// "Ask the community team" instead of publishing (when the guard would stop the text, or to be sure).
const ASK_TEAM = { type: 'boolean', description: 'Send the draft to the community team for review instead of publishing it (202).' } as const;
export const NOTE = { type: 'string', maxLength: 1000, description: 'A note to the community team (with askTeam).' } as const;
// What the author reads when a draft went to the community team (in their Accept-Language).
const ASKED_MESSAGE = 'api:held.asked';

const tags = ['Topics'];
// A draft held for review (the guard's "hold", a new member's first posts, a watched word): queued, not public.
export const heldResponse = {
  description: 'Held for review by the community team: not public yet; the author is e-mailed the outcome.',
  type: 'object',
  properties: {
    held: { type: 'object', properties: { id: { type: 'integer' }, reason: { type: 'string', enum: ['guard', 'first_post', 'watched_word', 'asked'] }, message: { type: 'string' } }, required: ['id', 'reason', 'message'] },
    // With askTeam: the same draft's id, as earlier clients read it.
    heldForReview: { type: 'boolean' },
    draftId: { type: 'integer' },
  },
  required: ['held'],
} as const;

/**
 * What a topic or reply write answers (here and for a returned draft, routes/drafts.ts): 202 when
 * it went to the community team (held, or asked), else 201 with what was created, as GET shows it.
 */
export function writeAnswers(app: FastifyInstance, present: Presenter) {
  const read = readers(app.database.db, present);
  return {
    read,
    asked: (request: FastifyRequest, reply: FastifyReply, id: number) =>
      reply.code(202).send({ held: { id, reason: 'asked', message: translatorFor(request).t(ASKED_MESSAGE) }, heldForReview: true, draftId: id }),
    topic: async (request: FastifyRequest, reply: FastifyReply, actor: Actor, created: Awaited<ReturnType<typeof publishTopicOrHold>>) => {
      if (isHeld(created)) return reply.code(202).send(created);
      changedOnlyTopic(request, created.id);
      app.notifyMentions(created.postId);
      return reply.code(201).header('location', present.api(`/topics/${created.id}`)).send(await read.topicPage(actor, created.id));
    },
    reply: async (request: FastifyRequest, reply: FastifyReply, actor: Actor, topicId: number, created: Awaited<ReturnType<typeof publishReplyOrHold>>) => {
      if (isHeld(created)) return reply.code(202).send(created);
      changedOnlyTopic(request, topicId);
      app.notifyMentions(created.id);
      return reply.code(201).send({ post: await read.post(actor, created.id) });
    },
  };
}

export async function topicRoutes(app: FastifyInstance, { present }: { present: Presenter }): Promise<void> {
  const db = app.database.db;

  const answer = writeAnswers(app, present);
  const topicPage = answer.read.topicPage;

  app.post<{ Params: { slug: string }; Body: { kind: 'question' | 'discussion'; title: string; body: string; tags?: string[]; attachments?: AttachmentInput[]; askTeam?: boolean; note?: string } }>('/boards/:slug/topics', {
    bodyLimit: ATTACHMENT_BODY_LIMIT,
    schema: {
      tags, security: security.any, summary: 'Open a topic: a question or a discussion',
      params: slugParams,
      body: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: ['question', 'discussion'] },
          title: titleSchema,
          body: bodySchema,
          tags: { type: 'array', maxItems: MAX_TAGS, items: { type: 'string', minLength: 1, maxLength: 30 } },
          attachments: attachmentsInput,
          askTeam: ASK_TEAM,
          note: NOTE,
        },
        required: ['kind', 'title', 'body'],
        additionalProperties: false,
      },
      response: { 201: ref('TopicPage'), 202: heldResponse, ...errors(400, 401, 403, 404, 413, 415, 422) },
    },
  }, async (request, reply) => {
    const actor = signedIn(request);
    const { kind, title, body, tags: topicTags } = request.body;
    const attachments = attachmentsFromApi(request.body.attachments);
    if (request.body.askTeam) {
      const held = await askTeam(db, actor, { kind: 'topic', boardSlug: request.params.slug, topicKind: kind, title, body, tags: (topicTags ?? []).join(', '), note: request.body.note ?? '', attachments });
      return answer.asked(request, reply, held.id);
    }
    return answer.topic(request, reply, actor, await publishTopicOrHold(db, actor, { boardSlug: request.params.slug, kind, title, body, tags: topicTags ?? [], attachments }));
  });

  app.get<{ Params: { id: number }; Querystring: { page: number } }>('/topics/:id', {
    schema: {
      tags, security: security.optional, summary: 'A topic with one page of its posts and its accepted answer',
      params: idParams, querystring: pageQuery,
      response: { 200: ref('TopicPage'), ...errors(400, 401, 404) },
    },
  }, async (request) => topicPage(request.actor, request.params.id, request.query.page));

  app.post<{ Params: { id: number }; Body: { body: string; attachments?: AttachmentInput[]; askTeam?: boolean; note?: string } }>('/topics/:id/replies', {
    bodyLimit: ATTACHMENT_BODY_LIMIT,
    schema: {
      tags, security: security.any, summary: 'Reply to a topic',
      description: 'A locked or closed topic takes no replies (403), except from moderators and community managers.',
      params: idParams,
      body: { type: 'object', properties: { body: bodySchema, attachments: attachmentsInput, askTeam: ASK_TEAM, note: NOTE }, required: ['body'], additionalProperties: false },
      response: { 201: { type: 'object', properties: { post: ref('Post') }, required: ['post'] }, 202: heldResponse, ...errors(400, 401, 403, 404, 413, 415, 422) },
    },
  }, async (request, reply) => {
    const actor = signedIn(request);
    const attachments = attachmentsFromApi(request.body.attachments);
    if (request.body.askTeam) {
      const held = await askTeam(db, actor, { kind: 'reply', topicId: request.params.id, body: request.body.body, note: request.body.note ?? '', attachments });
      return answer.asked(request, reply, held.id);
    }
    return answer.reply(request, reply, actor, request.params.id, await publishReplyOrHold(db, actor, { topicId: request.params.id, body: request.body.body, attachments }));
  });

  app.post<{ Params: { id: number }; Body: { action: string } }>('/topics/:id/moderation', {
    schema: {
      tags, security: security.any, summary: 'Pin, lock or close a topic, or undo that (moderators and community managers)',
      params: idParams,
      body: {
        type: 'object',
        properties: { action: { type: 'string', enum: ['pin', 'unpin', 'lock', 'unlock', 'close', 'open'] } },
        required: ['action'],
        additionalProperties: false,
      },
      response: { 200: { type: 'object', properties: { topic: ref('Topic') }, required: ['topic'] }, ...errors(400, 401, 403, 404) },
    },
  }, async (request) => {
    const actor = signedIn(request);
    await moderateTopic(db, actor, request.params.id, request.body.action);
    changedOnlyTopic(request, request.params.id);
    return { topic: (await topicPage(actor, request.params.id)).topic };
  });
}
