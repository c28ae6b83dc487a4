// Moderation outcomes as notifications (issue 13): the reporter hears what became of their
// report, an author what a moderator did to their post or held draft, a member of a warning or
// restriction with the reason and until when. In the app and, per the person's choice for the
// kind, by e-mail through the notification sweep (send-notification-emails.ts). The moderator
// is not named ("the moderators"). A notice points at a topic only if the person may read it
// now; otherwise it says what was decided and nothing about the content.
import type { Kysely } from 'kysely';
import { loadActor } from '../accounts/find-user.ts';
import type { DB, ModerationNoticeKind } from '../db/schema.ts';
import { can } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { preferencesOf } from './preferences.ts';
import { emitLive } from './live.ts';
import { en, type T } from '../i18n/index.ts';

export interface ModerationNotice {
  userId: number;
  kind: ModerationNoticeKind;
  /** report: keep | approve-edited | hide | delete; moderated: the same; draft: approved | approved-masked | returned | rejected; account: warn | silence | suspend | lift */
  outcome: string;
  reason?: string;
  until?: string | null;
  topicId?: number | null;
  postId?: number | null;
  /** A held draft's title, for a draft that is not (or not yet) a topic: its author's own words. */
  title?: string | null;
}

/** Stores the notice unless the person turned the kind off; true when stored. */
export async function notifyModeration(db: Kysely<DB>, notice: ModerationNotice, at = nowIso()): Promise<boolean> {
  const reader = await loadActor(db, notice.userId);
  if (!reader) return false; // a deleted account
  if ((await preferencesOf(db, notice.userId))[notice.kind] === 'off') return false;
  let topicId = notice.topicId ?? null;
  let postId = notice.postId ?? null;
  if (topicId !== null) {
    const t = await db.selectFrom('topics').innerJoin('boards', 'boards.id', 'topics.board_id').select(['topics.locked', 'topics.closed', 'topics.deleted_at', 'boards.visibility']).where('topics.id', '=', topicId).executeTakeFirst();
    if (!t || !can(reader, 'topic.view', { board: { visibility: t.visibility }, locked: !!t.locked, closed: !!t.closed, deleted: !!t.deleted_at })) {
      topicId = null; // no title, no link: only that something was decided
      postId = null;
    }
  }
  if (postId !== null) {
    const p = await db.selectFrom('posts').select(['deleted_at', 'hidden_at']).where('id', '=', postId).executeTakeFirst();
    if (!p || p.deleted_at || p.hidden_at) postId = null;
  }
  await db
    .insertInto('notifications')
    .values({
      user_id: notice.userId, kind: notice.kind, actor_id: null, topic_id: topicId, post_id: postId, created_at: at, read_at: null,
      outcome: notice.outcome, reason: notice.reason?.trim() || null, until_at: notice.until ?? null, subject_title: notice.title ?? null,
    })
    .execute();
  emitLive({ kind: 'bell', userId: notice.userId });
  return true;
}

// Each kind's outcomes that have their own sentence (notifications:notice.KIND.OUTCOME); any
// other outcome gets the kind's general one (notifications:notice.KIND.other). Stored as kind and
// outcome, so each reader gets the sentence in their own language.
const OUTCOMES: Record<ModerationNoticeKind, readonly string[]> = {
  report: ['keep', 'approve-edited', 'hide', 'delete'],
  moderated: ['approve-edited', 'hide', 'delete'],
  draft: ['approved', 'approved-masked', 'returned', 'rejected'],
  account: ['warn', 'silence', 'suspend'],
};

/** One sentence for a notice, without the topic (shown beside it) or the reason (shown under it). */
export function describeNotice(n: { kind: ModerationNoticeKind; outcome: string | null; until_at: string | null }, t: T = en): string {
  const o = n.outcome ?? '';
  const known = OUTCOMES[n.kind].includes(o) ? o : 'other';
  return t(`notifications:notice.${n.kind}.${known}`, n.kind === 'account' ? { day: n.until_at?.slice(0, 10) ?? '' } : undefined);
}

export const MODERATION_KINDS: readonly ModerationNoticeKind[] = ['report', 'moderated', 'draft', 'account'];
export const isModerationKind = (k: string): k is ModerationNoticeKind => (MODERATION_KINDS as readonly string[]).includes(k);
