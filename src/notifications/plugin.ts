// Every signed-in page: the header bell's unread count; opening a topic marks its notifications
// read; notifications older than 90 days are purged hourly. Visitors cost nothing here.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { markRead, purgeOldNotifications, unreadCount } from './list-notifications.ts';
import { recordRead } from './tracking.ts';
import { unreadConversations } from '../conversations/unread-conversations.ts';
import { installationSecret } from '../accounts/installation-secret.ts';
import { sendNotificationEmails } from './send-notification-emails.ts';

const HOUR = 3_600_000;

export const notificationsPlugin = fp(async (app: FastifyInstance) => {
  const db = app.database.db;
  app.addHook('preHandler', async (request, reply) => {
    if (!request.actor || request.method !== 'GET' || !reply.locals || request.url.startsWith('/api/') || request.url.startsWith('/assets/')) return;
    const unread = await unreadCount(db, request.actor);
    reply.locals.unreadNotifications = unread;
    // New private messages show beside "Messages" (src/conversations), the same way.
    reply.locals.unreadMessages = await unreadConversations(db, request.actor);
  });
  app.addHook('onResponse', async (request, reply) => {
    if (!request.actor || reply.statusCode !== 200 || request.routeOptions.url !== '/t/:slug/:id') return;
    const topicId = Number((request.params as { id?: unknown }).id);
    if (!Number.isInteger(topicId)) return;
    const failed = (err: Error) => request.log.warn({ err: { message: err.message } }, 'tracking what was read failed');
    // After the page is sent: how far this person has read, and its notifications read.
    await recordRead(db, request.actor, topicId, Number((request.query as { page?: unknown }).page) || 1).catch(failed);
    if (reply.locals?.unreadNotifications) await markRead(db, request.actor, { topicId }).catch(failed);
  });
  const purge = () => purgeOldNotifications(db).catch((err: Error) => app.log.warn({ err: { message: err.message } }, 'notification purge failed'));
  const timer = setInterval(purge, HOUR);
  timer.unref();
  app.addHook('onReady', async () => void purge());
  // Notification e-mails, out of the request path (src/notifications/send-notification-emails.ts).
  const secret = await installationSecret(db, app.config.SECRET_KEY);
  let sweeping = false;
  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      await sendNotificationEmails(db, app.mailer, { siteUrl: app.config.publicUrl, siteName: app.site.name, secret, delayMs: app.config.NOTIFICATION_EMAIL_DELAY_SECONDS * 1000 });
    } catch (err) {
      app.log.warn({ err: { message: (err as Error).message } }, 'notification e-mail sweep failed');
    } finally {
      sweeping = false;
    }
  };
  const mailTimer = setInterval(() => void sweep(), app.config.NOTIFICATION_EMAIL_SWEEP_SECONDS * 1000);
  mailTimer.unref();
  app.addHook('onClose', async () => (clearInterval(timer), clearInterval(mailTimer)));
});
