// The HTTP layer: Fastify with its official plugins. It stays thin: routes validate input,
// call a use case, and hand the result to a view. Domain folders register their own routes.
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { ClusterRateLimitStore } from '../cluster/rate-limit-store.ts';
import { isWorker } from '../cluster/primary.ts';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { loggerOptions } from '../log.ts';
import type { Actor } from '../policy/policy.ts';
import { accountRoutes } from '../accounts/routes.ts';
import { settingsRoutes } from '../accounts/settings-routes.ts';
import { adminRoutes } from '../accounts/admin-routes.ts';
import { avatarDir } from '../accounts/avatar.ts';
import { ssoRoutes } from '../accounts/sso-routes.ts';
import { knowledgeRoutes } from '../knowledge/routes.ts';
import { apiRoutes } from '../api/index.ts';
import { authPlugin } from '../accounts/auth-plugin.ts';
import { anonymousCache } from './anonymous-cache.ts';
import { securityHeaders } from './security-headers.ts';
import { installationSecret } from '../accounts/installation-secret.ts';
import { startGuardMaintenance } from '../confidentiality/maintenance.ts';
import { followGuardChanges } from '../confidentiality/registers.ts';
import { followForgottenAuthors } from '../accounts/find-user.ts';
import { createMailer, type Mailer } from '../mail/mailer.ts';
import { notifyMentions } from '../notifications/notify-mentions.ts';
import { communityRoutes } from '../community/routes.ts';
import { postRoutes } from '../community/post-routes.ts';
import { moderationRoutes } from '../moderation/routes.ts';
import { attachmentRoutes } from '../attachments/routes.ts';
import { boardAdminRoutes } from '../community/board-admin-routes.ts';
import { guardAdminRoutes } from '../confidentiality/admin-routes.ts';
import { seoRoutes } from '../seo/routes.ts';
import { UserError } from '../shared/errors.ts';
import { viewHelpers } from './view-helpers.ts';
import { views } from './views.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: Database;
    mailer: Mailer;
    /** Tells people @mentioned in a new post, in the background (a mail failure never fails the post). */
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

