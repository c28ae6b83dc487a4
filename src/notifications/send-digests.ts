// The digest e-mail (issue 14, point 4): daily or weekly, as each person chose on the
// notifications page, with what is new in what they watch (topics they watch or took part in, and
// new topics in boards they watch) and the popular topics of the period. Read as the person may
// read now: boards they may see, nothing deleted or hidden, nothing they wrote, nothing they
// already read in the app; posts censored as they are shown (watched words 'censor').
//
// Idempotent per person and period: the period ('2026-12-03', or the ISO week '2026-W49') is
// claimed with a conditional update before sending, so a restart, a second sweep or a second
// server never sends it twice; a failed send gives the claim back for the next sweep. A period
// with nothing new sends nothing.
import type { Kysely } from 'kysely';
import { loadActor } from '../accounts/find-user.ts';
import type { DB } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { visibleBoardKinds } from '../policy/policy.ts';
import { POSTS_PER_PAGE } from '../community/show-topic.ts';
import { displayCensor } from '../moderation/censor-display.ts';
import { escapeHtml } from '../search/snippet.ts';
import { unsubscribeQuery } from './unsubscribe-token.ts';
import { mailTranslator } from '../mail/recipient-language.ts';

export type DigestFrequency = 'off' | 'daily' | 'weekly';
export const DIGEST_FREQUENCIES: readonly DigestFrequency[] = ['off', 'daily', 'weekly'];

export interface DigestOptions {
  siteUrl: string;
  siteName: string;
  secret: string;
  /** People handled per call (the rest wait for the next sweep). */
  batch?: number;
}

const WATCHED_SHOWN = 20;
const POPULAR_SHOWN = 5;
const EXCERPT = 200;
const DAY = 86_400_000;

/** The period a time falls in: the UTC day, or the ISO week (Monday to Sunday). */
export function digestPeriod(frequency: 'daily' | 'weekly', now: number): string {
  const d = new Date(now);
  if (frequency === 'daily') return d.toISOString().slice(0, 10);
  // ISO week: the week of the Thursday of this week (Monday to Sunday); week 1 has the year's first Thursday.
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 4 - (d.getUTCDay() || 7)));
  const week = Math.ceil(((thursday.getTime() - Date.UTC(thursday.getUTCFullYear(), 0, 1)) / DAY + 1) / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export async function setDigest(db: Kysely<DB>, userId: number, frequency: string): Promise<void> {
  if (!(DIGEST_FREQUENCIES as readonly string[]).includes(frequency)) return;
  const at = new Date().toISOString();
  const digest = frequency as DigestFrequency;
  await db
    .insertInto('notification_settings')
    .values({ user_id: userId, digest, updated_at: at })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ digest, updated_at: at }))
    .execute();
}

export async function digestOf(db: Kysely<DB>, userId: number): Promise<DigestFrequency> {
  const row = await db.selectFrom('notification_settings').select('digest').where('user_id', '=', userId).executeTakeFirst();
  return row?.digest ?? 'off';
}

export async function sendDigests(db: Kysely<DB>, mailer: Mailer, opts: DigestOptions, now = Date.now()): Promise<{ sent: number; empty: number; failed: number }> {
  const daily = digestPeriod('daily', now);
  const weekly = digestPeriod('weekly', now);
  const due = await db
    .selectFrom('notification_settings as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.user_id', 's.digest', 's.digest_period', 's.digest_sent_at'])
    .where('u.deleted_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('s.digest', '=', 'daily'), eb.or([eb('s.digest_period', 'is', null), eb('s.digest_period', '<>', daily)])]),
        eb.and([eb('s.digest', '=', 'weekly'), eb.or([eb('s.digest_period', 'is', null), eb('s.digest_period', '<>', weekly)])]),
      ]),
    )
    .orderBy('s.user_id')
    .limit(opts.batch ?? 200)
    .execute();
  const result = { sent: 0, empty: 0, failed: 0 };
  for (const row of due) {
    if (row.digest === 'off') continue;
    const period = row.digest === 'daily' ? daily : weekly;
    const at = new Date(now).toISOString();
    // The claim: whoever moves the period first sends it.
    const claimed = await db
      .updateTable('notification_settings')
      .set({ digest_period: period, digest_sent_at: at })
      .where('user_id', '=', row.user_id)
      .where('digest', '=', row.digest)
      .where((eb) => (row.digest_period === null ? eb('digest_period', 'is', null) : eb('digest_period', '=', row.digest_period)))
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) continue;
    // Since the last digest, or for a first one the length of a period.
    const since = row.digest_sent_at ?? new Date(now - (row.digest === 'daily' ? DAY : 7 * DAY)).toISOString();
    try {
      if (await sendOne(db, mailer, opts, row.user_id, row.digest, since, at)) result.sent++;
      else result.empty++;
    } catch {
      result.failed++;
      await db.updateTable('notification_settings').set({ digest_period: row.digest_period, digest_sent_at: row.digest_sent_at }).where('user_id', '=', row.user_id).where('digest_period', '=', period).execute();
    }
  }
  return result;
}

