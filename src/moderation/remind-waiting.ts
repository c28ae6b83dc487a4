// The community team hears by e-mail when an item has waited in the review queue longer than
// REVIEW_REMIND_MINUTES (issue 13, point 3). Each item is announced once: the conditional update
// of reminded_at decides, so several server processes never send the same reminder twice.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { nowIso } from '../shared/clock.ts';
import { reasonLabel } from './list-queue.ts';
import { translator } from '../i18n/index.ts';

/** E-mails are in each team member's language (their setting, else the site's `defaultLocale`). */
export async function remindWaitingReviews(db: Kysely<DB>, mailer: Mailer, siteUrl: string, minutes: number, now = Date.now(), defaultLocale = 'en'): Promise<number> {
  if (minutes <= 0) return 0;
  const before = new Date(now - minutes * 60_000).toISOString();
  const waiting = await db.selectFrom('review_items').select(['id', 'reason', 'created_at']).where('status', '=', 'open').where('reminded_at', 'is', null).where('created_at', '<=', before).orderBy('id').limit(100).execute();
  const mine: typeof waiting = [];
  for (const item of waiting) {
    const r = await db.updateTable('review_items').set({ reminded_at: nowIso() }).where('id', '=', item.id).where('reminded_at', 'is', null).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) mine.push(item);
  }
  if (!mine.length) return 0;
  const team = await db
    .selectFrom('users')
    .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
    .select(['users.email', 'users.display_name', 'users.locale'])
    .distinct()
    .where('user_roles.role', 'in', ['moderator', 'community_manager'])
    .where('users.deleted_at', 'is', null)
    .where('users.email', 'is not', null)
    .execute();
  for (const person of team) {
    const { t } = translator(person.locale ?? defaultLocale);
    const lines = mine.map((i) => t('moderation:remind.line', { reason: reasonLabel(i.reason, t), since: i.created_at, url: `${siteUrl}/moderation/items/${i.id}` })).join('\n');
    await mailer.send({
      to: person.email!,
      subject: t('moderation:remind.subject', { count: mine.length, minutes }),
      text: `${t('moderation:remind.hello', { name: person.display_name })}\n\n${t('moderation:remind.intro', { minutes })}\n\n${lines}\n\n${t('moderation:remind.queue', { url: `${siteUrl}/moderation/queue` })}\n`,
    });
  }
  return mine.length;
}

/** Checks once a minute, on one server of the fleet (a scheduled job, src/jobs; a failure is logged and retried next minute). */
export async function startReviewReminders(app: FastifyInstance): Promise<void> {
  const minutes = app.config.REVIEW_REMIND_MINUTES;
  if (minutes <= 0 || app.config.NODE_ENV === 'test') return;
  await app.jobs.work('review-reminders', async () => void (await remindWaitingReviews(app.database.db, app.mailer, app.config.publicUrl, minutes, Date.now(), app.config.DEFAULT_LOCALE)));
  await app.jobs.schedule('review-reminders', { seconds: 60 });
}
