// E-mails for notifications, sent by a sweep out of the request path (every minute in each
// server process). A notification is e-mailed when its kind is set to e-mail, it is still unread
// after the delay (nothing is sent for what the person already saw in the app), and the person
// may still read the topic. Each row is claimed with a conditional update, so several worker
// processes never send it twice; a failed send un-claims it and the next sweeps retry it with a
// growing pause (1, 2, 4 … minutes), up to MAX_ATTEMPTS. The state lives in the database, so a
// restart loses nothing. @mentions go this way too (they were once e-mailed at once, whatever the
// person's settings, by a job of their own: notify-mentions.ts, removed).
import type { Kysely } from 'kysely';
import { loadActor } from '../accounts/find-user.ts';
import type { DB } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { can } from '../policy/policy.ts';
import { escapeHtml } from '../search/snippet.ts';
import { describeGroup, urlOf } from './list-notifications.ts';
import { isModerationKind } from './notify-moderation.ts';
import { displayCensor } from '../moderation/censor-display.ts';
import { kindLabel, preferencesOf } from './preferences.ts';
import { mailTranslator } from '../mail/recipient-language.ts';
import { unsubscribeQuery } from './unsubscribe-token.ts';

const BATCH = 100;
export const MAX_ATTEMPTS = 8;

export interface SweepOptions {
  siteUrl: string;
  siteName: string;
  secret: string;
  delayMs: number;
  now?: number;
}

export async function sendNotificationEmails(db: Kysely<DB>, mailer: Mailer, opts: SweepOptions): Promise<{ sent: number; failed: number }> {
  const now = opts.now ?? Date.now();
  const due = await db
    .selectFrom('notifications')
    .select(['id', 'kind', 'created_at', 'email_attempts'])
    .where('emailed_at', 'is', null)
    // A warning or restriction goes at once: a suspended member cannot see it in the app.
    .where((eb) => eb.or([eb('created_at', '<=', new Date(now - opts.delayMs).toISOString()), eb.and([eb('kind', '=', 'account'), eb('created_at', '<=', new Date(now).toISOString())])]))
    .orderBy('created_at')
    .limit(BATCH)
    .execute();
  let sent = 0;
  let failed = 0;
  for (const n of due) {
    // Back off after failures: the k-th retry waits 2^(k-1) minutes after the delay.
    if (n.email_attempts > 0 && Date.parse(n.created_at) + (n.kind === 'account' ? 0 : opts.delayMs) + (2 ** (n.email_attempts - 1)) * 60_000 > now) continue;
    const claimed = await db.updateTable('notifications').set({ emailed_at: new Date(now).toISOString() }).where('id', '=', n.id).where('emailed_at', 'is', null).executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue; // another process has it
    try {
      if (await sendOne(db, mailer, opts, n.id)) sent++;
    } catch {
      failed++;
      const attempts = n.email_attempts + 1;
      // Un-claimed for a retry, unless it has failed too often (then it stays claimed: given up).
      await db.updateTable('notifications').set({ email_attempts: attempts, ...(attempts < MAX_ATTEMPTS ? { emailed_at: null } : {}) }).where('id', '=', n.id).execute();
    }
  }
  return { sent, failed };
}

