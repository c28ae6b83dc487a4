import type { FastifyInstance } from 'fastify';
import { homePage, listBoards } from './list-boards.ts';
import { listBoardTopics, SORTS, type Sort } from './list-board-topics.ts';
import { ViewCounter } from './view-counter.ts';
import { can, type Actor } from '../policy/policy.ts';
import { text, UserError } from '../shared/errors.ts';
import { translatorFor } from '../i18n/plugin.ts';
import { en, type T } from '../i18n/index.ts';
import { signedIn } from '../web/request-helpers.ts';
import { POSTS_PER_PAGE, showTopic } from './show-topic.ts';
import { viewHelpers } from '../web/view-helpers.ts';
import { topicHead } from '../seo/topic-head.ts';
import { readerOnTopic, readUpToSkips } from '../notifications/tracking.ts';
import { warnedMessage } from '../confidentiality/warned-notice.ts';
import { pageHeaderColumns, showHeaderCounts } from '../accounts/signed-in-facts.ts';

const pageQuery = {
  type: 'object',
  properties: { page: { type: 'integer', minimum: 1, maximum: 1_000_000, default: 1 } },
} as const;
// The topic page also takes `warned` (src/confidentiality/warned-notice.ts): what the guard warned about after a form post.
const topicQuery = { type: 'object', properties: { ...pageQuery.properties, warned: { type: 'string', maxLength: 300 } } } as const;

export async function communityRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;

  const views = new ViewCounter(db);
  app.addHook('onClose', () => views.stop());
  // Visitors served from the page cache count as views too.
  app.addHook('onResponse', (request, reply, done) => {
    if (reply.getHeader('x-parley-cache') === 'hit' && request.routeOptions.url === '/t/:slug/:id') views.count((request.params as { id: number }).id);
    done();
  });

  app.get('/', { config: { anonymousCache: true, headerCountsInPage: true } }, async (request, reply) => {
    // The header's counts come with the page: on PostgreSQL in its one statement (issue 19).
    const { boards, latest, roles, extra } = await homePage(db, request.actor, 10, { extra: pageHeaderColumns(db, request) });
    await showHeaderCounts(db, request, reply, extra);
    return reply.view('home', { title: app.site.name, boards, latest, roles, canonical: '/', canManageBoards: can(request.actor, 'board.manage', null) });
  });

  // "Start a topic" in the header: the boards this person may start a topic in, each leading to its composer.
  app.get('/new', async (request, reply) => {
    const actor = signedIn(request);
    const boards = (await listBoards(db, actor)).filter((b) => can(actor, 'topic.create', b));
    return reply.view('choose-board', { title: translatorFor(request).t('community:chooseBoard.title'), boards });
  });

  const boardQuery = {
    type: 'object',
    properties: {
      ...pageQuery.properties,
      sort: { type: 'string', enum: [...SORTS], default: 'latest' },
      tag: { type: 'string', minLength: 1, maxLength: 30 },
      // A keyed page's start (list-board-topics.ts): made by the page before or after it.
      after: { type: 'string', minLength: 1, maxLength: 200 },
      before: { type: 'string', minLength: 1, maxLength: 200 },
    },
  } as const;

  app.get<{ Params: { slug: string }; Querystring: { page: number; sort: Sort; tag?: string; after?: string; before?: string } }>(
    '/b/:slug',
    { config: { anonymousCache: true, headerCountsInPage: true }, schema: { params: { type: 'object', properties: { slug: { type: 'string', maxLength: 80 } } }, querystring: boardQuery } },
    async (request, reply) => {
      const { page, sort, tag, after, before } = request.query;
      if (after && before) throw new UserError(text('community:errors.pageLinkBoth'), 400);
      // Kudos, a signed-in reader's unread counts and watch level, and the header's counts come
      // with the page: on PostgreSQL in its one statement (issue 19).
      const data = await listBoardTopics(db, request.actor, request.params.slug, page, sort, tag, after ? { after } : before ? { before } : null, { reader: !!request.actor, extra: pageHeaderColumns(db, request) });
      await showHeaderCounts(db, request, reply, data.extra);
      const board = data.board;
      const heading = tag ? `${board.name}: #${tag}` : board.name;
      return reply.view('board', Object.assign(data, {
        title: data.page > 1 ? translatorFor(request).t('community:board.titlePage', { heading, page: data.page }) : heading,
        // Sorted and tagged lists are views of the board: the plain board is their canonical page.
        canonical: sort === 'latest' && !tag ? viewHelpers.boardUrl(board.slug, data.page) : viewHelpers.boardUrl(board.slug),
        canCreate: can(request.actor, 'topic.create', board),
        // Next and Previous start from this page's last and first topics (keyed pages, constant
        // cost at any depth); other pages and sorts by number.
        listUrl: (p: number, s: Sort = sort) => listUrl(board.slug, p, s, tag, s !== sort ? null : p === data.page + 1 ? { after: data.after } : p === data.page - 1 ? { before: data.before } : null),
        pageUrl: (p: number) => (sort === 'latest' && !tag ? listUrl(board.slug, p, sort, tag, p === data.page + 1 ? { after: data.after } : p === data.page - 1 ? { before: data.before } : null) : viewHelpers.boardUrl(board.slug, p)),
      }));
    },
  );

  const topicParams = {
    type: 'object',
    properties: { slug: { type: 'string', maxLength: 200 }, id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } },
    required: ['id'],
  } as const;

  app.get<{ Params: { slug: string; id: number }; Querystring: { page: number; warned?: string } }>(
    '/t/:slug/:id',
    { config: { anonymousCache: 'topic', headerCountsInPage: true }, schema: { params: topicParams, querystring: topicQuery } },
    async (request, reply) => {
      // A signed-in reader's own facts and the header's counts come with the page: on PostgreSQL
      // in its one statement, so the page is the session and that statement (issue 19).
      const data = await showTopic(db, request.actor, request.params.id, request.query.page, { reader: !!request.actor, extra: pageHeaderColumns(db, request), leadText: true });
      const canonical = viewHelpers.topicUrl(data.topic, data.page);
      // One URL per page of a topic: a wrong or outdated slug redirects permanently.
      if (request.params.slug !== data.topic.slug) return reply.redirect(canonical, 301);
      views.count(data.topic.id);
      // How far this reader has now read, recorded after the page is sent (notifications plugin);
      // nothing to record when they had read this far before.
      const lastShown = data.posts.at(-1)?.post_number;
      if (data.reader && reply.locals && !readUpToSkips(data.reader.lastRead, lastShown)) reply.locals.readUpTo = lastShown;
      await showHeaderCounts(db, request, reply, data.extra);
      return reply.view('topic', await topicView(app, request.actor, data, { canonical, guardWarned: request.actor ? warnedMessage(request.query.warned, translatorFor(request).t) : null }, translatorFor(request).t));
    },
  );

  // "Go to post #N": the page of the thread that holds it, at the post.
  app.get<{ Params: { id: number }; Querystring: { n: number } }>(
    '/t/:id/jump',
    { schema: { params: topicParams, querystring: { type: 'object', properties: { n: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } }, required: ['n'] } } },
    async (request, reply) => {
      const { topic } = await showTopic(db, request.actor, request.params.id, 1);
      const n = Math.min(request.query.n, topic.post_count);
      return reply.redirect(`${viewHelpers.topicUrl(topic, Math.ceil(n / POSTS_PER_PAGE))}#post-${n}`, 303);
    },
  );

  app.get<{ Params: { id: number } }>('/t/:id', { schema: { params: topicParams } }, async (request, reply) => {
    const { topic } = await showTopic(db, request.actor, request.params.id, 1);
    return reply.redirect(viewHelpers.topicUrl(topic), 301);
  });
}

