// The caller's drafts held for the community team, and a returned one edited and sent on (issue 18,
// "edit and resubmit", as the web's composer and reply form do it): posted (through the guard and
// the other checks, like any new topic or reply) or sent to the team again. The same use cases as
// the pages (src/moderation/resubmit-draft.ts), so the same policy ('draft.resubmit') decides:
// someone else's draft, or one that is not (or no longer) returned, is not there (404).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { listMyDrafts } from '../../moderation/list-held.ts';
import { loadReturnedDraft } from '../../moderation/returned-draft.ts';
import { postReturnedReply, postReturnedTopic, sendReturnedDraftAgain } from '../../moderation/resubmit-draft.ts';
import { attachmentsFromApi } from '../../attachments/api-input.ts';
import { MAX_TAGS } from '../../community/tags.ts';
import { text, UserError } from '../../shared/errors.ts';
import type { Actor } from '../../policy/policy.ts';
import { signedIn, security } from '../auth.ts';
import type { Presenter } from '../present.ts';
import { ATTACHMENT_BODY_LIMIT, attachmentsInput, bodySchema, errors, idParams, ref, titleSchema, type AttachmentInput } from '../schemas.ts';
import { heldResponse, NOTE, writeAnswers } from './topics.ts';

const tags = ['Drafts'];

type Edited = { body: string; title?: string; kind?: 'question' | 'discussion'; tags?: string[]; attachments?: AttachmentInput[]; note?: string };

// The edited draft: its text, and for a topic draft its title, kind and tags (each left out keeps the draft's).
const editedProperties = {
  body: bodySchema,
  title: { ...titleSchema, description: `${titleSchema.description}; a topic draft only (left out: its title as it is)` },
  kind: { type: 'string', enum: ['question', 'discussion'], description: 'A topic draft only (left out: as it is)' },
  tags: { type: 'array', maxItems: MAX_TAGS, items: { type: 'string', minLength: 1, maxLength: 30 }, description: 'A topic draft only (left out: as they are)' },
  attachments: { ...attachmentsInput, description: `Added to the draft's own attachments (which it keeps). ${attachmentsInput.description}` },
} as const;

export async function draftRoutes(app: FastifyInstance, { present }: { present: Presenter }): Promise<void> {
  const db = app.database.db;
  const answer = writeAnswers(app, present);

  app.get('/me/drafts', {
    schema: {
      tags, security: security.any, summary: 'Your drafts waiting for the community team, or returned to you with its comment',
      description: 'Newest first. A returned draft is edited and posted (`publishUrl`) or sent to the team again (`resubmitUrl`).',
      response: { 200: { type: 'object', properties: { drafts: { type: 'array', items: ref('Draft') } }, required: ['drafts'] }, ...errors(401) },
    },
  }, async (request) => ({ drafts: (await listMyDrafts(db, signedIn(request), ['pending', 'returned'])).map((d) => present.draft(d)) }));

  /** The caller's returned draft (404 otherwise) and what they changed in it; a reply draft has no title, kind or tags. */
  const edited = async (request: FastifyRequest<{ Params: { id: number }; Body: Edited }>, actor: Actor) => {
    const b = request.body;
    // Bad attachments are a 400 whatever the draft, as on every other write (decoded before the look-up).
    const attachments = attachmentsFromApi(b.attachments);
    const draft = await loadReturnedDraft(db, actor, request.params.id);
    if (draft.kind === 'reply' && (b.title !== undefined || b.kind !== undefined || b.tags !== undefined)) throw new UserError(text('api:errors.replyDraftFields'), 400);
    return {
      draft,
      body: b.body,
      title: b.title ?? draft.title ?? '',
      topicKind: b.kind ?? draft.topic_kind ?? 'question',
      tags: b.tags ?? draft.tags,
      attachments,
    };
  };

  app.post<{ Params: { id: number }; Body: Edited }>('/drafts/:id/publish', {
    bodyLimit: ATTACHMENT_BODY_LIMIT,
    schema: {
      tags, security: security.any, summary: 'Post your returned draft, edited: a topic or a reply, as creating one does',
      description:
        'It passes the confidentiality guard and the other checks like any new topic or reply: 201 with the topic (a topic draft) or `{post}` (a reply draft); ' +
        '202 when a check holds it (this same draft goes back to the team); 422 when the guard stops it (the draft stays returned). ' +
        'A draft that is not yours or not returned is 404.',
      params: idParams,
      body: { type: 'object', properties: editedProperties, required: ['body'], additionalProperties: false },
      response: {
        201: { anyOf: [ref('TopicPage'), { type: 'object', properties: { post: ref('Post') }, required: ['post'] }] },
        202: heldResponse,
        ...errors(400, 401, 403, 404, 409, 413, 415, 422),
      },
    },
  }, async (request, reply) => {
    const actor = signedIn(request);
    const e = await edited(request, actor);
    if (e.draft.kind === 'topic') {
      return answer.topic(request, reply, actor, await postReturnedTopic(db, actor, e.draft.id, { boardSlug: e.draft.board_slug ?? '', kind: e.topicKind, title: e.title, body: e.body, tags: e.tags, attachments: e.attachments }));
    }
    const topicId = e.draft.topic_id ?? 0;
    return answer.reply(request, reply, actor, topicId, await postReturnedReply(db, actor, e.draft.id, { topicId, body: e.body, attachments: e.attachments }));
  });

  app.post<{ Params: { id: number }; Body: Edited }>('/drafts/:id/resubmit', {
    bodyLimit: ATTACHMENT_BODY_LIMIT,
    schema: {
      tags, security: security.any, summary: 'Send your returned draft, edited, to the community team again (202)',
      description: 'The same draft waits in the team\'s queue again (not a copy), with the guard\'s findings on the new text and `note`. A draft that is not yours or not returned is 404.',
      params: idParams,
      body: { type: 'object', properties: { ...editedProperties, note: { ...NOTE, description: 'A note to the community team.' } }, required: ['body'], additionalProperties: false },
      response: { 202: heldResponse, ...errors(400, 401, 403, 404, 409, 413, 415) },
    },
  }, async (request, reply) => {
    const actor = signedIn(request);
    const e = await edited(request, actor);
    const note = request.body.note ?? '';
    const sent = e.draft.kind === 'topic'
      ? await sendReturnedDraftAgain(db, actor, e.draft.id, { kind: 'topic', boardSlug: e.draft.board_slug ?? '', topicKind: e.topicKind, title: e.title, body: e.body, tags: Array.isArray(e.tags) ? e.tags.join(',') : e.tags, note, attachments: e.attachments })
      : await sendReturnedDraftAgain(db, actor, e.draft.id, { kind: 'reply', topicId: e.draft.topic_id ?? 0, body: e.body, note, attachments: e.attachments });
    return answer.asked(request, reply, sent.id);
  });
}
