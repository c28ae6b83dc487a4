// The staff action log as people read it (/moderation/log): each line's action in words, in the
// reader's language; its target (and the topics, posts, people and boards its detail names) by
// name or title, linked when the reader may see them; dates formatted for the language. The log
// itself stays as written (codes such as "topic.move" and "topic:63", searched by the filters and
// exported as they are in the CSV).
import type { Kysely } from 'kysely';
import type { BoardVisibility, DB } from '../db/schema.ts';
import { can, type Actor } from '../policy/policy.ts';
import type { T } from '../i18n/index.ts';
import { viewHelpers } from '../web/view-helpers.ts';
import { POSTS_PER_PAGE } from '../community/show-topic.ts';
import { articleUrl } from '../knowledge/articles.ts';
import type { searchStaffLog } from './staff-log.ts';

type LogRow = Awaited<ReturnType<typeof searchStaffLog>>[number];

/** Something a line names: its words, and where it leads when the reader may go there. */
export interface LogRef {
  code: string;
  label: string;
  href: string | null;
}

/** A piece of a line's detail: words, or a named thing. */
export type LogSegment = { text: string } | { ref: LogRef };

export interface LogLine {
  id: number;
  at: string;
  actor_name: string;
  /** The code as logged ("topic.move"), and in words. */
  action: string;
  actionLabel: string;
  target: LogRef;
  reason: string;
  detail: LogSegment[];
}

// Actions that have words in the catalogue (moderation:log.actions.*); others show their code.
const KNOWN_ACTIONS = new Set([
  'topic.move', 'topic.merge', 'topic.split',
  'post.hide', 'post.keep', 'post.edit', 'post.delete', 'post.redact',
  'draft.approve', 'draft.approve-masked', 'draft.return', 'draft.reject',
  'review.claim',
  'user.warn', 'user.silence', 'user.suspend', 'user.lift', 'user.view_private', 'user.resetTwoFactor',
  'role.grant', 'role.revoke',
  'board_moderator.add', 'board_moderator.remove',
  'watched_word.add', 'watched_word.remove',
  'settings.limits', 'settings.tone',
  'article.unpublish',
]);

const ROLES = new Set(['member', 'employee', 'moderator', 'community_manager', 'admin']);
const REF = /\b(topic|post|user|review|draft|board|article):(\d{1,10})\b/g;
// The settings a line can change (settings:<name>, as settings.ts and tone.ts log them), with
// their words, and the new-member limits in the order the settings page shows them.
const SETTINGS: Record<string, string> = { 'settings:moderation': 'moderation:log.ref.limits', 'settings:tone': 'moderation:log.ref.tone' };
const LIMITS = ['firstPostsHeld', 'newPerMinute', 'newPerHour', 'trustedPerMinute', 'trustedPerHour', 'newMaxLinks'];
const WATCHED_ACTIONS = new Set(['block', 'hold', 'censor', 'flag']);
// As watched-words.ts logs an added entry: "censor: word", "block (regex): pattern".
const WATCHED_DETAIL = /^(\w+)( \(regex\))?: ([\s\S]*)$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

