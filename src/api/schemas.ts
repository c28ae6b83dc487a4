// JSON schemas of the API: they validate requests (Ajv), shape responses (fast-json-stringify
// writes only the properties listed here, so a row's other columns can never leak), and are
// what @fastify/swagger turns into the OpenAPI description. Shared ones are referenced by $id.
import { LIMITS } from '../publish/pipeline.ts';
import { SORTS } from '../community/list-board-topics.ts';
import { ATTACHMENT_LIMITS } from '../attachments/text-file.ts';

const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;
const url = { type: 'string', format: 'uri' } as const;
export const id = { type: 'integer', minimum: 1, maximum: 2_147_483_647 } as const;
const slug = { type: 'string', minLength: 1, maxLength: 200 } as const;

/** Shared schemas, added to the API's Fastify context; become components/schemas. */
export const sharedSchemas = [
  {
    $id: 'Error',
    type: 'object',
    description: 'Every 4xx and 5xx answer: nothing was written.',
    properties: {
      statusCode: { type: 'integer' },
      error: { type: 'string' },
      message: { type: 'string' },
      guard: {
        type: 'object',
        description: 'On a 422 from the confidentiality guard: what it found (never the values) and whether the draft may go to the community team.',
        properties: {
          action: { type: 'string', enum: ['hold', 'block'] },
          canAskCommunityTeam: { type: 'boolean' },
          findings: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                type: { type: 'string' },
                field: { type: 'string', enum: ['title', 'body', 'attachment'] },
                attachment: { type: 'integer', description: 'For field "attachment": its index in the request\'s `attachments` (offsets are in its text).' },
                attachmentName: { type: 'string', description: 'For field "attachment": its file name.' },
                start: { type: 'integer' },
                end: { type: 'integer' },
                confidence: { type: 'number' },
                reason: { type: 'string' },
                action: { type: 'string' },
              },
              required: ['type', 'field', 'start', 'end', 'reason'],
            },
          },
        },
        required: ['action', 'findings'],
      },
      fields: {
        type: 'object',
        description: 'On a 400 with several wrong fields: each field\'s message (the form\'s field or request property name → message).',
        additionalProperties: { type: 'string' },
      },
    },
    required: ['statusCode', 'error', 'message'],
  },
  {
    $id: 'Author',
    type: 'object',
    description: 'A person as shown beside their posts. A deleted account has no username or url.',
    properties: {
      username: { type: ['string', 'null'] },
      displayName: { type: 'string' },
      badges: { type: 'array', items: { type: 'string', enum: ['Employee', 'Moderator', 'Community Manager'] } },
      url: { type: ['string', 'null'], format: 'uri' },
    },
    required: ['username', 'displayName', 'badges', 'url'],
  },
  {
    $id: 'Board',
    type: 'object',
    properties: {
      id,
      slug: { type: 'string' },
      name: { type: 'string' },
      description: { type: 'string' },
      visibility: { type: 'string', enum: ['public', 'members', 'staff'] },
      topicCreators: { type: 'string', enum: ['members', 'staff'], description: 'Who starts topics: whoever may read the board, or staff only (an announcements board)' },
      topicCount: { type: 'integer' },
      postCount: { type: 'integer' },
      lastPostAt: nullableDateTime,
      url,
      topicsUrl: url,
    },
    required: ['id', 'slug', 'name', 'description', 'visibility', 'topicCreators', 'topicCount', 'postCount', 'lastPostAt', 'url', 'topicsUrl'],
  },
  {
    $id: 'TopicSummary',
    type: 'object',
    properties: {
      id,
      slug: { type: 'string' },
      title: { type: 'string' },
      kind: { type: 'string', enum: ['question', 'discussion'] },
      pinned: { type: 'boolean' },
      locked: { type: 'boolean' },
      closed: { type: 'boolean' },
      solved: { type: 'boolean' },
      tags: { type: 'array', items: { type: 'string' } },
      postCount: { type: 'integer' },
      viewCount: { type: 'integer' },
      createdAt: dateTime,
      lastPostAt: dateTime,
      author: { $ref: 'Author#' },
      lastPoster: { $ref: 'Author#' },
      url,
      apiUrl: url,
    },
    required: ['id', 'slug', 'title', 'kind', 'pinned', 'locked', 'closed', 'solved', 'tags', 'postCount', 'viewCount', 'createdAt', 'lastPostAt', 'author', 'lastPoster', 'url', 'apiUrl'],
  },
  {
    $id: 'Topic',
    type: 'object',
    properties: {
      id,
      slug: { type: 'string' },
      title: { type: 'string' },
      kind: { type: 'string', enum: ['question', 'discussion'] },
      pinned: { type: 'boolean' },
      locked: { type: 'boolean' },
      closed: { type: 'boolean' },
      deleted: { type: 'boolean' },
      solved: { type: 'boolean' },
      acceptedAnswerId: { type: ['integer', 'null'] },
      tags: { type: 'array', items: { type: 'string' } },
      postCount: { type: 'integer' },
      viewCount: { type: 'integer' },
      createdAt: dateTime,
      lastPostAt: dateTime,
      author: { $ref: 'Author#' },
      board: { type: 'object', properties: { slug: { type: 'string' }, name: { type: 'string' }, url }, required: ['slug', 'name', 'url'] },
      article: {
        type: ['object', 'null'],
        description: 'The knowledge-base article made from this thread, when the caller may read it.',
        properties: { slug: { type: 'string' }, title: { type: 'string' }, status: { type: 'string', enum: ['draft', 'published'] }, url },
        required: ['slug', 'title', 'status', 'url'],
      },
      url,
      you: {
        type: 'object',
        description: 'What the caller may do here (decided by the same policy as the pages).',
        properties: { reply: { type: 'boolean' }, moderate: { type: 'boolean' }, accept: { type: 'boolean' } },
        required: ['reply', 'moderate', 'accept'],
      },
    },
    required: ['id', 'slug', 'title', 'kind', 'pinned', 'locked', 'closed', 'deleted', 'solved', 'acceptedAnswerId', 'tags', 'postCount', 'viewCount', 'createdAt', 'lastPostAt', 'author', 'board', 'article', 'url', 'you'],
  },
  {
    $id: 'Post',
    type: 'object',
    properties: {
      id,
      topicId: id,
      number: { type: 'integer', description: '1 is the topic\'s opening post.' },
      author: { $ref: 'Author#' },
      bodyHtml: { type: ['string', 'null'], description: 'Rendered and sanitised; null once deleted.' },
      bodyText: { type: ['string', 'null'], description: 'Plain text; null once deleted.' },
      createdAt: dateTime,
      updatedAt: nullableDateTime,
      deleted: { type: 'boolean' },
      hidden: { type: 'boolean', description: 'Hidden until the moderators review it (reported); its text is null for readers other than its author and moderators.' },
      kudos: { type: 'integer' },
      revisionCount: { type: 'integer' },
      attachments: {
        type: 'array',
        description: 'Text attachments (none once the post is deleted). `url` downloads the text as text/plain.',
        items: {
          type: 'object',
          properties: { id, name: { type: 'string' }, size: { type: 'integer', description: 'Bytes (UTF-8)' }, url },
          required: ['id', 'name', 'size', 'url'],
        },
      },
      url,
      you: {
        type: 'object',
        properties: { edit: { type: 'boolean' }, delete: { type: 'boolean' }, kudos: { type: 'boolean' }, gaveKudos: { type: 'boolean' }, report: { type: 'boolean' }, bookmark: { type: 'boolean' }, bookmarked: { type: 'boolean' } },
        required: ['edit', 'delete', 'kudos', 'gaveKudos'],
      },
    },
    required: ['id', 'topicId', 'number', 'author', 'bodyHtml', 'bodyText', 'createdAt', 'updatedAt', 'deleted', 'kudos', 'revisionCount', 'attachments', 'url', 'you'],
  },
  {
    $id: 'TopicPage',
    type: 'object',
    properties: {
      topic: { $ref: 'Topic#' },
      answer: { anyOf: [{ $ref: 'Post#' }, { type: 'null' }], description: 'The accepted answer of a solved question.' },
      posts: { type: 'array', items: { $ref: 'Post#' } },
      page: { type: 'integer' },
      pageCount: { type: 'integer' },
    },
    required: ['topic', 'answer', 'posts', 'page', 'pageCount'],
  },
  {
    $id: 'ArticleSummary',
    type: 'object',
    properties: {
      id,
      slug: { type: 'string' },
      title: { type: 'string' },
      status: { type: 'string', enum: ['draft', 'published'] },
      version: { type: 'integer' },
      updatedAt: dateTime,
      publishedAt: nullableDateTime,
      url,
      apiUrl: url,
    },
    required: ['id', 'slug', 'title', 'status', 'version', 'updatedAt', 'publishedAt', 'url', 'apiUrl'],
  },
  {
    $id: 'Draft',
    type: 'object',
    description: 'One of the caller\'s own drafts held for the community team: waiting for review (pending), or returned to them with the team\'s comment.',
    properties: {
      id,
      kind: { type: 'string', enum: ['topic', 'reply'] },
      status: { type: 'string', enum: ['pending', 'returned'] },
      title: { type: ['string', 'null'], description: 'A topic draft\'s title; null for a reply.' },
      topicKind: { type: ['string', 'null'], enum: ['question', 'discussion', null] },
      body: { type: 'string', description: 'The draft\'s Markdown' },
      tags: { type: 'array', items: { type: 'string' } },
      note: { type: 'string', description: 'The author\'s note to the team' },
      board: { type: ['object', 'null'], properties: { slug: { type: 'string' }, name: { type: 'string' }, url }, required: ['slug', 'name', 'url'] },
      topic: { type: ['object', 'null'], description: 'The topic a reply draft answers.', properties: { id, title: { type: 'string' }, url, apiUrl: url }, required: ['id', 'title', 'url', 'apiUrl'] },
      createdAt: { ...dateTime, description: 'When it was sent to the team (the last time, for a draft sent again)' },
      returned: {
        type: ['object', 'null'],
        description: 'For a returned draft: who of the team returned it, when, and their comment.',
        properties: { comment: { type: 'string' }, by: { type: ['string', 'null'], description: 'Display name' }, at: nullableDateTime },
        required: ['comment', 'by', 'at'],
      },
      url: { ...url, description: 'The draft\'s page on the site' },
      publishUrl: { type: ['string', 'null'], format: 'uri', description: 'A returned draft: POST the edited text here to post it.' },
      resubmitUrl: { type: ['string', 'null'], format: 'uri', description: 'A returned draft: POST the edited text here to send it to the team again.' },
    },
    required: ['id', 'kind', 'status', 'title', 'topicKind', 'body', 'tags', 'note', 'board', 'topic', 'createdAt', 'returned', 'url', 'publishUrl', 'resubmitUrl'],
  },
  {
    $id: 'ApiToken',
    type: 'object',
    properties: {
      id,
      name: { type: 'string' },
      createdAt: dateTime,
      lastUsedAt: nullableDateTime,
      expiresAt: nullableDateTime,
      revokedAt: nullableDateTime,
      active: { type: 'boolean' },
    },
    required: ['id', 'name', 'createdAt', 'lastUsedAt', 'expiresAt', 'revokedAt', 'active'],
  },
] as const;