interface DigestTopic {
  id: number;
  slug: string;
  title: string;
  board: string;
  count: number;
  firstNew: number;
  excerpt: string;
}

/** What is new for one person between `since` and `until`; nothing when there is nothing. */
export async function digestContent(db: Kysely<DB>, userId: number, since: string, until: string): Promise<{ watched: DigestTopic[]; popular: DigestTopic[] } | null> {
  const reader = await loadActor(db, userId);
  if (!reader) return null;
  const visible = visibleBoardKinds(reader);
  const autowatch = (await db.selectFrom('notification_settings').select('autowatch').where('user_id', '=', userId).executeTakeFirst())?.autowatch ?? 1;

  // New posts the person may read and has not read, by others, in the period.
  const fresh = () =>
    db
      .selectFrom('posts as p')
      .innerJoin('topics as t', 't.id', 'p.topic_id')
      .innerJoin('boards as b', 'b.id', 't.board_id')
      .leftJoin('topic_reads as r', (j) => j.onRef('r.topic_id', '=', 't.id').on('r.user_id', '=', userId))
      .where('p.created_at', '>', since)
      .where('p.created_at', '<=', until)
      .where('p.deleted_at', 'is', null)
      .where('p.hidden_at', 'is', null)
      .where('t.deleted_at', 'is', null)
      .where('b.visibility', 'in', visible)
      .where('p.user_id', '<>', userId)
      .where((eb) => eb.or([eb('r.last_read_post_number', 'is', null), eb('p.post_number', '>', eb.ref('r.last_read_post_number'))]))
      // Never what the person muted (the topic or its board).
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('watches as m').select('m.user_id').where('m.user_id', '=', userId).where('m.level', '=', 'muted')
              .where((w) => w.or([w.and([w('m.target', '=', 'topic'), w('m.target_id', '=', w.ref('t.id'))]), w.and([w('m.target', '=', 'board'), w('m.target_id', '=', w.ref('t.board_id'))])])),
          ),
        ),
      );

  const watchedRows = await fresh()
    .where((eb) =>
      eb.or([
        eb.exists(
          eb.selectFrom('watches as w').select('w.user_id').where('w.user_id', '=', userId).where('w.level', '=', 'watching')
            .where((w) => w.or([w.and([w('w.target', '=', 'topic'), w('w.target_id', '=', w.ref('t.id'))]), w.and([w('w.target', '=', 'board'), w('w.target_id', '=', w.ref('t.board_id'))])])),
        ),
        ...(autowatch ? [eb.exists(eb.selectFrom('posts as mine').select('mine.id').where('mine.user_id', '=', userId).where('mine.deleted_at', 'is', null).whereRef('mine.topic_id', '=', 't.id'))] : []),
      ]),
    )
    .select(['t.id', 't.slug', 't.title', 'b.name as board', 'p.post_number', 'p.body_text'])
    .orderBy('p.created_at')
    .orderBy('p.id')
    .limit(500)
    .execute();
  const censor = await displayCensor(db);
  const cut = (text: string) => {
    const t = (censor ? censor(text) : text).replace(/\s+/g, ' ').trim();
    return t.length > EXCERPT ? `${t.slice(0, EXCERPT)}…` : t;
  };
  const byTopic = new Map<number, DigestTopic>();
  for (const r of watchedRows) {
    const t = byTopic.get(r.id);
    if (t) t.count++;
    else byTopic.set(r.id, { id: r.id, slug: r.slug, title: r.title, board: r.board, count: 1, firstNew: r.post_number, excerpt: cut(r.body_text) });
  }
  const watched = [...byTopic.values()].slice(0, WATCHED_SHOWN);

  // Popular: the topics with the most new posts in the period, among those not listed above.
  const busiest = await fresh()
    .select(['t.id', (eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.min('p.post_number').as('first')])
    .groupBy('t.id')
    .orderBy('n', 'desc')
    .orderBy('t.id', 'desc')
    .limit(POPULAR_SHOWN + WATCHED_SHOWN)
    .execute();
  const picked = busiest.filter((b) => !byTopic.has(b.id)).slice(0, POPULAR_SHOWN);
  const popular: DigestTopic[] = [];
  if (picked.length) {
    const details = await db
      .selectFrom('topics as t')
      .innerJoin('boards as b', 'b.id', 't.board_id')
      .innerJoin('posts as p', 'p.topic_id', 't.id')
      .select(['t.id', 't.slug', 't.title', 'b.name as board', 'p.body_text'])
      .where('t.id', 'in', picked.map((p) => p.id))
      .where('p.post_number', '=', 1)
      .where('p.deleted_at', 'is', null)
      .where('p.hidden_at', 'is', null)
      .execute();
    const d = new Map(details.map((x) => [x.id, x]));
    for (const b of picked) {
      const x = d.get(b.id);
      if (x) popular.push({ id: x.id, slug: x.slug, title: x.title, board: x.board, count: Number(b.n), firstNew: Number(b.first), excerpt: cut(x.body_text) });
    }
  }
  if (!watched.length && !popular.length) return null;
  return { watched, popular };
}

