import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ignores, ignoreUser, stopIgnoring } from './ignore-user.ts';
import { can } from '../policy/policy.ts';
import { UserError, formErrors } from '../shared/errors.ts';
import { translatorFor } from '../i18n/plugin.ts';
import { standingOf } from '../moderation/restrict-user.ts';
import { isStaff } from '../policy/policy.ts';
import { viewHelpers } from '../web/view-helpers.ts';
import { peekEmailToken } from './email-tokens.ts';
import { loadActor } from './find-user.ts';
import { mustAcknowledgeGuidelines } from './guidelines.ts';
import { requestPasswordReset, resetPassword } from './reset-password.ts';
import { SESSION_COOKIE, SESSION_DAYS, destroyOtherSessions, destroySession, sessionCookieValue } from './sessions.ts';
import { showPublicProfile } from './show-profile.ts';
import { profileActivity } from './profile-activity.ts';
import { listTeam } from './list-team.ts';
import { ALL_BADGES } from './badges.ts';
import { signIn } from './sign-in.ts';
import { finishSignIn, readSecondStepTicket, SECOND_STEP_COOKIE, SECOND_STEP_MINUTES, secondStepTicket } from './sign-in-second-step.ts';
import { ThrottledError } from './sign-in-throttle.ts';
import { rememberDevice, signInClient } from './device-cookie.ts';
import { noteSignIn, tellOwnerAboutNewSignIn } from './new-sign-in-notice.ts';
import { renewCsrfSecret } from '../web/csrf-session.ts';
import { signUp } from './sign-up.ts';
import { verifyEmail } from './verify-email.ts';
import { formText as str, safeNext, signedIn, withNext } from '../web/request-helpers.ts';

type Form = Record<string, string | undefined>;

