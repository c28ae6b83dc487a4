// Every signed-in page: the header bell's unread count; opening a topic marks its notifications
// read; notifications older than 90 days are purged hourly. Visitors cost nothing here.
// The purge and the e-mail sweep are scheduled jobs (src/jobs): once across all servers.
import { sendBookmarkReminders } from '../community/send-bookmark-reminders.ts';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { markRead, purgeOldNotifications } from './list-notifications.ts';
import { recordRead } from './tracking.ts';
import { countsReadByPage, showHeaderCounts } from '../accounts/signed-in-facts.ts';
import { installationSecret } from '../accounts/installation-secret.ts';
import { sendNotificationEmails } from './send-notification-emails.ts';
import { sendDigests } from './send-digests.ts';

const HOUR_SECONDS = 3600;
const DIGEST_SWEEP_SECONDS = 600;

export const notificationsPlugin = fp(async (app: FastifyInstance) => {
  const db = app.database.db;
  app.addHook('preHandler', async (request, reply) => {
    // The topic, board and home pages read the counts with their own data (their handlers call
    // showHeaderCounts). Others: usually read already with the session (signed-in-facts.ts); an
    // API token's actor on a page reads them here.
    if (countsReadByPage(request)) return;
    await showHeaderCounts(db, request, reply);
  });
  app.addHook('onResponse', async (request, reply) => {
    if (!request.actor || reply.statusCode !== 200 || request.routeOptions.url !== '/t/:slug/:id') return;
    const topicId = Number((request.params as { id?: unknown }).id);
    if (!Number.isInteger(topicId)) return;
    const failed = (err: Error) => request.log.warn({ err: { message: err.message } }, 'tracking what was read failed');
    // After the page is sent: how far this person has read (the topic route leaves the page's
    // last post number when it moves their position), and its notifications read.
    const upTo = reply.locals?.readUpTo;
    if (typeof upTo === 'number') await recordRead(db, request.actor, topicId, upTo).catch(failed);
    if (reply.locals?.unreadNotifications) await markRead(db, request.actor, { topicId }).catch(failed);
  });
  await app.jobs.work('notifications-purge', async () => void (await purgeOldNotifications(db)));
  await app.jobs.schedule('notifications-purge', { seconds: HOUR_SECONDS });
  // Notification e-mails, out of the request path (src/notifications/send-notification-emails.ts).
  const secret = await installationSecret(db, app.config.SECRET_KEY);
  // A failed send stays due in its row and is retried by a later sweep (send-notification-emails.ts).
  const sweep = async () => void (await sendNotificationEmails(db, app.mailer, { siteUrl: app.config.publicUrl, siteName: app.site.name, secret, delayMs: app.config.NOTIFICATION_EMAIL_DELAY_SECONDS * 1000 }));
  await app.jobs.work('notification-emails', sweep);
  await app.jobs.schedule('notification-emails', { seconds: app.config.NOTIFICATION_EMAIL_SWEEP_SECONDS });
  // Digests (send-digests.ts): each person's period is claimed in the database, so a second run never sends twice.
  await app.jobs.work('digests', async () => void (await sendDigests(db, app.mailer, { siteUrl: app.config.publicUrl, siteName: app.site.name, secret })));
  await app.jobs.schedule('digests', { seconds: DIGEST_SWEEP_SECONDS });
  // Saved posts' reminders that came due (src/community/send-bookmark-reminders.ts).
  await app.jobs.work('bookmark-reminders', async () => void (await sendBookmarkReminders(db)));
  await app.jobs.schedule('bookmark-reminders', { seconds: 60 });
});
