// The notifications page, marking read, watching and muting topics and boards (plain forms).
import type { FastifyInstance } from 'fastify';
import { signedIn, formText } from '../web/request-helpers.ts';
import { describeGroup, listNotifications, markRead } from './list-notifications.ts';
import { autowatchOn, setAutowatch, setWatch } from './watch.ts';

const idParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 } }, required: ['id'] } as const;
type Form = Record<string, string | undefined>;

/** Back to where the form was, if that is a page of this site. */
const backTo = (value: unknown, fallback: string): string => (typeof value === 'string' && /^\/(?!\/)[^\s\\]*$/.test(value) ? value : fallback);

export async function notificationRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;

  app.get('/notifications', async (request, reply) => {
    const actor = signedIn(request);
    const groups = await listNotifications(db, actor);
    // Seen now: shown as new this once, read from here on (and the bell drops to zero).
    await markRead(db, actor, { ids: groups.filter((g) => g.unread).flatMap((g) => g.ids) });
    reply.header('cache-control', 'private, no-store');
    if (reply.locals) reply.locals.unreadNotifications = 0;
    return reply.view('notifications', {
      title: 'Notifications',
      groups: groups.map((g) => ({ ...g, text: describeGroup(g) })),
      autowatch: await autowatchOn(db, actor),
      csrf: reply.generateCsrf(),
    });
  });

  app.post<{ Body: Form }>('/notifications/settings', async (request, reply) => {
    const actor = signedIn(request);
    await setAutowatch(db, actor, formText(request.body?.autowatch) === '1');
    return reply.redirect('/notifications', 303);
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
