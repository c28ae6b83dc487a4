// The HTTP layer: Fastify with its official plugins. It stays thin: routes validate input,
// call a use case, and hand the result to a view. Domain folders register their own routes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { ClusterRateLimitStore, sharedRateLimitStore } from '../cluster/rate-limit-store.ts';
import { connectRedis, type SharedRedis } from '../cluster/redis.ts';
import { isWorker, workerIndex } from '../cluster/primary.ts';
import { startJobQueue, type JobQueue } from '../jobs/queue.ts';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { loggerOptions } from '../log.ts';
import { logSlowQueries, queryOrigin } from '../db/slow-queries.ts';
import { can, type Actor } from '../policy/policy.ts';
import { countOpenReviews } from '../moderation/queue-items.ts';
import { accountRoutes } from '../accounts/routes.ts';
import { settingsRoutes } from '../accounts/settings-routes.ts';
import { adminRoutes } from '../accounts/admin-routes.ts';
import { fileStoreFor, type FileStore } from '../files/file-store.ts';
import { fileRoutes } from '../files/routes.ts';
import { ssoRoutes } from '../accounts/sso-routes.ts';
import { knowledgeRoutes } from '../knowledge/routes.ts';
import { apiRoutes } from '../api/index.ts';
import { authPlugin } from '../accounts/auth-plugin.ts';
import { countsReadByPage, showHeaderCounts } from '../accounts/signed-in-facts.ts';
import { anonymousCache } from './anonymous-cache.ts';
import { i18nPlugin } from '../i18n/plugin.ts';
import { en, LOCALE_NAMES, LOCALES, translator, type T } from '../i18n/index.ts';
import { securityHeaders } from './security-headers.ts';
import { installationSecret } from '../accounts/installation-secret.ts';
import { startGuardMaintenance } from '../confidentiality/maintenance.ts';
import { followGuardChanges } from '../confidentiality/registers.ts';
import { followWatchedWordChanges } from '../moderation/censor-display.ts';
import { followForgottenAuthors } from '../accounts/find-user.ts';
import { createMailer, type Mailer } from '../mail/mailer.ts';
import { notifyNewPost } from '../notifications/notify-new-post.ts';
import { notificationsPlugin } from '../notifications/plugin.ts';
import { announceNewPost, livePostRoutes, liveRoutes } from '../notifications/live.ts';
import { communityRoutes } from '../community/routes.ts';
import { postRoutes } from '../community/post-routes.ts';
import { bookmarkRoutes } from '../community/bookmark-routes.ts';
import { moderationRoutes } from '../moderation/routes.ts';
import { reportRoutes } from '../moderation/report-routes.ts';
import { attachmentRoutes } from '../attachments/routes.ts';
import { boardAdminRoutes } from '../community/board-admin-routes.ts';
import { guardAdminRoutes } from '../confidentiality/admin-routes.ts';
import { seoRoutes } from '../seo/routes.ts';
import { conversationRoutes } from '../conversations/routes.ts';
import { startConversationMaintenance } from '../conversations/maintenance.ts';
import { searchRoutes } from '../search/routes.ts';
import { notificationRoutes } from '../notifications/routes.ts';
import { FieldErrors, NotFoundError, text, UserError } from '../shared/errors.ts';
import { boardNowAt } from '../community/board-slug-history.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { viewHelpers, viewHelpersFor } from './view-helpers.ts';
import { authorCards } from '../accounts/find-user.ts';
import { parseTheme, THEME_COOKIE } from '../accounts/theme.ts';
import { siteIdentity, type SiteIdentity } from './site-identity.ts';
import { csrfHmacKey, csrfSessionBinder, csrfSessionBinding } from './csrf-session.ts';
import { rememberingSigner } from './cookie-signer.ts';
import { views } from './views.ts';
import { rejectBadInput } from './bad-input.ts';
import { safeNext } from './request-helpers.ts';
import { recordRoutes } from './route-table.ts';
import { configureImages } from '../shared/markdown.ts';
import { readinessRoutes } from '../operations/readiness.ts';
import { installMetrics } from '../operations/metrics.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: Database;
    /** The community's name and logo (src/web/site-identity.ts). */
    site: SiteIdentity;
    mailer: Mailer;
    /** Redis shared by every server (REDIS_URL), or null when this server works alone. */
    redis: SharedRedis | null;
    /** Uploaded files (avatars): the database or S3, shared by every server (src/files). */
    files: FileStore;
    /** Background and scheduled jobs, each run once across the fleet (src/jobs). */
    jobs: JobQueue;
    /** Notifies the people a new post concerns (quoted, @mentioned, the topic's author, watchers), in the background. */
    notifyMentions(postId: number): void;
  }
  interface FastifyRequest {
    /** The signed-in account, or null for a visitor. */
    actor: Actor | null;
  }
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export interface ServerOptions {
  config: Config;
  database: Database;
  logger?: FastifyServerOptions['logger'];
  mailer?: Mailer;
}

