// Posts: edit (keeping revisions), history, delete, kudos, accepted answer.
import type { FastifyInstance } from 'fastify';
import { acceptAnswer } from '../../community/accept-answer.ts';
import { deletePost } from '../../community/delete-post.ts';
import { editPost } from '../../community/edit-post.ts';
import { giveKudos, takeBackKudos } from '../../community/give-kudos.ts';
import { listRevisions } from '../../community/list-revisions.ts';
import { loadPost } from '../../community/load-post.ts';
import { signedIn, security } from '../auth.ts';
import { iso, type Presenter } from '../present.ts';
import { readers } from '../read.ts';
import { ATTACHMENT_BODY_LIMIT, attachmentsInput, bodySchema, errors, idParams, ref, titleSchema, type AttachmentInput } from '../schemas.ts';
import { attachmentsFromApi } from '../../attachments/api-input.ts';
import { changedPostsTopic } from '../../community/changed-posts-topic.ts';
import { reportPost } from '../../moderation/report-post.ts';

const tags = ['Posts'];
const kudosResponse = {
  type: 'object',
  properties: { postId: { type: 'integer' }, kudos: { type: 'integer' }, gaveKudos: { type: 'boolean' } },
  required: ['postId', 'kudos', 'gaveKudos'],
} as const;