export async function buildServer({ config, database, logger, mailer }: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? loggerOptions(config.LOG_LEVEL),
    trustProxy: true,
    // Request bodies beyond this are refused before parsing (posts are limited far lower).
    bodyLimit: 1024 * 1024,
  });
  app.decorate('config', config);
  app.decorate('database', database);
  app.decorateRequest('actor', null);

  await app.register(securityHeaders, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    // Only in production behind TLS: a dev server on http://localhost must stay reachable.
    strictTransportSecurity: config.NODE_ENV === 'production',
  });
  await app.register(formbody);
  await app.register(cookie, { secret: await installationSecret(database.db, config.SECRET_KEY) });
  await startGuardMaintenance(app, config, database);
  app.decorate('mailer', mailer ?? createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, outboxDir: config.OUTBOX_DIR, log: app.log }));
  app.addHook('onClose', async () => app.mailer.close());
  app.decorate('notifyMentions', (postId: number) => {
    notifyMentions(database.db, app.mailer, config.publicUrl, postId).catch((err: Error) => app.log.warn({ err: { message: err.message } }, 'mention e-mails failed'));
  });
  // A clustered server's workers drop what another worker's write made stale (src/cluster/bus.ts).
  const unfollow = [followForgottenAuthors(database.db), followGuardChanges(database.db)];
  app.addHook('onClose', async () => unfollow.forEach((stop) => stop()));
  await app.register(authPlugin);
  await app.register(anonymousCache, { ttlSeconds: config.ANON_CACHE_SECONDS, maxBytes: config.ANON_CACHE_MB * 1024 * 1024 });
  // Every form post carries a token bound to a signed cookie secret (checked in preHandler,
  // once the body is parsed). SameSite cookies are a second line, not the only one.
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', signed: true, secure: config.NODE_ENV === 'production' },
    // File uploads are not parsed before the check, so their forms carry the token in the query.
    getToken: (req) => {
      const fromBody = (req.body as { _csrf?: unknown } | undefined)?._csrf;
      const fromQuery = (req.query as { _csrf?: unknown } | undefined)?._csrf;
      const header = req.headers['x-csrf-token'] ?? req.headers['csrf-token'];
      const token = fromBody ?? header ?? fromQuery;
      return typeof token === 'string' ? token : '';
    },
  });
  await app.register(multipart, { limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 10, fieldSize: 10_000 } });
  app.addHook('preHandler', (request, reply, done) => {
    // Available to every template: who is signed in, and a CSRF token on demand (sign-out form).
    // Set before the CSRF check below, so that its error page still knows who is signed in.
    reply.locals = { actor: request.actor, user: request.user, csrfToken: () => reply.generateCsrf() };
    done();
  });
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return done();
    // An API call authenticated by a bearer token carries no cookie a forged request could use.
    if (request.apiToken) return done();
    app.csrfProtection(request, reply, done);
  });
  await app.register(rateLimit, {
    global: false,
    // A clustered server counts each address once, in the primary, not once per worker.
    ...(isWorker() ? { store: ClusterRateLimitStore as unknown as FastifyRateLimitStoreCtor } : {}),
    errorResponseBuilder: (_request, context) =>
      new UserError(`Too many attempts from your address. Please wait ${context.after} and try again.`, 429),
  });

  await app.register(fastifyStatic, {
    root: here('./public'),
    prefix: '/assets/',
    maxAge: config.NODE_ENV === 'production' ? '1d' : 0,
  });
  const avatars = avatarDir(resolve(config.UPLOADS_DIR));
  mkdirSync(avatars, { recursive: true });
  await app.register(fastifyStatic, { root: avatars, prefix: '/avatars/', decorateReply: false, maxAge: '7d', immutable: true });
  await app.register(views, {
    root: here('./views'),
    development: config.NODE_ENV === 'development',
    defaultContext: { site: { name: config.SITE_NAME, url: config.publicUrl }, h: viewHelpers },
  });

  app.setErrorHandler(async (error, request, reply) => {
    const err = error as Error & { statusCode?: number; validation?: unknown };
    let status = 500;
    let message = 'Something went wrong on our side. It has been logged; please try again.';
    let guard: object | undefined;
    if (err instanceof UserError) {
      status = err.status;
      message = err.message;
      // The guard's refusal carries its findings (types, offsets, reasons — no values).
      const g = err as UserError & { findings?: unknown[]; action?: string; canAskCommunityTeam?: boolean };
      if (Array.isArray(g.findings)) guard = { action: g.action, canAskCommunityTeam: g.canAskCommunityTeam, findings: g.findings };
    } else if ((err as { code?: string }).code?.startsWith('FST_CSRF')) {
      status = 403;
      message = 'This form has expired or did not come from this site. Go back, reload the page and try again: what you typed is still there.';
    } else if (err.validation || (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)) {
      status = err.statusCode ?? 400;
      message = err.validation ? 'The request is not valid: ' + err.message : err.message;
    } else {
      request.log.error({ err }, 'request failed');
    }
    return sendError(reply, status, message, guard);
  });
  app.setNotFoundHandler(async (_request, reply) => sendError(reply, 404, 'There is nothing at this address.'));

  app.get('/healthz', { logLevel: 'warn' }, async () => ({ ok: true }));
  await app.register(accountRoutes);
  await app.register(settingsRoutes);
  await app.register(adminRoutes);
  await app.register(ssoRoutes);
  await app.register(communityRoutes);
  await app.register(postRoutes);
  await app.register(moderationRoutes);
  await app.register(attachmentRoutes);
  await app.register(boardAdminRoutes);
  await app.register(guardAdminRoutes);
  await app.register(knowledgeRoutes);
  await app.register(seoRoutes);
  await app.register(apiRoutes);
  return app;
}

function sendError(reply: import('fastify').FastifyReply, status: number, message: string, guard?: object) {
  reply.code(status);
  const wantsJson = reply.request.url.startsWith('/api/') || !/text\/html|\*\/\*/.test(reply.request.headers.accept ?? '*/*');
  if (wantsJson) return reply.send({ statusCode: status, error: titleFor(status), message, ...(guard ? { guard } : {}) });
  return reply.view('error', { title: titleFor(status), status, message });
}

function titleFor(status: number): string {
  return (
    { 400: 'Bad request', 401: 'Please sign in', 403: 'Not allowed', 404: 'Page not found', 409: 'Conflict', 413: 'Too large', 415: 'Unsupported file', 422: 'Not published', 429: 'Too many requests' } as Record<number, string>
  )[status] ?? 'Server error';
}