export const ref = (name: (typeof sharedSchemas)[number]['$id']) => ({ $ref: `${name}#` }) as const;

const ERROR_TEXT: Record<number, string> = {
  400: 'The request is not valid (the message says what to fix).',
  401: 'Not signed in, or the API token is unknown, expired or revoked.',
  403: 'The policy does not allow this to the caller.',
  404: 'No such thing (or the caller may not see it).',
  409: 'Conflicts with the current state (already done, edited meanwhile…).',
  413: 'The text or request is too large (or too many attachments).',
  415: 'An attachment is not a text file (binary content).',
  422: 'The confidentiality guard stopped the text: see `guard` (findings without values).',
};

/** Error answers a route documents, each `{statusCode, error, message}`. */
export function errors(...codes: (keyof typeof ERROR_TEXT | number)[]) {
  return Object.fromEntries(codes.map((c) => [c, { description: ERROR_TEXT[c] ?? 'Error', ...ref('Error') }]));
}

export const idParams = { type: 'object', properties: { id }, required: ['id'] } as const;
export const slugParams = { type: 'object', properties: { slug }, required: ['slug'] } as const;
export const pageQuery = {
  type: 'object',
  properties: { page: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 } },
  additionalProperties: false,
} as const;
export const boardTopicsQuery = {
  type: 'object',
  properties: {
    ...pageQuery.properties,
    sort: { type: 'string', enum: [...SORTS], default: 'latest', description: 'latest activity (pinned first), newest, unanswered questions, solved questions' },
    tag: { type: 'string', minLength: 1, maxLength: 30 },
  },
  additionalProperties: false,
} as const;

