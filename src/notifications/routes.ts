// The notifications page, marking read, watching and muting topics and boards (plain forms).
import type { FastifyInstance } from 'fastify';
import { signedIn, formText } from '../web/request-helpers.ts';
import { describeGroup, listNotifications, markRead } from './list-notifications.ts';
import { autowatchOn, setAutowatch, setWatch } from './watch.ts';
import { installationSecret } from '../accounts/installation-secret.ts';
import { KINDS, kindLabel, preferencesOf, setPreferences } from './preferences.ts';
import { verifyUnsubscribe, type UnsubscribeClaim } from './unsubscribe-token.ts';
import { DIGEST_FREQUENCIES, digestOf, setDigest } from './send-digests.ts';
import { text, UserError } from '../shared/errors.ts';
import { translatorFor } from '../i18n/plugin.ts';
import type { T } from '../i18n/index.ts';

const labelOf = (kind: UnsubscribeClaim['kind'], t: T) => kindLabel(kind, t);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route is authorised by a signed link in its URL: no CSRF token (src/web/server.ts). */
    signedLink?: boolean;
  }
}

const idParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } }, required: ['id'] } as const;
type Form = Record<string, string | undefined>;

/** Back to where the form was, if that is a page of this site. */
const backTo = (value: unknown, fallback: string): string => (typeof value === 'string' && /^\/(?!\/)[^\s\\]*$/.test(value) ? value : fallback);

export async function notificationRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;

  // ?saved=1: the settings form below saved (Post/Redirect/Get), said in a status message.
  app.get<{ Querystring: { saved?: string } }>('/notifications', { schema: { querystring: { type: 'object', properties: { saved: { type: 'string', maxLength: 4 } } } } }, async (request, reply) => {
    const actor = signedIn(request);
    const groups = await listNotifications(db, actor);
    // Seen now: shown as new this once, read from here on (and the bell drops to zero).
    await markRead(db, actor, { ids: groups.filter((g) => g.unread).flatMap((g) => g.ids) });
    reply.header('cache-control', 'private, no-store');
    if (reply.locals) reply.locals.unreadNotifications = 0;
    const { t } = translatorFor(request);
    return reply.view('notifications', {
      title: t('notifications:page.title'),
      groups: groups.map((g) => ({ ...g, text: describeGroup(g, t) })),
      autowatch: await autowatchOn(db, actor),
      preferences: await preferencesOf(db, actor.id),
      kinds: KINDS.map((k) => ({ kind: k, label: kindLabel(k, t) })),
      digest: await digestOf(db, actor.id),
      saved: request.query.saved === '1',
      csrf: reply.generateCsrf(),
    });
  });

  app.post<{ Body: Form }>('/notifications/settings', async (request, reply) => {
    const actor = signedIn(request);
    await setAutowatch(db, actor, formText(request.body?.autowatch) === '1');
    const changes = Object.fromEntries(KINDS.map((k) => [k, request.body?.[`kind_${k}`]]).filter(([, v]) => typeof v === 'string'));
    await setPreferences(db, actor.id, changes);
    const digest = formText(request.body?.digest);
    if (digest) {
      if (!(DIGEST_FREQUENCIES as readonly string[]).includes(digest)) throw new UserError(text('notifications:errors.digestChoice'), 400, 'digest');
      await setDigest(db, actor.id, digest);
    }
    return reply.redirect('/notifications?saved=1', 303);
  });

  // Unsubscribe links from notification e-mails: no sign-in, the signature is the proof. GET
  // asks to confirm (link scanners open links); POST (the button, or a mail program's one-click
  // List-Unsubscribe-Post) turns e-mail off for that kind.
  const secret = await installationSecret(db, app.config.SECRET_KEY);
  const unsubscribeQuerystring = { type: 'object', properties: Object.fromEntries(['u', 'k', 'e', 's'].map((k) => [k, { type: 'string', maxLength: 200 }])) } as const;
  app.get<{ Querystring: Record<string, string> }>('/notifications/unsubscribe', { schema: { querystring: unsubscribeQuerystring } }, async (request, reply) => {
    const claim = verifyUnsubscribe(secret, request.query);
    reply.header('cache-control', 'no-store');
    const { t } = translatorFor(request);
    return reply.view('unsubscribe', { title: t('notifications:unsubscribe.title'), label: labelOf(claim.kind, t), action: request.url, done: false });
  });
  app.post<{ Querystring: Record<string, string> }>('/notifications/unsubscribe', { config: { signedLink: true }, schema: { querystring: unsubscribeQuerystring } }, async (request, reply) => {
    const claim = verifyUnsubscribe(secret, request.query);
    if (claim.kind === 'digest') await setDigest(db, claim.userId, 'off');
    else if ((await preferencesOf(db, claim.userId))[claim.kind] === 'email') await setPreferences(db, claim.userId, { [claim.kind]: 'app' });
    reply.header('cache-control', 'no-store');
    const { t } = translatorFor(request);
    return reply.view('unsubscribe', { title: t('notifications:unsubscribe.doneTitle'), label: labelOf(claim.kind, t), action: request.url, done: true });
  });

  app.post<{ Params: { id: number }; Body: Form }>('/t/:id/watch', { schema: { params: idParams } }, async (request, reply) => {
    const actor = signedIn(request);
    await setWatch(db, actor, 'topic', request.params.id, formText(request.body?.level));
    return reply.redirect(backTo(request.body?.back, '/notifications'), 303);
  });

  app.post<{ Params: { id: number }; Body: Form }>('/boards/:id/watch', { schema: { params: idParams } }, async (request, reply) => {
    const actor = signedIn(request);
    await setWatch(db, actor, 'board', request.params.id, formText(request.body?.level));
    return reply.redirect(backTo(request.body?.back, '/notifications'), 303);
  });
}