export async function postRoutes(app: FastifyInstance, { present }: { present: Presenter }): Promise<void> {
  const db = app.database.db;
  const read = readers(db, present);
  // Every write here changes one post's topic: the visitors' cache keeps other topics' pages.
  app.addHook('preHandler', async (request) => {
    const id = (request.params as { id?: number }).id;
    if (request.method !== 'GET' && id) await changedPostsTopic(db, request, id);
  });

  app.get<{ Params: { id: number } }>('/posts/:id/revisions', {
    schema: {
      tags, security: security.optional, summary: 'A post\'s history: every version, who made it, when, why, and a word diff',
      params: idParams,
      response: {
        200: {
          type: 'object',
          properties: {
            postId: { type: 'integer' },
            markdown: { type: 'string', description: 'The current text' },
            original: { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, markdown: { type: 'string' } }, required: ['at', 'markdown'] },
            versions: {
              type: 'array',
              description: 'Newest first; version 1 is the original.',
              items: {
                type: 'object',
                properties: {
                  version: { type: 'integer' },
                  editor: { type: 'string', description: 'Display name' },
                  at: { type: 'string', format: 'date-time' },
                  reason: { type: 'string' },
                  changes: {
                    type: 'array',
                    items: { type: 'object', properties: { kind: { type: 'string', enum: ['same', 'added', 'removed'] }, text: { type: 'string' } }, required: ['kind', 'text'] },
                  },
                },
                required: ['version', 'editor', 'at', 'reason', 'changes'],
              },
            },
            restricted: { type: 'boolean', description: 'True when the post was edited but earlier versions are for its author and staff only: `versions` is empty and `original` is the current text.' },
          },
          required: ['postId', 'markdown', 'original', 'versions'],
        },
        ...errors(400, 404),
      },
    },
  }, async (request) => {
    const h = await listRevisions(db, request.actor, request.params.id);
    return {
      postId: h.post.id,
      markdown: h.post.body_markdown,
      original: { at: iso(h.original.at)!, markdown: h.original.text },
      versions: h.versions.map((v) => ({ ...v, at: iso(v.at)! })),
      restricted: h.restricted,
    };
  });

  app.patch<{ Params: { id: number }; Body: { body: string; title?: string; reason?: string; attachments?: AttachmentInput[]; removeAttachments?: number[]; askTeam?: boolean; note?: string } }>('/posts/:id', {
    bodyLimit: ATTACHMENT_BODY_LIMIT,
    schema: {
      tags, security: security.any, summary: 'Edit a post (the previous text is kept as a revision)',
      description:
        'Authors edit their own posts; moderators and community managers anyone\'s. `title` renames the topic and is only for its opening post. ' +
        '`attachments` adds text attachments (guarded with the new text); `removeAttachments` lists ids of the post\'s attachments to remove. ' +
        '`askTeam: true` (what a 422 from the guard offers when `canAskCommunityTeam` is true) saves the edit hidden from other readers and sends it to the community team with `note`; the answer has `heldForReview: true`.',
      params: idParams,
      body: {
        type: 'object',
        properties: {
          body: bodySchema,
          title: titleSchema,
          reason: { type: 'string', maxLength: 300 },
          attachments: attachmentsInput,
          removeAttachments: { type: 'array', maxItems: 50, items: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } },
          askTeam: { type: 'boolean', description: 'Send the edit to the community team for review: saved, hidden until reviewed.' },
          note: { type: 'string', maxLength: 1000, description: 'A note to the community team (with askTeam).' },
        },
        required: ['body'],
        additionalProperties: false,
      },
      response: { 200: { type: 'object', properties: { post: ref('Post'), revision: { type: 'integer' }, heldForReview: { type: 'boolean', description: 'Hidden from other readers until the community team reviews it (askTeam, or a watched word).' } }, required: ['post', 'revision', 'heldForReview'] }, ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
    },
  }, async (request) => {
    const actor = signedIn(request);
    const { body, title, reason } = request.body;
    const attachments = attachmentsFromApi(request.body.attachments);
    const { revision, heldForReview } = await editPost(db, actor, {
      postId: request.params.id,
      body,
      ...(title !== undefined ? { title } : {}),
      ...(reason !== undefined ? { reason } : {}),
      attachments,
      removeAttachments: request.body.removeAttachments ?? [],
      ...(request.body.askTeam ? { askTeam: { note: request.body.note ?? '' } } : {}),
    });
    return { post: await read.post(actor, request.params.id), revision, heldForReview };
  });

  app.delete<{ Params: { id: number } }>('/posts/:id', {
    schema: {
      tags, security: security.any, summary: 'Delete a post (deleting the opening post deletes the topic)',
      params: idParams,
      response: {
        200: { type: 'object', properties: { id: { type: 'integer' }, deleted: { type: 'boolean' }, topicDeleted: { type: 'boolean' } }, required: ['id', 'deleted', 'topicDeleted'] },
        ...errors(400, 401, 403, 404),
      },
    },
  }, async (request) => {
    const { topicDeleted } = await deletePost(db, signedIn(request), request.params.id);
    return { id: request.params.id, deleted: true, topicDeleted };
  });

  // Reporting a post (issue 13): the same use case as the Report form.
  app.post<{ Params: { id: number }; Body: { reason: string; detail?: string } }>('/posts/:id/reports', {
    schema: {
      tags, security: security.any, summary: 'Report someone else\'s post to the moderators (once per post: again is 409)',
      description: 'Reasons: off_topic, inappropriate, spam, personal_data, other (other needs `detail`). Enough reports from trusted members hide the post until reviewed; the reporter is e-mailed the outcome.',
      params: idParams,
      body: {
        type: 'object',
        properties: { reason: { type: 'string', enum: ['off_topic', 'inappropriate', 'spam', 'personal_data', 'other'] }, detail: { type: 'string', maxLength: 1000 } },
        required: ['reason'],
        additionalProperties: false,
      },
      response: { 201: { type: 'object', properties: { reportId: { type: 'integer' }, hidden: { type: 'boolean' } }, required: ['reportId', 'hidden'] }, ...errors(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const result = await reportPost(db, signedIn(request), { postId: request.params.id, reason: request.body.reason, ...(request.body.detail !== undefined ? { detail: request.body.detail } : {}), hideThreshold: app.config.REPORTS_TO_HIDE });
    return reply.code(201).send(result);
  });

  app.put<{ Params: { id: number } }>('/posts/:id/kudos', {
    schema: {
      tags, security: security.any, summary: 'Give kudos to someone else\'s post (once: again is 409)', params: idParams,
      response: { 200: kudosResponse, ...errors(400, 401, 403, 404, 409) },
    },
  }, async (request) => ({ postId: request.params.id, kudos: await giveKudos(db, signedIn(request), request.params.id), gaveKudos: true }));

  app.delete<{ Params: { id: number } }>('/posts/:id/kudos', {
    schema: {
      tags, security: security.any, summary: 'Take your kudos back (409 when you gave none)', params: idParams,
      response: { 200: kudosResponse, ...errors(400, 401, 404, 409) },
    },
  }, async (request) => ({ postId: request.params.id, kudos: await takeBackKudos(db, signedIn(request), request.params.id), gaveKudos: false }));

  app.post<{ Params: { id: number } }>('/posts/:id/accept', {
    schema: {
      tags, security: security.any, summary: 'Mark a reply as the accepted answer of its question',
      description: 'The asker, a moderator or a community manager. Replaces an earlier accepted answer.',
      params: idParams,
      response: { 200: { type: 'object', properties: { topic: ref('Topic'), answer: ref('Post') }, required: ['topic', 'answer'] }, ...errors(400, 401, 403, 404) },
    },
  }, async (request) => {
    const actor = signedIn(request);
    await acceptAnswer(db, actor, request.params.id);
    const { post } = await loadPost(db, request.params.id);
    const page = await read.topicPage(actor, post.topic_id);
    return { topic: page.topic, answer: page.answer ?? (await read.post(actor, request.params.id)) };
  });
}