export const titleSchema = {
  type: 'string',
  minLength: LIMITS.titleMin,
  maxLength: LIMITS.titleMax,
  description: `${LIMITS.titleMin}–${LIMITS.titleMax} characters`,
} as const;
/** Text attachments in a JSON request (no maxLength/maxItems: the server answers 413 with a message). */
export const attachmentsInput = {
  type: 'array',
  maxItems: 50,
  description:
    `Text attachments, at most ${ATTACHMENT_LIMITS.maxFiles} per post and ${ATTACHMENT_LIMITS.maxBytes} bytes (UTF-8) each (413 beyond). ` +
    'Give the text itself (`encoding: "text"`, the default) or the file\'s bytes in base64 (`encoding: "base64"`). The content decides: ' +
    'binary content (NUL bytes, invalid UTF-8) is refused with 415. The text passes the confidentiality guard like the body.',
  items: {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 255, description: 'File name (reduced to a safe base name; ".txt" is added to names without a text extension)' },
      content: { type: 'string' },
      encoding: { type: 'string', enum: ['text', 'base64'], default: 'text' },
    },
    required: ['name', 'content'],
    additionalProperties: false,
  },
} as const;
export type AttachmentInput = { name: string; content: string; encoding?: 'text' | 'base64' };
/** JSON bodies with attachments may be this large (each attachment is limited on its own). */
export const ATTACHMENT_BODY_LIMIT = 10 * 1024 * 1024;

/** No maxLength here on purpose: an over-long body is refused with 413 by the publish pipeline. */
export const bodySchema = {
  type: 'string',
  minLength: 1,
  description: `Markdown, at most ${LIMITS.bodyMax} characters (longer: 413).`,
} as const;
