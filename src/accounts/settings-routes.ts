// Account settings (profile, avatar, e-mail, password, where one is signed in, export, delete), the staff view of a
// private profile with its access log, and the employee guidelines.
import { forgetAuthor } from './find-user.ts';
import { parseTheme, THEME_COOKIE } from './theme.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authorize } from '../policy/policy.ts';
import { text, UserError, formErrors } from '../shared/errors.ts';
import { translatorFor } from '../i18n/plugin.ts';
import { isLocale } from '../i18n/index.ts';
import { setAvatar } from './avatar.ts';
import { pendingEmailChange, requestEmailChange } from './change-email.ts';
import { changePassword } from './change-password.ts';
import { deleteAccount } from './delete-account.ts';
import { exportMyData } from './export-data.ts';
import { acknowledgeGuidelines, currentGuidelines, mustAcknowledgeGuidelines, publishGuidelines } from './guidelines.ts';
import { listPrivateDataViews, showPrivateProfile } from './private-profile.ts';
import { SESSION_COOKIE, sessionCookieValue } from './sessions.ts';
import { updateProfile } from './update-profile.ts';
import { createApiToken } from '../api/tokens/create-token.ts';
import { listApiTokens } from '../api/tokens/list-tokens.ts';
import { revokeApiToken } from '../api/tokens/revoke-token.ts';
import { signedIn, formText as str, safeNext } from '../web/request-helpers.ts';
import { signInClient } from './device-cookie.ts';
import { listIgnored } from './ignore-user.ts';
import { listSessions } from './list-sessions.ts';
import { endOtherSessions, endSession } from './end-session.ts';
import { avatarUploads, readAvatarForm } from './avatar-form.ts';
import { beginTwoFactorSetup, confirmTwoFactorSetup, pendingTwoFactorSetup, regenerateBackupCodes } from './set-up-two-factor.ts';
import { turnOffTwoFactor } from './turn-off-two-factor.ts';
import { twoFactorState } from './two-factor.ts';
import { tellOwnerAboutTwoFactor } from './two-factor-notice.ts';
import { siteIdentity } from '../web/site-identity.ts';

type Form = Record<string, string | undefined>;

// Post/Redirect/Get: a form that saved answers 303 to /settings?saved=<what>, so that reloading
// the page does not send the form again; the page then says what was saved, in a status message
// that screen readers announce. Only these words can be asked for (nothing from the URL is shown).
const SAVED: Record<string, string> = {
  theme: 'accounts:settings.notices.theme',
  language: 'accounts:settings.notices.language',
  profile: 'accounts:settings.notices.profile',
  avatar: 'accounts:settings.notices.avatar',
  'token-revoked': 'accounts:settings.notices.tokenRevoked',
  'session-ended': 'accounts:settings.notices.sessionEnded',
  'two-factor-off': 'accounts:settings.notices.twoFactorOff',
  'two-factor-required': 'accounts:settings.notices.twoFactorRequired',
};
const saved = (what: string, query = '') => `/settings?saved=${what}${query}`;
const settingsQuery = {
  type: 'object',
  properties: { saved: { type: 'string', maxLength: 20 }, revoked: { type: 'integer', minimum: 0, maximum: 1_000_000 }, ended: { type: 'integer', minimum: 0, maximum: 1_000_000 } },
} as const;