export async function buildServer({ config: given, database, logger, mailer }: ServerOptions): Promise<FastifyInstance> {
  const site = await siteIdentity(database.db, given);
  // The demo community's staff have company addresses: with COMPANY_EMAIL_DOMAINS unset, a demo
  // database's company domain makes Employees, as the README tells a newcomer.
  const config: Config = given.COMPANY_EMAIL_DOMAINS.length === 0 && site.demoCompanyDomain ? { ...given, COMPANY_EMAIL_DOMAINS: [site.demoCompanyDomain] } : given;
  const app = Fastify({
    logger: logger ?? loggerOptions(config.LOG_LEVEL),
    // X-Forwarded-For is believed only from the proxies TRUST_PROXY names (off by default), so a
    // client cannot pick its own address and escape the per-address limits.
    // A hop count trusts that many proxies in front (Fastify 5.12 itself treats a bare number as
    // "trust none", since a client that reaches Parley directly could then forge the header: the
    // README says to use it only when Parley is reachable through its proxies alone).
    trustProxy: typeof config.TRUST_PROXY === 'number' ? trustHops(config.TRUST_PROXY) : config.TRUST_PROXY,
    // Request bodies beyond this are refused before parsing (posts are limited far lower).
    bodyLimit: 1024 * 1024,
  });
  // First of all, so that every route (plugins' too) is in the table.
  recordRoutes(app);
  app.decorate('config', config);
  app.decorate('database', database);
  // Unreachable at start: a ConfigError naming REDIS_URL stops start-up (src/cluster/redis.ts).
  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, app.log) : null;
  app.decorate('redis', redis);
  if (redis) app.addHook('onClose', async () => redis.close());
  const files = fileStoreFor(config, database.db);
  app.decorate('files', files);
  app.addHook('onClose', async () => files.close?.());
  // In-process tests (NODE_ENV=test) use the one-machine queue; pg-boss is tested on its own
  // (test/jobs/queue.test.ts) and with real servers (test/cluster/two-servers.test.ts).
  const jobs = await startJobQueue(database, app.log, { firstWorker: (workerIndex() ?? 0) === 0, connectionString: database.dialect === 'postgres' && config.NODE_ENV !== 'test' ? config.DATABASE_URL : undefined });
  app.decorate('jobs', jobs);
  // Before the mailer and the database close: a job running now finishes (or goes back to the queue).
  app.addHook('preClose', async () => jobs.stop());
  app.decorate('site', site);
  configureImages(database.db, { remoteImages: config.ALLOW_REMOTE_IMAGES, ownOrigin: config.publicUrl });
  app.decorateRequest('actor', null);
  // The slow-query log names the route (its pattern, never the URL with its values).
  logSlowQueries(config.SLOW_QUERY_MS, (q) => app.log.warn({ slowQuery: q }, `slow query: ${q.ms} ms in ${q.route}`));
  app.addHook('onRequest', (request, _reply, done) => queryOrigin.run(`${request.method} ${request.routeOptions.url ?? '(no route)'}`, done));

  await app.register(securityHeaders, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // Remote images only when allowed (ALLOW_REMOTE_IMAGES): the second line behind
        // markdown.ts, which turns them into links, and the first for text written before that.
        imgSrc: config.ALLOW_REMOTE_IMAGES ? ["'self'", 'data:', 'https:'] : ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    // Only in production behind TLS: a dev server on http://localhost must stay reachable.
    strictTransportSecurity: config.NODE_ENV === 'production',
  });
  await app.register(formbody);
  const cookieSecret = await installationSecret(database.db, config.SECRET_KEY);
  await app.register(cookie, { secret: rememberingSigner(cookieSecret) });
  await startGuardMaintenance(app, config, database);
  app.decorate('mailer', mailer ?? createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, outboxDir: config.OUTBOX_DIR, log: app.log, defaultLocale: config.DEFAULT_LOCALE }));
  app.addHook('onClose', async () => app.mailer.close());
  // A new post's notifications (the name is historical): replies, quotes, @mentions, watched topics
  // and boards, in the app; each is e-mailed later by the sweep if the person chose e-mail for its
  // kind and has not read it in the app by then (src/notifications/send-notification-emails.ts).
  app.decorate('notifyMentions', (postId: number) => {
    notifyNewPost(database.db, postId)
      .then((told) => announceNewPost(app, postId, told.map((t) => t.userId))) // live: open topic pages and bells
      .catch((err: Error) => app.log.warn({ err: { message: err.message } }, 'notifications failed'));
  });
  // A clustered server's workers drop what another worker's write made stale (src/cluster/bus.ts).
  const unfollow = [followForgottenAuthors(database.db), followGuardChanges(database.db), followWatchedWordChanges()];
  app.addHook('onClose', async () => unfollow.forEach((stop) => stop()));
  await app.register(authPlugin);
  await app.register(i18nPlugin, { defaultLocale: config.DEFAULT_LOCALE }); // after who is asking, before the page cache
  await app.register(anonymousCache, { ttlSeconds: config.ANON_CACHE_SECONDS, maxBytes: config.ANON_CACHE_MB * 1024 * 1024 });
  // Every form post carries a token bound to a signed cookie secret (checked in preHandler,
  // once the body is parsed) AND to the session: a token made for one session is refused with
  // another (userInfo). The secret is renewed at sign-in and sign-out (csrf-session.ts).
  // SameSite cookies are a second line, not the only one.
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', signed: true, secure: config.NODE_ENV === 'production' },
    csrfOpts: { hmacKey: csrfHmacKey(cookieSecret) },
    getUserInfo: csrfSessionBinding,
    // From the body (multipart forms are parsed before the check, see the avatar route) or a
    // header (scripts); never the query string, which ends up in logs and Referer headers.
    getToken: (req) => {
      const fromBody = (req.body as { _csrf?: unknown } | undefined)?._csrf;
      const header = req.headers['x-csrf-token'] ?? req.headers['csrf-token'];
      const token = fromBody ?? header;
      return typeof token === 'string' ? token : '';
    },
  });
  await app.register(multipart, { limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 10, fieldSize: 10_000 } });
  const bindCsrfToSession = csrfSessionBinder();
  app.addHook('preHandler', (request, reply, done) => {
    // Available to every template: who is signed in, and a CSRF token on demand (sign-out form).
    // Set before the CSRF check below, so that its error page still knows who is signed in.
    bindCsrfToSession(reply);
    // The page's language: its texts (`it.t`), its formats (`it.h`), its `lang`.
    const h = viewHelpersFor(request.locale);
    // pagePath: the page to come back to after signing in (a form post's address is not one).
    reply.locals = { actor: request.actor, user: request.user, csrfToken: () => reply.generateCsrf(), locale: request.locale, t: h.t, h, path: request.url, pagePath: pageToReturnTo(request) };
    done();
  });
  // NUL, control characters and lone surrogates anywhere in params, query or body: 400 (src/web/bad-input.ts).
  app.addHook('preHandler', rejectBadInput);
  await app.register(notificationsPlugin); // the header's bell count for signed-in pages
  // Staff see "Review (N)" in the header (issue 13): the count of open review items, on their pages only.
  // The header's avatar menu: the signed-in person's picture; their colour scheme.
  app.addHook('preHandler', async (request, reply) => {
    if (!reply.locals || !request.user || request.url.startsWith('/api/')) return;
    // Read with the session (sessions.ts); an API token's user from their card.
    reply.locals.userAvatar = request.user.avatar !== undefined ? request.user.avatar : (await authorCards(database.db, [request.user.id])).get(request.user.id)?.avatar ?? null;
    reply.locals.theme = parseTheme(request.cookies[THEME_COOKIE]) ?? 'auto';
  });
  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'GET' || !reply.locals || !can(request.actor, 'queue.review', null)) return;
    const a = request.actor;
    reply.locals.staffMenu = { guard: can(a, 'guard.manage', null), accessLog: can(a, 'accessLog.view', null), staffLog: can(a, 'staffLog.view', null), team: can(a, 'role.manage', null) };
    // The topic, board and home pages read the count with their own data (signed-in-facts.ts).
    if (!countsReadByPage(request)) reply.locals.reviewCount = await countOpenReviews(database.db, a!);
  });
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return done();
    // An API call authenticated by a bearer token carries no cookie a forged request could use.
    if (request.apiToken) return done();
    // A signed link is its own proof (one-click unsubscribe, posted by mail programs without a cookie).
    if (request.routeOptions.config?.signedLink) return done();
    app.csrfProtection(request, reply, done);
  });
  await app.register(rateLimit, {
    global: false,
    // Several servers (REDIS_URL) count each address once, in Redis; a clustered server alone
    // counts it once, in the primary, not once per worker.
    ...(redis
      ? { store: sharedRateLimitStore(redis.client, redis.up) as unknown as FastifyRateLimitStoreCtor }
      : isWorker()
        ? { store: ClusterRateLimitStore as unknown as FastifyRateLimitStoreCtor }
        : {}),
    errorResponseBuilder: (_request, context) =>
      new UserError(text('common:errors.tooManyAttempts', { after: context.after }), 429),
  });

  await app.register(fastifyStatic, {
    root: here('./public'),
    prefix: '/assets/',
    maxAge: config.NODE_ENV === 'production' ? '1d' : 0,
  });
  await app.register(views, {
    root: here('./views'),
    development: config.NODE_ENV === 'development',
    defaultContext: { site: { name: site.name, logoUrl: site.logoUrl, url: config.publicUrl }, h: viewHelpers, t: viewHelpers.t, locale: 'en', languages: LOCALES.map((code) => ({ code, name: LOCALE_NAMES[code] })) },
  });

  app.setErrorHandler(async (error, request, reply) => {
    const err = error as Error & { statusCode?: number; validation?: unknown };
    const { t } = translator(request.locale);
    let status = 500;
    let message = t('common:errors.server');
    let guard: object | undefined;
    let fields: Record<string, string> | undefined;
    // A board whose address changed: its old /b/<slug> pages and feed (routes that answer
    // NotFoundError for a board they cannot find) redirect for good to the new address.
    // Asked only once a board page has found no board, so it costs the pages nothing.
    if (err instanceof NotFoundError && (request.method === 'GET' || request.method === 'HEAD') && request.routeOptions.url?.startsWith('/b/:slug')) {
      const now = await boardNowAt(database.db, request.actor, (request.params as { slug?: unknown }).slug).catch(() => null);
      if (now) return reply.redirect(request.url.replace(/^\/b\/[^/?#]+/, `/b/${now}`), 301);
    }
    if (err instanceof UserError) {
      status = err.status;
      message = err.say(t);
      // The guard's refusal carries its findings (types, offsets, reasons — no values).
      const g = err as UserError & { findings?: unknown[]; action?: string; canAskCommunityTeam?: boolean };
      if (Array.isArray(g.findings)) guard = { action: g.action, canAskCommunityTeam: g.canAskCommunityTeam, findings: g.findings };
      // Several wrong fields (a form's FieldErrors): each one's message, for programs too.
      if (err instanceof FieldErrors) fields = err.sayFields(t);
    } else if ((err as { code?: string }).code?.startsWith('FST_CSRF')) {
      status = 403;
      message = t('common:errors.csrf');
    } else if (err.validation || (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)) {
      status = err.statusCode ?? 400;
      message = err.validation ? t('common:errors.invalidRequest', { reason: err.message }) : err.message;
    } else if (isDatabaseUnavailable(err)) {
      // PostgreSQL restarting or out of reach: nothing was committed; try again shortly.
      status = 503;
      message = t('common:errors.databaseUnavailable');
      reply.header('retry-after', '5');
      request.log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'database unavailable');
    } else {
      request.log.error({ err }, 'request failed');
    }
    // A page that reads the header's counts with its own data failed before it had them (a
    // topic not found, say): the error page still shows them. Best effort: the database may be
    // what failed.
    if (countsReadByPage(request) && reply.locals && reply.locals.unreadNotifications === undefined) await showHeaderCounts(database.db, request, reply).catch(() => {});
    return sendError(reply, status, message, guard, fields);
  });
  app.setNotFoundHandler(async (request, reply) => sendError(reply, 404, translator(request.locale).t('common:errors.nothingHere')));

  app.get('/healthz', { logLevel: 'warn' }, async () => ({ ok: true }));
  // Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says: the same small SVG.
  const favicon = readFileSync(here('./public/favicon.svg'));
  app.get('/favicon.ico', { logLevel: 'warn' }, async (_request, reply) =>
    reply.header('content-type', 'image/svg+xml').header('cache-control', `public, max-age=${config.NODE_ENV === 'production' ? 86_400 : 0}`).send(favicon));
  await app.register(readinessRoutes);
  installMetrics(app);
  await app.register(fileRoutes);
  await app.register(accountRoutes);
  await app.register(settingsRoutes);
  await app.register(adminRoutes);
  await app.register(ssoRoutes);
  await app.register(communityRoutes);
  await app.register(postRoutes);
  await app.register(bookmarkRoutes);
  await app.register(moderationRoutes);
  await app.register(attachmentRoutes);
  await app.register(boardAdminRoutes);
  await app.register(guardAdminRoutes);
  await app.register(knowledgeRoutes);
  await app.register(seoRoutes);
  await app.register(apiRoutes);
  await app.register(conversationRoutes);
  await startConversationMaintenance(app, config, database);
  await app.register(searchRoutes);
  await app.register(notificationRoutes);
  await app.register(liveRoutes);
  await app.register(livePostRoutes);
  await app.register(reportRoutes);
  return app;
}

const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

function sendError(reply: import('fastify').FastifyReply, status: number, message: string, guard?: object, fields?: Record<string, string>) {
  reply.code(status);
  const request = reply.request;
  const wantsJson = request.url.startsWith('/api/') || !/text\/html|\*\/\*/.test(request.headers.accept ?? '*/*');
  // JSON's `error` stays the English status name (a field for programs); `message` is for people.
  if (wantsJson) return reply.send({ statusCode: status, error: titleFor(status, en), message, ...(guard ? { guard } : {}), ...(fields ? { fields } : {}) });
  // An error before the page's data was set (onRequest): still the request's language.
  if (!reply.locals) {
    const h = viewHelpersFor(request.locale);
    reply.locals = { actor: request.actor, user: request.user, locale: request.locale, t: h.t, h, path: request.url, pagePath: pageToReturnTo(request) };
  }
  // "Please sign in": its sign-in and sign-up links bring the person back to the page they asked
  // for (a form post's address is not a page, so they come back home).
  const next = status === 401 ? safeNext(pageToReturnTo(request)) : '/';
  return reply.view('error', { title: titleFor(status, reply.locals.t as T), status, message, next });
}

const pageToReturnTo = (request: import('fastify').FastifyRequest) => (request.method === 'GET' ? request.url : undefined);

const TITLES = new Set([400, 401, 403, 404, 409, 413, 415, 422, 429, 503]);
function titleFor(status: number, t: T): string {
  return t(TITLES.has(status) ? `common:status.${status}` : 'common:status.500');
}