export async function accountRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;
  const company = { domains: app.config.COMPANY_EMAIL_DOMAINS, allowSubdomains: app.config.COMPANY_EMAIL_SUBDOMAINS };
  const site = app.config.publicUrl;
  // Per-address limit for the routes that guess or send mail (the per-account limit is in sign-in).
  // None of these changes a page visitors see, so the visitors' page cache stays (keepsPages).
  const limited = { config: { rateLimit: { max: app.config.SIGNIN_RATE_LIMIT, timeWindow: '10 minutes' }, keepsPages: true } };
  const sso = app.config.OIDC_ISSUER ? app.config.OIDC_DISPLAY_NAME : null; // "Sign in with …" (sso-routes.ts)

  /** Renders a form page; on a UserError it re-renders with the message and what was typed. */
  const form = (reply: FastifyReply, request: FastifyRequest, template: string, title: string, extra: object = {}, status = 200) =>
    reply.code(status).view(template, { title: translatorFor(request).t(title), csrf: reply.generateCsrf(), values: {}, error: null, ...extra });

  const setSession = (reply: FastifyReply, userId: number, token: string, expires: Date) =>
    reply.setCookie(SESSION_COOKIE, sessionCookieValue(userId, token), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: app.config.NODE_ENV === 'production',
      signed: true,
      expires,
    });

  // `next`: the page the person came from (a same-site path, else '/'), kept through the forms.
  type WithNext = { Querystring: { next?: string } };
  app.get<WithNext>('/signup', (request, reply) => form(reply, request, 'signup', 'accounts:signup.title', { next: safeNext(request.query.next) }));
  app.post<{ Body: Form }>('/signup', limited, async (request, reply) => {
    const b = request.body ?? {};
    const next = safeNext(b.next);
    const values = { email: str(b.email), username: str(b.username), displayName: str(b.displayName) };
    try {
      // The language the sign-up page was shown in becomes the account's: its e-mails speak it.
      await signUp(db, app.mailer, site, { ...values, password: str(b.password), locale: request.locale });
    } catch (err) {
      if (err instanceof UserError) return form(reply, request, 'signup', 'accounts:signup.title', { values, next, ...formErrors(err, translatorFor(request).t) }, err.status);
      throw err;
    }
    const { t } = translatorFor(request);
    // Once the address is confirmed, signing in brings them back to where they were.
    const link = next === '/' ? null : { href: withNext('/signin', next), text: t('accounts:verify.signIn') };
    return reply.view('notice', { title: t('accounts:signup.checkEmailTitle'), message: t('accounts:signup.checkEmail', { email: values.email }), link });
  });

  app.get<WithNext>('/signin', (request, reply) => form(reply, request, 'signin', 'accounts:signin.title', { sso, next: safeNext(request.query.next) }));
  app.post<{ Body: Form }>('/signin', limited, async (request, reply) => {
    const b = request.body ?? {};
    const next = safeNext(b.next);
    try {
      const result = await signIn(db, str(b.login), str(b.password), signInClient(request));
      if ('secondStep' in result) {
        // Two-step verification: no session yet; the next page asks for the code.
        reply.setCookie(SECOND_STEP_COOKIE, await secondStepTicket(db, result.userId), { path: '/signin', httpOnly: true, sameSite: 'lax', secure: app.config.NODE_ENV === 'production', signed: true, maxAge: SECOND_STEP_MINUTES * 60 });
        return reply.redirect(withNext('/signin/two-factor', next), 303);
      }
      return await signedInNowGoTo(request, reply, result, next);
    } catch (err) {
      if (err instanceof ThrottledError) reply.header('retry-after', String(err.retryAfterSeconds));
      if (err instanceof UserError) return form(reply, request, 'signin', 'accounts:signin.title', { values: { login: str(b.login) }, error: err.say(translatorFor(request).t), sso, next }, err.status);
      throw err;
    }
  });

  /** A session opened: the cookies, then the guidelines (if due) or back to the page they came from. */
  const signedInNowGoTo = async (request: FastifyRequest, reply: FastifyReply, session: { userId: number; token: string; expires: Date }, next: string) => {
    // A browser new to this account: its owner hears of it (sent after the answer; a failure is logged).
    const client = signInClient(request);
    if (await noteSignIn(db, session.userId, client.device?.userId === session.userId)) {
      tellOwnerAboutNewSignIn(db, app.mailer, site, session.userId, client.userAgent).catch((err: Error) => request.log.warn({ err: { message: err.message } }, 'new sign-in e-mail failed'));
    }
    setSession(reply, session.userId, session.token, session.expires);
    rememberDevice(request, reply, session.userId, app.config.NODE_ENV === 'production');
    renewCsrfSecret(reply);
    // Policy point 2: an employee reads and acknowledges the guidelines on first sign-in.
    const actor = await loadActor(db, session.userId);
    if (actor && (await mustAcknowledgeGuidelines(db, actor))) return reply.redirect(withNext('/guidelines', next), 303);
    return reply.redirect(next, 303);
  };

  // The second step: a code from the app, or a backup code (?backup=1 shows that field instead).
  const waitingSignIn = (request: FastifyRequest) => {
    const raw = request.cookies[SECOND_STEP_COOKIE];
    const unsigned = raw ? request.unsignCookie(raw) : null;
    return readSecondStepTicket(db, unsigned?.valid ? unsigned.value : null);
  };
  const secondStepForm = (reply: FastifyReply, request: FastifyRequest, next: string, backup: boolean, error: string | null = null, status = 200) => {
    // The link to the other kind of code keeps where they were going.
    const query = new URLSearchParams(backup ? {} : { backup: '1' });
    if (next !== '/') query.set('next', next);
    const switchHref = `/signin/two-factor${query.size ? `?${query}` : ''}`;
    return form(reply, request, 'signin-two-factor', 'accounts:twoFactor.signInTitle', { next, backup, error, switchHref }, status);
  };
  const expired = (request: FastifyRequest, reply: FastifyReply, next: string) =>
    form(reply, request, 'signin', 'accounts:signin.title', { error: translatorFor(request).t('accounts:twoFactor.expired'), sso, next }, 401);
  type SecondStepQuery = { Querystring: { next?: string; backup?: string } };
  app.get<SecondStepQuery>('/signin/two-factor', async (request, reply) => {
    const next = safeNext(request.query.next);
    if (!(await waitingSignIn(request))) return reply.redirect(withNext('/signin', next), 303);
    return secondStepForm(reply, request, next, request.query.backup === '1');
  });
  app.post<{ Body: Form }>('/signin/two-factor', limited, async (request, reply) => {
    const b = request.body ?? {};
    const next = safeNext(b.next);
    const backup = b.backup === '1';
    const userId = await waitingSignIn(request);
    if (!userId) return expired(request, reply, next);
    try {
      const session = await finishSignIn(db, userId, str(b.code), signInClient(request));
      reply.clearCookie(SECOND_STEP_COOKIE, { path: '/signin' });
      return await signedInNowGoTo(request, reply, session, next);
    } catch (err) {
      if (err instanceof ThrottledError) reply.header('retry-after', String(err.retryAfterSeconds));
      if (err instanceof UserError) return secondStepForm(reply, request, next, backup, err.say(translatorFor(request).t), err.status);
      throw err;
    }
  });

  app.post('/signout', { config: { keepsPages: true } }, async (request, reply) => {
    if (request.sessionToken) await destroySession(db, request.sessionToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    renewCsrfSecret(reply);
    return reply.redirect('/', 303);
  });

  app.get<{ Querystring: { token?: string } }>('/verify-email', async (request, reply) => {
    const { userId, changed } = await verifyEmail(db, str(request.query.token), company);
    // A changed address ends the account's other sessions (this browser stays signed in if it is the owner's).
    if (changed) await destroyOtherSessions(db, userId, request.user?.id === userId ? request.sessionToken : null);
    const { t } = translatorFor(request);
    const message = t(changed ? 'accounts:verify.changed' : 'accounts:verify.confirmed');
    return reply.view('notice', { title: t('accounts:verify.title'), message, link: request.user ? null : { href: '/signin', text: t('accounts:verify.signIn') } });
  });

  app.get('/password/forgot', (request, reply) => form(reply, request, 'forgot', 'accounts:forgot.title'));
  app.post<{ Body: Form }>('/password/forgot', limited, async (request, reply) => {
    const email = str(request.body?.email);
    try {
      await requestPasswordReset(db, app.mailer, site, email);
    } catch (err) {
      if (err instanceof UserError) return form(reply, request, 'forgot', 'accounts:forgot.title', { values: { email }, error: err.say(translatorFor(request).t) }, err.status);
      throw err;
    }
    const { t } = translatorFor(request);
    return reply.view('notice', { title: t('accounts:forgot.sentTitle'), message: t('accounts:forgot.sent') });
  });

  app.get<{ Querystring: { token?: string } }>('/password/reset', async (request, reply) => {
    const token = str(request.query.token);
    await peekEmailToken(db, token, 'reset_password');
    return form(reply, request, 'reset', 'accounts:reset.title', { token });
  });
  app.post<{ Body: Form }>('/password/reset', limited, async (request, reply) => {
    const token = str(request.body?.token);
    let revoked = 0;
    try {
      revoked = (await resetPassword(db, token, str(request.body?.password))).revokedTokens;
    } catch (err) {
      if (err instanceof UserError && err.field === 'password') return form(reply, request, 'reset', 'accounts:reset.title', { token, error: err.say(translatorFor(request).t) }, err.status);
      throw err;
    }
    const { t } = translatorFor(request);
    return reply.view('notice', { title: t('accounts:reset.doneTitle'), actor: null, user: null, message: t('accounts:reset.done', { count: revoked }), link: { href: '/signin', text: t('accounts:reset.signIn') } });
  });

  app.get<{ Params: { username: string } }>(
    '/u/:username',
    { schema: { params: { type: 'object', properties: { username: { type: 'string', maxLength: 40 } } } } },
    async (request, reply) => {
      const profile = await showPublicProfile(db, request.params.username);
      return reply.view('profile', {
        member: profile.user,
        roles: profile.roles,
        activity: await profileActivity(db, request.actor, profile.user.id),
        title: profile.user.display_name,
        canonical: viewHelpers.userUrl(profile.user.username),
        canViewPrivate: can(request.actor, 'user.viewPrivate', profile.user),
        canManageRoles: can(request.actor, 'role.manage', null),
        // Moderation (issue 13): staff restrict accounts from the profile; the member sees their own restriction.
        canRestrict: can(request.actor, 'user.restrict', { id: profile.user.id, staff: isStaff({ id: profile.user.id, roles: new Set(profile.roles) }) }),
        standing: request.actor && (request.actor.id === profile.user.id || isStaff(request.actor)) ? await standingOf(db, profile.user.id) : null,
        // Ignoring (src/accounts/ignore-user.ts): offered to members for anyone but themselves and the team.
        canIgnore: can(request.actor, 'user.ignore', { id: profile.user.id, staff: isStaff({ id: profile.user.id, roles: new Set(profile.roles) }) }),
        ignoring: await ignores(db, request.actor, profile.user.id),
        csrf: request.actor ? reply.generateCsrf() : '',
      });
    },
  );

  // Ignore a member, or stop (undo=1); back to their profile, or to the settings list it came from.
  app.post<{ Params: { username: string }; Body: Record<string, string | undefined> }>(
    '/u/:username/ignore',
    { schema: { params: { type: 'object', properties: { username: { type: 'string', maxLength: 40 } } } } },
    async (request, reply) => {
      const actor = signedIn(request);
      const body = request.body ?? {};
      if (body.undo === '1') await stopIgnoring(db, actor, request.params.username);
      else await ignoreUser(db, actor, request.params.username);
      return reply.redirect(body.from === 'settings' ? '/settings#ignored-h' : viewHelpers.userUrl(request.params.username), 303);
    },
  );

  app.get('/team', { config: { anonymousCache: true } }, async (request, reply) => {
    const team = await listTeam(db);
    return reply.view('team', { title: translatorFor(request).t('accounts:team.title'), ...team, badges: ALL_BADGES, canonical: '/team' });
  });
}