export async function settingsRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;
  const cfg = app.config;

  const settingsPage = async (request: FastifyRequest, reply: FastifyReply, extra: object = {}, status = 200) => {
    const actor = signedIn(request);
    const me = await showPrivateProfile(db, actor, request.user!.username);
    const { password_hash, ...profile } = await db.selectFrom('users').select(['bio', 'avatar', 'locale', 'password_hash']).where('id', '=', actor.id).executeTakeFirstOrThrow();
    const { t } = translatorFor(request);
    // Notices are keys (with values), said in the page's language.
    const { notice, ...rest } = extra as { notice?: string | { key: string; params?: Record<string, unknown> } };
    return reply.code(status).view('settings', {
      title: t('accounts:settings.title'), me: { ...me, ...profile }, languageSetting: profile.locale, csrf: reply.generateCsrf(), values: null, error: null, field: null,
      notice: notice ? (typeof notice === 'string' ? t(notice) : t(notice.key, notice.params)) : null, apiTokens: await listApiTokens(db, actor), newApiToken: null, sessions: await listSessions(db, actor, request.sessionToken),
      ignored: await listIgnored(db, actor),
      twoFactor: { ...(await twoFactorState(db, actor.id)), hasPassword: !!password_hash }, ...rest,
    });
  };
  // Re-render the settings page with the message and what was typed, so nothing is lost.
  const onUserError = (request: FastifyRequest, reply: FastifyReply, values: Form) => (err: unknown) => {
    if (err instanceof UserError && err.status !== 401) return settingsPage(request, reply, { values, ...formErrors(err, translatorFor(request).t) }, err.status);
    throw err;
  };

  app.get<{ Querystring: { saved?: string; revoked?: number; ended?: number } }>('/settings', { schema: { querystring: settingsQuery } }, async (request, reply) => {
    const what = request.query.saved;
    let notice: { key: string; params?: Record<string, unknown> } | undefined;
    if (what && Object.hasOwn(SAVED, what)) notice = { key: SAVED[what]! };
    else if (what === 'password') notice = { key: 'accounts:settings.notices.password', params: { count: request.query.revoked ?? 0 } };
    else if (what === 'sessions-ended') notice = { key: 'accounts:settings.notices.sessionsEnded', params: { count: request.query.ended ?? 0 } };
    else if (what === 'email') {
      // The address is read back from the pending change, not from the URL (logs, history).
      const email = await pendingEmailChange(db, signedIn(request).id);
      if (email) notice = { key: 'accounts:settings.notices.email', params: { email } };
    }
    return settingsPage(request, reply, notice ? { notice } : {});
  });

  app.post<{ Body: Form }>('/settings/theme', async (request, reply) => {
    signedIn(request);
    const theme = parseTheme(request.body?.theme);
    if (!theme) return settingsPage(request, reply, { error: translatorFor(request).t('accounts:errors.themeInvalid'), field: 'theme' }, 400);
    reply.setCookie(THEME_COOKIE, theme, { path: '/', httpOnly: true, sameSite: 'lax', secure: cfg.NODE_ENV === 'production', maxAge: 400 * 86_400 });
    return reply.redirect(saved('theme'), 303);
  });

  // The language of pages and e-mails (issue 18): saved on the account (null: as the browser
  // asks), so it follows the person to every device and decides the e-mails they are sent.
  app.post<{ Body: Form }>('/settings/language', async (request, reply) => {
    const actor = signedIn(request);
    const value = str(request.body?.locale);
    if (value !== 'auto' && !isLocale(value)) return settingsPage(request, reply, { error: translatorFor(request).t('accounts:errors.languageInvalid'), field: 'locale' }, 400);
    const locale = value === 'auto' ? null : value;
    await db.updateTable('users').set({ locale }).where('id', '=', actor.id).execute();
    // The page it redirects to speaks the new language (chosen per request from the account).
    return reply.redirect(saved('language'), 303);
  });

  app.post<{ Body: Form }>('/settings/profile', async (request, reply) => {
    const actor = signedIn(request);
    const b = request.body ?? {};
    const values = { displayName: str(b.displayName), bio: str(b.bio), realName: str(b.realName), phone: str(b.phone), customerNumber: str(b.customerNumber) };
    try {
      await updateProfile(db, actor, values, cfg.DEFAULT_PHONE_REGION);
    } catch (err) {
      return onUserError(request, reply, values)(err);
    }
    return reply.redirect(saved('profile'), 303);
  });

  // A multipart form: read before the CSRF check (preValidation), so that the token travels in
  // the body like any form's (not in the URL, where logs and Referer headers would keep it).
  app.post('/settings/avatar', { preValidation: readAvatarForm }, async (request, reply) => {
    const actor = signedIn(request);
    const upload = avatarUploads.get(request);
    if (!upload || upload.error) return onUserError(request, reply, {})(upload?.error ?? new UserError(text('accounts:errors.uploadWithForm'), 400, 'avatar'));
    try {
      await setAvatar(db, actor, upload.bytes!, app.files);
      forgetAuthor(db, actor.id); // the picture beside their posts and in the header
    } catch (err) {
      return onUserError(request, reply, {})(err);
    }
    return reply.redirect(saved('avatar'), 303);
  });

  app.post<{ Body: Form }>('/settings/email', async (request, reply) => {
    const actor = signedIn(request);
    const email = str(request.body?.email);
    try {
      await requestEmailChange(db, app.mailer, cfg.publicUrl, actor, email, str(request.body?.currentPassword), signInClient(request));
    } catch (err) {
      return onUserError(request, reply, { email })(err);
    }
    return reply.redirect(saved('email'), 303);
  });

  app.post<{ Body: Form }>('/settings/password', async (request, reply) => {
    const actor = signedIn(request);
    let session;
    try {
      session = await changePassword(db, actor, str(request.body?.currentPassword), str(request.body?.newPassword), signInClient(request));
    } catch (err) {
      return onUserError(request, reply, {})(err);
    }
    // The page it redirects to is asked for with the new session (its forms' CSRF tokens bound to it).
    reply.setCookie(SESSION_COOKIE, sessionCookieValue(actor.id, session.token), { path: '/', httpOnly: true, sameSite: 'lax', secure: cfg.NODE_ENV === 'production', signed: true, expires: session.expires });
    return reply.redirect(saved('password', `&revoked=${session.revokedTokens}`), 303);
  });

  // Where one is signed in: sign out one other browser, or all others. The browser in use signs
  // out with "Sign out" (the menu), which also clears its cookie.
  app.post<{ Params: { key: string } }>('/settings/sessions/:key/end', { schema: { params: { type: 'object', properties: { key: { type: 'string', maxLength: 64 } }, required: ['key'] } } }, async (request, reply) => {
    const actor = signedIn(request);
    try {
      await endSession(db, actor, request.params.key, request.sessionToken);
    } catch (err) {
      return onUserError(request, reply, {})(err);
    }
    return reply.redirect(saved('session-ended'), 303);
  });
  app.post('/settings/sessions/end-others', async (request, reply) => {
    const ended = await endOtherSessions(db, signedIn(request), request.sessionToken);
    return reply.redirect(saved('sessions-ended', `&ended=${ended}`), 303);
  });

  // Two-step verification: the password, then the set-up page (QR code) until a code from the app
  // turns it on; the backup codes are shown on that one answer (no-store), like a new API token.
  const mailOwner = (userId: number, change: 'on' | 'off') =>
    tellOwnerAboutTwoFactor(db, app.mailer, userId, change).catch((err: Error) => app.log.warn({ err: { message: err.message } }, 'two-step verification e-mail failed'));
  const setupPage = async (request: FastifyRequest, reply: FastifyReply, error: string | null = null, status = 200) => {
    const pending = await pendingTwoFactorSetup(db, signedIn(request), (await siteIdentity(db, cfg)).name);
    if (!pending) return reply.redirect('/settings', 303);
    reply.header('cache-control', 'no-store');
    return reply.code(status).view('two-factor-setup', { title: translatorFor(request).t('accounts:twoFactor.setupTitle'), csrf: reply.generateCsrf(), pending, error });
  };
  const codesPage = (request: FastifyRequest, reply: FastifyReply, codes: string[], replaced: boolean) => {
    reply.header('cache-control', 'no-store');
    return reply.view('two-factor-codes', { title: translatorFor(request).t('accounts:twoFactor.codesTitle'), codes, replaced });
  };
  app.post<{ Body: Form }>('/settings/two-factor/setup', async (request, reply) => {
    try {
      await beginTwoFactorSetup(db, signedIn(request), str(request.body?.currentPassword), signInClient(request));
    } catch (err) {
      return onUserError(request, reply, {})(err);
    }
    return reply.redirect('/settings/two-factor/setup', 303);
  });
  app.get('/settings/two-factor/setup', (request, reply) => setupPage(request, reply));
  app.post<{ Body: Form }>('/settings/two-factor/confirm', async (request, reply) => {
    const actor = signedIn(request);
    let codes;
    try {
      codes = await confirmTwoFactorSetup(db, actor, str(request.body?.code));
    } catch (err) {
      if (err instanceof UserError && err.field === 'code') return setupPage(request, reply, err.say(translatorFor(request).t), err.status);
      return onUserError(request, reply, {})(err);
    }
    await mailOwner(actor.id, 'on');
    return codesPage(request, reply, codes, false);
  });
  app.post<{ Body: Form }>('/settings/two-factor/backup-codes', async (request, reply) => {
    let codes;
    try {
      codes = await regenerateBackupCodes(db, signedIn(request), str(request.body?.currentPassword), signInClient(request));
    } catch (err) {
      return onUserError(request, reply, {})(err);
    }
    return codesPage(request, reply, codes, true);
  });
  app.post<{ Body: Form }>('/settings/two-factor/off', async (request, reply) => {
    const actor = signedIn(request);
    try {
      await turnOffTwoFactor(db, actor, str(request.body?.currentPassword), signInClient(request));
    } catch (err) {
      return onUserError(request, reply, {})(err);
    }
    await mailOwner(actor.id, 'off');
    return reply.redirect(saved('two-factor-off'), 303);
  });

  // API tokens for scripts (src/api): the new token is shown on this one answer, never again. The
  // one form answered with a page, not a redirect: the secret must not travel in a URL, nor be
  // kept anywhere to show after one (no-store; a reload asks the browser to send the form again).
  app.post<{ Body: Form }>('/settings/tokens', async (request, reply) => {
    const actor = signedIn(request);
    const values = { tokenName: str(request.body?.tokenName), tokenDays: str(request.body?.tokenDays) };
    let created;
    try {
      created = await createApiToken(db, actor, { name: values.tokenName, expiresInDays: values.tokenDays ? Number(values.tokenDays) : null });
    } catch (err) {
      return onUserError(request, reply, values)(err);
    }
    reply.header('cache-control', 'no-store');
    return settingsPage(request, reply, { newApiToken: created, notice: text('accounts:settings.notices.tokenCreated', { name: created.name }) });
  });
  const tokenParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } }, required: ['id'] } as const;
  app.post<{ Params: { id: number } }>('/settings/tokens/:id/revoke', { schema: { params: tokenParams } }, async (request, reply) => {
    await revokeApiToken(db, signedIn(request), request.params.id);
    return reply.redirect(saved('token-revoked'), 303);
  });

  app.get('/settings/export', async (request, reply) => {
    const actor = signedIn(request);
    const data = await exportMyData(db, actor);
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="parley-data-${data.profile.username}.json"`)
      .header('cache-control', 'no-store')
      .send(JSON.stringify(data, null, 2));
  });

  app.post<{ Body: Form }>('/settings/delete', async (request, reply) => {
    const actor = signedIn(request);
    try {
      await deleteAccount(db, actor, str(request.body?.confirmation), app.files);
    } catch (err) {
      return onUserError(request, reply, {})(err);
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    const { t } = translatorFor(request);
    return reply.view('notice', { title: t('accounts:settings.deletedTitle'), user: null, actor: null, message: t('accounts:settings.deleted') });
  });

  // Staff view of someone's private data: policy-checked and written to the access log.
  app.get<{ Params: { username: string } }>('/u/:username/private', { schema: { params: { type: 'object', properties: { username: { type: 'string', maxLength: 40 } } } } }, async (request, reply) => {
    const person = await showPrivateProfile(db, signedIn(request), request.params.username);
    reply.header('cache-control', 'no-store');
    return reply.view('private-profile', { title: translatorFor(request).t('accounts:private.title', { name: person.display_name }), person });
  });

  app.get('/admin/access-log', async (request, reply) => {
    const rows = await listPrivateDataViews(db, signedIn(request));
    return reply.view('access-log', { title: 'Private data access log', rows });
  });

  app.get<{ Querystring: { next?: string } }>('/guidelines', async (request, reply) => {
    const guidelines = await currentGuidelines(db);
    const mustAck = request.actor ? await mustAcknowledgeGuidelines(db, request.actor) : false;
    // After the first sign-in's acknowledgement, on to the page the person signed in from.
    return reply.view('guidelines', { title: translatorFor(request).t('accounts:guidelines.title'), guidelines, mustAck, next: safeNext(request.query.next), csrf: mustAck ? reply.generateCsrf() : '' });
  });
  app.post<{ Body: Form }>('/guidelines/acknowledge', async (request, reply) => {
    await acknowledgeGuidelines(db, signedIn(request), Number(request.body?.version));
    return reply.redirect(safeNext(request.body?.next), 303);
  });
  app.get('/guidelines/edit', async (request, reply) => {
    authorize(signedIn(request), 'guidelines.edit', null);
    const guidelines = await currentGuidelines(db);
    return reply.view('guidelines-edit', { title: translatorFor(request).t('accounts:guidelines.editTitle'), body: guidelines.body_markdown, version: guidelines.version, csrf: reply.generateCsrf(), error: null });
  });
  app.post<{ Body: Form }>('/guidelines', async (request, reply) => {
    const body = str(request.body?.body);
    try {
      await publishGuidelines(db, signedIn(request), body);
    } catch (err) {
      if (err instanceof UserError && err.field) {
        return reply.code(err.status).view('guidelines-edit', { title: translatorFor(request).t('accounts:guidelines.editTitle'), body, version: (await currentGuidelines(db)).version, csrf: reply.generateCsrf(), error: err.say(translatorFor(request).t) });
      }
      throw err;
    }
    return reply.redirect('/guidelines', 303);
  });
}
