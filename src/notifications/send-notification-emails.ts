// E-mails for notifications, sent by a sweep out of the request path (every minute in each
// server process). A notification is e-mailed when its kind is set to e-mail, it is still unread
// after the delay (nothing is sent for what the person already saw in the app), and the person
// may still read the topic. Each row is claimed with a conditional update, so several worker
// processes never send it twice; a failed send un-claims it and the next sweeps retry it with a
// growing pause (1, 2, 4 … minutes), up to MAX_ATTEMPTS. The state lives in the database, so a
// restart loses nothing. @mentions keep their immediate e-mail (notify-mentions.ts).
import type { Kysely } from 'kysely';
import { loadActor } from '../accounts/find-user.ts';
import type { DB } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { can } from '../policy/policy.ts';
import { POSTS_PER_PAGE } from '../community/show-topic.ts';
import { escapeHtml } from '../search/snippet.ts';
import { describeGroup } from './list-notifications.ts';
import { KIND_LABELS, preferencesOf } from './preferences.ts';
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
    .select(['id', 'created_at', 'email_attempts'])
    .where('emailed_at', 'is', null)
    .where('created_at', '<=', new Date(now - opts.delayMs).toISOString())
    .orderBy('created_at')
    .limit(BATCH)
    .execute();
  let sent = 0;
  let failed = 0;
  for (const n of due) {
    // Back off after failures: the k-th retry waits 2^(k-1) minutes after the delay.
    if (n.email_attempts > 0 && Date.parse(n.created_at) + opts.delayMs + (2 ** (n.email_attempts - 1)) * 60_000 > now) continue;
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
    .innerJoin('topics as t', 't.id', 'n.topic_id')
    .innerJoin('boards as b', 'b.id', 't.board_id')
    .leftJoin('posts as p', 'p.id', 'n.post_id')
    .leftJoin('users as a', 'a.id', 'n.actor_id')
    .select([
      'n.id', 'n.kind', 'n.read_at', 'n.user_id', 'u.email', 'u.display_name', 'u.deleted_at as user_deleted', 't.id as topic_id', 't.slug', 't.title',
      't.locked', 't.closed', 't.deleted_at as topic_deleted', 'b.visibility', 'p.post_number', 'p.body_text', 'p.deleted_at as post_deleted',
      'a.display_name as actor_name', 'a.deleted_at as actor_deleted',
    ])
    .where('n.id', '=', id)
    .executeTakeFirst();
  if (!n || n.read_at || !n.email || n.user_deleted || n.post_deleted || n.kind === 'mention') return false;
  if ((await preferencesOf(db, n.user_id))[n.kind] !== 'email') return false;
  const reader = await loadActor(db, n.user_id);
  if (!reader || !can(reader, 'topic.view', { board: { visibility: n.visibility }, locked: !!n.locked, closed: !!n.closed, deleted: !!n.topic_deleted })) return false;

  const actor = n.actor_name && !n.actor_deleted ? n.actor_name : 'Someone';
  const what = describeGroup({ kind: n.kind, count: 1, actors: [actor] });
  const page = Math.ceil((n.post_number ?? 1) / POSTS_PER_PAGE);
  const url = `${opts.siteUrl}/t/${n.slug}/${n.topic_id}${page > 1 ? `?page=${page}` : ''}#post-${n.post_number ?? 1}`;
  const excerpt = (n.body_text ?? '').length > 500 ? `${n.body_text!.slice(0, 500)}…` : (n.body_text ?? '');
  const unsubscribe = `${opts.siteUrl}/notifications/unsubscribe?${unsubscribeQuery(opts.secret, { userId: n.user_id, kind: n.kind })}`;
  const settings = `${opts.siteUrl}/notifications`;
  const stop = `You get this because "${KIND_LABELS[n.kind]}" is set to e-mail.`;
  await mailer.send({
    to: n.email,
    subject: `${what}: “${n.title}”`,
    text: `Hello ${n.display_name},\n\n${what}: “${n.title}”\n\n${excerpt}\n\nRead it: ${url}\n\n--\n${stop}\nStop these e-mails: ${unsubscribe}\nAll your choices: ${settings}\n`,
    html:
      `<p>Hello ${escapeHtml(n.display_name)},</p><p>${escapeHtml(what)}: <a href="${escapeHtml(url)}">${escapeHtml(n.title)}</a></p>` +
      (excerpt ? `<blockquote>${escapeHtml(excerpt).replace(/\n/g, '<br>')}</blockquote>` : '') +
      `<p><a href="${escapeHtml(url)}">Read it on ${escapeHtml(opts.siteName)}</a></p><hr><p style="font-size:small">${escapeHtml(stop)} <a href="${escapeHtml(unsubscribe)}">Stop these e-mails</a> · <a href="${escapeHtml(settings)}">All your choices</a></p>`,
    headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  });
  return true;
}