/** Sends one notification's e-mail if it is still wanted; false when there was nothing to send. */
async function sendOne(db: Kysely<DB>, mailer: Mailer, opts: SweepOptions, id: number): Promise<boolean> {
  const n = await db
    .selectFrom('notifications as n')
    .innerJoin('users as u', 'u.id', 'n.user_id')
    .leftJoin('topics as t', 't.id', 'n.topic_id')
    .leftJoin('boards as b', 'b.id', 't.board_id')
    .leftJoin('posts as p', 'p.id', 'n.post_id')
    .leftJoin('users as a', 'a.id', 'n.actor_id')
    .select([
      'n.id', 'n.kind', 'n.read_at', 'n.user_id', 'u.email', 'u.display_name', 'u.locale', 'u.deleted_at as user_deleted', 't.id as topic_id', 't.slug', 't.title',
      't.locked', 't.closed', 't.deleted_at as topic_deleted', 'b.visibility', 'p.post_number', 'p.body_text', 'p.deleted_at as post_deleted',
      'a.display_name as actor_name', 'a.deleted_at as actor_deleted', 'p.hidden_at as post_hidden', 'n.topic_id as notice_topic',
      'n.outcome', 'n.reason', 'n.until_at', 'n.subject_title',
    ])
    .where('n.id', '=', id)
    .executeTakeFirst();
  if (!n || n.read_at || !n.email || n.user_deleted || n.post_deleted || n.post_hidden) return false;
  if ((await preferencesOf(db, n.user_id))[n.kind] !== 'email') return false;
  const reader = await loadActor(db, n.user_id);
  if (!reader) return false;
  // A notification about a topic goes only to someone who may still read it (a moderation
  // notice without a topic is about the person themself).
  const topic = n.topic_id !== null && n.slug !== null && n.title !== null && n.visibility !== null ? { id: n.topic_id, slug: n.slug, title: n.title } : null;
  if (n.notice_topic !== null && (!topic || !can(reader, 'topic.view', { board: { visibility: n.visibility! }, locked: !!n.locked, closed: !!n.closed, deleted: !!n.topic_deleted }))) return false;

  const notice = isModerationKind(n.kind);
  // In the recipient's language.
  const { t } = mailTranslator(mailer, n.locale);
  const actor = n.actor_name && !n.actor_deleted ? n.actor_name : t('mail:notification.someone');
  const what = describeGroup({ kind: n.kind, count: 1, actors: [actor], notice: { outcome: n.outcome, reason: n.reason, until_at: n.until_at, title: n.subject_title } }, t);
  const url = `${opts.siteUrl}${urlOf({ kind: n.kind, topic }, n.post_number ?? 1)}`;
  // Posts are shown censored (watched words 'censor'), so their excerpts are too.
  const censor = await displayCensor(db);
  const body = censor ? censor(n.body_text ?? '') : (n.body_text ?? '');
  const excerpt = notice ? (n.reason ? t('mail:notification.reason', { reason: n.reason }) : '') : body.length > 500 ? `${body.slice(0, 500)}…` : body;
  const title = topic?.title ?? n.subject_title ?? '';
  const decided = notice ? t(`mail:notification.moderationSubject.${n.kind}`) : what;
  const subject = notice && !title ? decided : t('mail:notification.headline', { what: decided, title });
  const unsubscribe = `${opts.siteUrl}/notifications/unsubscribe?${unsubscribeQuery(opts.secret, { userId: n.user_id, kind: n.kind })}`;
  const settings = `${opts.siteUrl}/notifications`;
  const stop = t('mail:notification.because', { kind: kindLabel(n.kind, t) });
  const headline = title ? t('mail:notification.headline', { what, title }) : what;
  // The title as a link: the headline's words around it, escaped, with the link put in its place.
  const marker = '\u0000title\u0000';
  const headlineHtml = title ? escapeHtml(t('mail:notification.headlineLinked', { what, title: marker })).replace(marker, () => `<a href="${escapeHtml(url)}">${escapeHtml(title)}</a>`) : escapeHtml(what);
  await mailer.send({
    to: n.email,
    subject,
    text: `${t('mail:helloName', { name: n.display_name })}\n\n${headline}\n\n${excerpt}\n\n${t('mail:notification.readIt', { url })}\n\n--\n${stop}\n${t('mail:notification.stopLink', { url: unsubscribe })}\n${t('mail:notification.allChoicesLink', { url: settings })}\n`,
    html:
      `<p>${escapeHtml(t('mail:helloName', { name: n.display_name }))}</p><p>${headlineHtml}</p>` +
      (excerpt ? `<blockquote>${escapeHtml(excerpt).replace(/\n/g, '<br>')}</blockquote>` : '') +
      `<p><a href="${escapeHtml(url)}">${escapeHtml(t('mail:notification.readOn', { site: opts.siteName }))}</a></p><hr><p style="font-size:small">${escapeHtml(stop)} <a href="${escapeHtml(unsubscribe)}">${escapeHtml(t('mail:notification.stop'))}</a> · <a href="${escapeHtml(settings)}">${escapeHtml(t('mail:notification.allChoices'))}</a></p>`,
    headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  });
  return true;
}