export async function presentStaffLog(db: Kysely<DB>, actor: Actor | null, rows: LogRow[], t: T, dateTime: (iso: string) => string): Promise<LogLine[]> {
  // Every id the lines name, by kind, looked up in one query per kind.
  const wanted: Record<string, Set<number>> = { topic: new Set(), post: new Set(), user: new Set(), board: new Set(), article: new Set() };
  for (const r of rows) for (const s of [r.target, r.detail]) for (const m of s.matchAll(REF)) wanted[m[1]!]?.add(Number(m[2]));
  const ids = (k: string) => [...wanted[k]!].filter((n) => n <= 2_147_483_647);
  const [topics, posts, users, boards, articles] = await Promise.all([
    ids('topic').length
      ? db.selectFrom('topics').innerJoin('boards', 'boards.id', 'topics.board_id')
        .select(['topics.id', 'topics.title', 'topics.slug', 'topics.locked', 'topics.closed', 'topics.deleted_at', 'topics.board_id', 'boards.visibility'])
        .where('topics.id', 'in', ids('topic')).execute()
      : [],
    ids('post').length
      ? db.selectFrom('posts').innerJoin('topics', 'topics.id', 'posts.topic_id').innerJoin('boards', 'boards.id', 'topics.board_id')
        .select(['posts.id', 'posts.post_number', 'posts.user_id', 'posts.deleted_at as post_deleted', 'posts.hidden_at', 'topics.id as topic_id', 'topics.title', 'topics.slug', 'topics.locked', 'topics.closed', 'topics.deleted_at', 'topics.board_id', 'boards.visibility'])
        .where('posts.id', 'in', ids('post')).execute()
      : [],
    ids('user').length ? db.selectFrom('users').select(['id', 'username', 'display_name', 'deleted_at']).where('id', 'in', ids('user')).execute() : [],
    ids('board').length ? db.selectFrom('boards').select(['id', 'slug', 'name', 'visibility']).where('id', 'in', ids('board')).execute() : [],
    ids('article').length ? db.selectFrom('articles').select(['id', 'slug', 'title', 'status']).where('id', 'in', ids('article')).execute() : [],
  ]);
  const topicSubject = (x: { board_id: number; visibility: BoardVisibility; locked: number; closed: number; deleted_at: string | null }) =>
    ({ board: { id: x.board_id, visibility: x.visibility }, locked: !!x.locked, closed: !!x.closed, deleted: !!x.deleted_at });
  const refs = new Map<string, LogRef>();
  for (const x of topics) {
    const code = `topic:${x.id}`;
    if (can(actor, 'topic.view', topicSubject(x))) refs.set(code, { code, label: x.title, href: viewHelpers.topicUrl(x) });
  }
  for (const x of posts) {
    const code = `post:${x.id}`;
    if (!can(actor, 'post.view', { ...topicSubject(x), postDeleted: !!x.post_deleted, postHidden: !!x.hidden_at, authorId: x.user_id })) continue;
    const page = Math.ceil(x.post_number / POSTS_PER_PAGE);
    refs.set(code, { code, label: t('moderation:log.ref.postIn', { number: x.post_number, title: x.title }), href: `${viewHelpers.topicUrl({ id: x.topic_id, slug: x.slug }, page)}#post-${x.post_number}` });
  }
  for (const x of users) {
    const code = `user:${x.id}`;
    // The name alone, linked to the profile: a composed "name (@handle)" is text no catalogue holds.
    if (!x.deleted_at) refs.set(code, { code, label: x.display_name, href: viewHelpers.userUrl(x.username) });
  }
  for (const x of boards) {
    const code = `board:${x.id}`;
    if (can(actor, 'board.view', x)) refs.set(code, { code, label: x.name, href: viewHelpers.boardUrl(x.slug) });
  }
  for (const x of articles) {
    const code = `article:${x.id}`;
    // An unpublished article is a draft: named and linked for those who may read drafts.
    if (can(actor, 'article.view', x)) refs.set(code, { code, label: x.title, href: articleUrl(x.slug) });
  }
  const ref = (code: string): LogRef => {
    const known = refs.get(code);
    if (known) return known;
    const [kind, id] = code.split(':') as [string, string];
    if (kind === 'review') return { code, label: t('moderation:log.ref.review', { id }), href: `/moderation/items/${id}` };
    if (kind === 'draft') return { code, label: t('moderation:log.ref.draft', { id }), href: `/moderation/held/${id}` };
    if (['topic', 'post', 'user', 'board', 'article'].includes(kind) && /^\d+$/.test(id ?? '')) return { code, label: t(`moderation:log.ref.${kind}`, { id }), href: null };
    // Settings and watched words live on the moderation settings page (for those who may change them).
    const settingsHref = can(actor, 'watchedWords.manage', null) ? '/moderation/settings' : null;
    if (SETTINGS[code]) return { code, label: t(SETTINGS[code]!), href: settingsHref };
    if (kind === 'watched_word' && /^\d+$/.test(id ?? '')) return { code, label: t('moderation:log.ref.watchedWord', { id }), href: settingsHref };
    return { code, label: code, href: null };
  };
  // Words and names in a detail: the English phrases the log writes, in the reader's language.
  const detail = (r: LogRow): LogSegment[] => {
    const d = r.detail;
    if (!d) return [];
    let m: RegExpMatchArray | null;
    if ((m = d.match(/^until (\S+)$/)) && ISO.test(m[1]!)) return [{ text: t('moderation:log.detail.until', { date: dateTime(m[1]!) }) }];
    if ((m = d.match(/^into (topic:\d+)$/))) return [{ text: t('moderation:log.detail.into') }, { ref: ref(m[1]!) }];
    if ((m = d.match(/^(\d+) posts? into (topic:\d+)$/))) return [{ text: t('moderation:log.detail.postsInto', { count: Number(m[1]) }) }, { ref: ref(m[2]!) }];
    if ((m = d.match(/^(\d+) places?$/))) return [{ text: t('moderation:log.detail.places', { count: Number(m[1]) }) }];
    if ((m = d.match(/^(\d+) phrases?$/))) return [{ text: t('moderation:log.detail.phrases', { count: Number(m[1]) }) }];
    if ((m = d.match(/^((?:topic|post|user|review|draft|board):\d+)$/))) return [{ ref: ref(m[1]!) }];
    if (r.action.startsWith('role.') && ROLES.has(d)) return [{ text: t(`admin:roles.${d}`) }];
    if (r.action === 'settings.limits') return limits(d);
    if (r.action === 'watched_word.add' && (m = d.match(WATCHED_DETAIL)) && WATCHED_ACTIONS.has(m[1]!)) {
      const kind = t(m[2] ? 'moderation:settings.kindRegex' : 'moderation:settings.kindWord');
      return [{ text: t('moderation:log.detail.watchedWord', { pattern: m[3]!, kind, action: t(`moderation:settings.watchedAction.${m[1]}`) }) }];
    }
    return [{ text: d }];
  };
  // The new limits, as the settings page names them ("Posts per minute, new members: 10; …"),
  // not the JSON that was logged; text that is not such JSON is shown as it is.
  const limits = (d: string): LogSegment[] => {
    let saved: unknown;
    try {
      saved = JSON.parse(d);
    } catch {
      return [{ text: d }];
    }
    if (!saved || typeof saved !== 'object' || Array.isArray(saved)) return [{ text: d }];
    const values = saved as Record<string, unknown>;
    const parts = LIMITS.filter((k) => typeof values[k] === 'number').map((k) => t('moderation:log.detail.setting', { name: t(`moderation:settings.${k}`), value: values[k] }));
    return parts.length ? [{ text: parts.join(t('moderation:log.detail.settingsSeparator')) }] : [{ text: d }];
  };
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor_name: r.actor_name,
    action: r.action,
    actionLabel: KNOWN_ACTIONS.has(r.action) ? t(`moderation:log.actions.${r.action}`) : r.action,
    target: ref(r.target),
    reason: r.reason,
    detail: detail(r),
  }));
}
