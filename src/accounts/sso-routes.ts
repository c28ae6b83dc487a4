// "Sign in with <company>": GET /auth/sso sends the browser to the company's OpenID provider,
// GET /auth/sso/callback brings it back, checks everything and signs the person in.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError, text, UserError } from '../shared/errors.ts';
import { translatorFor } from '../i18n/plugin.ts';
import { SESSION_COOKIE, sessionCookieValue } from './sessions.ts';
import { renewCsrfSecret } from '../web/csrf-session.ts';
import { noteSignIn } from './new-sign-in-notice.ts';
import { signInWithSso } from './sign-in-with-sso.ts';
import { safeNext } from '../web/request-helpers.ts';
import { ProviderUnavailableError, SsoClient, providerRefusal, ssoSettings, type PendingSignIn } from './sso.ts';

const PENDING_COOKIE = 'parley_sso';
const PENDING_MINUTES = 10;
const limited = { config: { rateLimit: { max: 30, timeWindow: '10 minutes' } } };

export async function ssoRoutes(app: FastifyInstance): Promise<void> {
  const settings = ssoSettings(app.config);
  const client = settings ? new SsoClient(settings) : null;
  const secure = app.config.NODE_ENV === 'production';
  const cookiePath = '/auth/sso';

  const configured = (): SsoClient => {
    if (!client) throw new NotFoundError(text('accounts:errors.ssoNotConfigured'));
    return client;
  };
  const unavailable = (reply: FastifyReply, err: ProviderUnavailableError) => {
    reply.log.error({ err }, 'single sign-on provider unavailable');
    const { t } = translatorFor(reply.request);
    return reply.code(502).view('error', {
      title: t('accounts:sso.unavailableTitle'),
      status: 502,
      message: t('accounts:sso.unavailable', { name: settings!.displayName }),
    });
  };
  // The callback address the provider knows: PUBLIC_URL when set, else the address this request came to.
  const redirectUri = (request: FastifyRequest) =>
    `${app.config.PUBLIC_URL ? app.config.publicUrl : `${request.protocol}://${request.host}`}/auth/sso/callback`;

  app.get<{ Querystring: { next?: string } }>('/auth/sso', limited, async (request, reply) => {
    const sso = configured();
    let started;
    try {
      started = await sso.begin(redirectUri(request));
    } catch (err) {
      if (err instanceof ProviderUnavailableError) return unavailable(reply, err);
      throw err;
    }
    // The page to come back to rides in the signed cookie, and is checked again on the way back.
    const value = Buffer.from(JSON.stringify({ ...started.pending, t: Date.now(), n: safeNext(request.query.next) })).toString('base64url');
    reply.setCookie(PENDING_COOKIE, value, { path: cookiePath, httpOnly: true, sameSite: 'lax', secure, signed: true, maxAge: PENDING_MINUTES * 60 });
    return reply.redirect(started.url.href, 303);
  });

  app.get('/auth/sso/callback', limited, async (request, reply) => {
    const sso = configured();
    const pending = readPending(request);
    reply.clearCookie(PENDING_COOKIE, { path: cookiePath }); // one attempt per start
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    if (!pending) {
      const refusal = providerRefusal(new URLSearchParams(query), sso.settings.displayName);
      if (refusal) throw refusal;
      throw new UserError(text('accounts:errors.ssoNotStarted', { name: sso.settings.displayName }), 400);
    }
    try {
      const { issuer, claims } = await sso.complete(query, pending);
      const session = await signInWithSso(app.database.db, issuer, claims, sso.settings.displayName, request.locale, request.headers['user-agent'] ?? null);
      // Noted, not announced: the identity provider watches its own sign-ins.
      await noteSignIn(app.database.db, session.userId, true);
      reply.setCookie(SESSION_COOKIE, sessionCookieValue(session.userId, session.token), { path: '/', httpOnly: true, sameSite: 'lax', secure, signed: true, expires: session.expires });
      renewCsrfSecret(reply);
    } catch (err) {
      if (err instanceof ProviderUnavailableError) return unavailable(reply, err);
      throw err;
    }
    return reply.redirect(pending.next, 303);
  });
}

function readPending(request: FastifyRequest): (PendingSignIn & { next: string }) | null {
  const raw = request.cookies[PENDING_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  try {
    const p = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as Partial<PendingSignIn> & { t?: number; n?: unknown };
    if (typeof p.t !== 'number' || Date.now() - p.t > PENDING_MINUTES * 60_000) return null;
    if (![p.state, p.nonce, p.codeVerifier, p.redirectUri].every((v) => typeof v === 'string' && v)) return null;
    return { state: p.state!, nonce: p.nonce!, codeVerifier: p.codeVerifier!, redirectUri: p.redirectUri!, next: safeNext(p.n) };
  } catch {
    return null;
  }
}