async function sendOne(db: Kysely<DB>, mailer: Mailer, opts: DigestOptions, userId: number, frequency: 'daily' | 'weekly', since: string, until: string): Promise<boolean> {
  const user = await db.selectFrom('users').select(['email', 'display_name', 'locale']).where('id', '=', userId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!user?.email) return false;
  const content = await digestContent(db, userId, since, until);
  if (!content) return false;
  const link = (t: DigestTopic) => {
    const page = Math.ceil(t.firstNew / POSTS_PER_PAGE);
    return `${opts.siteUrl}/t/${t.slug}/${t.id}${page > 1 ? `?page=${page}` : ''}#post-${t.firstNew}`;
  };
  const unsubscribe = `${opts.siteUrl}/notifications/unsubscribe?${unsubscribeQuery(opts.secret, { userId, kind: 'digest' })}`;
  const settings = `${opts.siteUrl}/notifications`;
  const { t: say } = mailTranslator(mailer, user.locale); // the recipient's language
  const count = (t: DigestTopic, watched: boolean) => (t.count === 1 && watched && t.firstNew === 1 ? say('mail:digest.newTopic') : say('mail:digest.newPosts', { count: t.count }));
  const textSection = (heading: string, list: DigestTopic[], watched: boolean) =>
    list.length ? `${heading}\n\n${list.map((t) => `* ${t.title} (${t.board}, ${count(t, watched)})\n  ${t.excerpt}\n  ${link(t)}`).join('\n\n')}\n\n` : '';
  const htmlSection = (heading: string, list: DigestTopic[], watched: boolean) =>
    list.length
      ? `<h2>${escapeHtml(heading)}</h2><ul>${list.map((t) => `<li><a href="${escapeHtml(link(t))}">${escapeHtml(t.title)}</a> <small>(${escapeHtml(t.board)}, ${escapeHtml(count(t, watched))})</small><br>${escapeHtml(t.excerpt)}</li>`).join('')}</ul>`
      : '';
  const daily = frequency === 'daily';
  const stop = say(daily ? 'mail:digest.becauseDaily' : 'mail:digest.becauseWeekly');
  const hello = say('mail:helloName', { name: user.display_name });
  await mailer.send({
    to: user.email,
    subject: say(daily ? 'mail:digest.subjectDaily' : 'mail:digest.subjectWeekly', { site: opts.siteName }),
    text:
      `${hello}\n\n${say('mail:digest.intro')}\n\n` +
      textSection(say('mail:digest.watched'), content.watched, true) +
      textSection(say('mail:digest.popular'), content.popular, false) +
      `--\n${stop}\n${say('mail:digest.stopLink', { url: unsubscribe })}\n${say('mail:notification.allChoicesLink', { url: settings })}\n`,
    html:
      `<p>${escapeHtml(hello)}</p><p>${escapeHtml(say('mail:digest.intro'))}</p>` +
      htmlSection(say('mail:digest.watched'), content.watched, true) +
      htmlSection(say('mail:digest.popular'), content.popular, false) +
      `<hr><p style="font-size:small">${escapeHtml(stop)} <a href="${escapeHtml(unsubscribe)}">${escapeHtml(say('mail:digest.stop'))}</a> · <a href="${escapeHtml(settings)}">${escapeHtml(say('mail:notification.allChoices'))}</a></p>`,
    headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  });
  return true;
}