/** What the topic page shows (also for a reply sent back to its topic by the guard: `extra.replyDraft`);
 * `t`: the reader's language, for the page's title. */
export async function topicView(app: FastifyInstance, actor: Actor | null, data: Awaited<ReturnType<typeof showTopic>>, extra: object = {}, t: T = en): Promise<object> {
  const db = app.database.db;
  return Object.assign(data, topicHead(data, app.config.publicUrl), {
    title: data.page > 1 ? t('community:topic.titlePage', { title: data.topic.title, page: data.page }) : data.topic.title,
    canonical: viewHelpers.topicUrl(data.topic, data.page),
    // Signed-in readers: a link to the first post after what they read, and watch or mute.
    // Read with the page when it was asked for, else one statement for both (tracking.ts).
    ...(actor ? data.reader ?? await readerOnTopic(db, actor, data.topic) : { firstUnread: null, watch: null }),
    guardWarned: null,
    ...extra,
  });
}

function listUrl(slug: string, page: number, sort: Sort, tag: string | undefined, start: { after?: string | null; before?: string | null } | null = null): string {
  const q = new URLSearchParams();
  if (sort !== 'latest') q.set('sort', sort);
  if (tag) q.set('tag', tag);
  if (page > 1) q.set('page', String(page));
  if (page > 1 && start?.after) q.set('after', start.after);
  if (page > 1 && start?.before) q.set('before', start.before);
  const qs = q.toString();
  return `/b/${slug}${qs ? `?${qs}` : ''}`;
}
