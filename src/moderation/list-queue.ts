// The one review queue (issue 13, point 2): every open item, oldest first, whatever its kind,
// with why it is there and who claimed it; and one item with what a moderator needs to decide.
import { assertItemInScope, scopeItems } from './queue-scope.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { NotFoundError, say, text, type Text } from '../shared/errors.ts';
import { en, type T } from '../i18n/index.ts';
import type { ReviewFinding } from './queue-items.ts';
import { REPORT_REASONS } from './report-post.ts';

const REASONS = ['reported', 'reported_conversation', 'asked', 'guard', 'first_post', 'watched_word'];
/** Why an item waits, as a catalogue key (said in the reader's language where it is shown). */
export const reasonKey = (r: string): string => (REASONS.includes(r) ? `moderation:reason.${r}` : r.replace(/_/g, ' '));
/** Why an item waits, in words (English by default: e-mails and logs pass their language's t). */
export const reasonLabel = (r: string, t: T = en): string => say(t, reasonKey(r));
/** A report's reason as a catalogue key. */
const reportReasonKey = (r: string): string => (Object.hasOwn(REPORT_REASONS, r) ? `moderation:reportReason.${r}` : r);

const items = (db: Kysely<DB>) =>
  db
    .selectFrom('review_items')
    .leftJoin('users as claimer', 'claimer.id', 'review_items.claimed_by')
    .leftJoin('users as decider', 'decider.id', 'review_items.decided_by')
    .leftJoin('boards', 'boards.id', 'review_items.board_id')
    .selectAll('review_items')
    .select(['claimer.display_name as claimer_name', 'decider.display_name as decider_name', 'boards.name as board_name']);

/** A comment on one line of the queue (the item's page has all of it). */
const shorten = (s: string, max = 160): string => (s.length > max ? `${s.slice(0, max - 1).trimEnd()}…` : s);

type ItemRow = Awaited<ReturnType<ReturnType<typeof items>['execute']>>[number];

/** What each item is about, in a line: a draft's title or topic, a post's topic and author. */
async function describe(db: Kysely<DB>, rows: ItemRow[]) {
  const draftIds = rows.filter((r) => r.kind === 'draft').map((r) => r.subject_id);
  const postIds = rows.filter((r) => r.kind === 'post').map((r) => r.subject_id);
  const conversationIds = rows.filter((r) => r.kind === 'conversation').map((r) => r.subject_id);
  // A reported conversation shows its subject only; moderators open it (a logged access) from its link.
  const conversations = new Map(
    (conversationIds.length ? await db.selectFrom('conversations').select(['id', 'subject']).where('id', 'in', conversationIds).execute() : []).map((c) => [c.id, c.subject]),
  );
  const drafts = draftIds.length
    ? await db.selectFrom('held_drafts').innerJoin('users', 'users.id', 'held_drafts.author_id').leftJoin('topics', 'topics.id', 'held_drafts.topic_id').leftJoin('users as reviewer', 'reviewer.id', 'held_drafts.reviewer_id')
      .select(['held_drafts.id', 'held_drafts.title', 'held_drafts.status', 'held_drafts.reviewer_comment', 'reviewer.display_name as reviewer_name', 'topics.title as topic_title', 'users.display_name as author', 'users.avatar as author_avatar']).where('held_drafts.id', 'in', draftIds).execute()
    : [];
  const posts = postIds.length
    ? await db.selectFrom('posts').innerJoin('topics', 'topics.id', 'posts.topic_id').innerJoin('users', 'users.id', 'posts.user_id')
      .select(['posts.id', 'posts.post_number', 'posts.hidden_at', 'topics.title as topic_title', 'users.display_name as author', 'users.avatar as author_avatar']).where('posts.id', 'in', postIds).execute()
    : [];
  const reports = postIds.length
    ? await db.selectFrom('post_reports').select(['post_id', 'reason']).where('post_id', 'in', postIds).where('outcome', 'is', null).execute()
    : [];
  const d = new Map(drafts.map((x) => [x.id, x]));
  const p = new Map(posts.map((x) => [x.id, x]));
  return rows.map((r) => {
    const findings = JSON.parse(r.findings) as ReviewFinding[];
    const base = { ...r, findings, why: reasonKey(r.reason), findingTypes: [...new Set(findings.map((f) => f.type))] };
    if (r.kind === 'draft') {
      const x = d.get(r.subject_id);
      // Waiting again after the team returned it (the draft keeps that return's comment): what they said then.
      const returnedBefore = x && x.status === 'pending' && x.reviewer_comment ? { name: x.reviewer_name ?? '', comment: shorten(x.reviewer_comment) } : null;
      return { ...base, href: `/moderation/held/${r.subject_id}`, what: x ? (x.title ? text('moderation:what.title', { title: x.title }) : x.topic_title ? text('moderation:what.draftReply', { topic: x.topic_title }) : text('moderation:what.draftReplyNoTopic')) : text('moderation:what.draft'), author: x?.author ?? '', authorAvatar: x?.author_avatar ?? null, reports: [] as Text[], hidden: false, returnedBefore };
    }
    if (r.kind === 'post') {
      const x = p.get(r.subject_id);
      const mine = reports.filter((q) => q.post_id === r.subject_id).map((q) => text(reportReasonKey(q.reason)));
      return { ...base, href: `/moderation/items/${r.id}`, what: x ? text('moderation:what.post', { number: x.post_number, topic: x.topic_title }) : text('moderation:what.postGone'), author: x?.author ?? '', authorAvatar: x?.author_avatar ?? null, reports: mine, hidden: !!x?.hidden_at };
    }
    if (r.kind === 'conversation') {
      return { ...base, href: `/messages/${r.subject_id}`, what: conversations.has(r.subject_id) ? text('moderation:what.conversation', { subject: conversations.get(r.subject_id) }) : text('moderation:what.conversationGone'), author: '', authorAvatar: null, reports: r.detail ? [text('moderation:queue.reportDetail', { detail: r.detail })] : [], hidden: false };
    }
    return { ...base, href: `/moderation/items/${r.id}`, what: text('moderation:what.other', { kind: r.kind, id: r.subject_id }), author: '', authorAvatar: null, reports: [] as Text[], hidden: false };
  });
}

export async function listReviewQueue(db: Kysely<DB>, actor: Actor) {
  authorize(actor, 'queue.review', null);
  // Board moderators: their boards' items only (queue-scope.ts).
  const open = await scopeItems(items(db), actor).where('review_items.status', '=', 'open').orderBy('review_items.created_at').orderBy('review_items.id').limit(200).execute();
  const done = await scopeItems(items(db), actor).where('review_items.status', '=', 'done').orderBy('review_items.decided_at', 'desc').limit(30).execute();
  return { open: await describe(db, open), done: await describe(db, done) };
}

/** A reported post's item: the post (whatever its state), the open and decided reports. */
export async function showReviewItem(db: Kysely<DB>, actor: Actor, id: number) {
  authorize(actor, 'queue.review', null);
  const row = await items(db).where('review_items.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(text('moderation:errors.noSuchReviewItem'));
  await assertItemInScope(db, actor, row);
  const [item] = await describe(db, [row]);
  let post = null;
  let reports: { reason: string; detail: string; reporter: string; created_at: string; outcome: string | null }[] = [];
  if (row.kind === 'post') {
    post = await db.selectFrom('posts').innerJoin('topics', 'topics.id', 'posts.topic_id').innerJoin('users', 'users.id', 'posts.user_id')
      .select(['posts.id', 'posts.post_number', 'posts.body_markdown', 'posts.body_html', 'posts.hidden_at', 'posts.deleted_at', 'posts.topic_id', 'topics.slug', 'topics.title as topic_title', 'users.display_name as author', 'users.username'])
      .where('posts.id', '=', row.subject_id).executeTakeFirst() ?? null;
    reports = (await db.selectFrom('post_reports').innerJoin('users', 'users.id', 'post_reports.reporter_id')
      .select(['post_reports.reason', 'post_reports.detail', 'post_reports.created_at', 'post_reports.outcome', 'users.display_name as reporter'])
      .where('post_reports.post_id', '=', row.subject_id).orderBy('post_reports.id').execute())
      .map((r) => ({ ...r, reason: reportReasonKey(r.reason) }));
  }
  return { item: item!, post, reports };
}

/** The open review item of a held draft, if any (for the draft's page: claim and who claimed it). */
export async function itemOfDraft(db: Kysely<DB>, draftId: number) {
  return items(db).where('review_items.kind', '=', 'draft').where('review_items.subject_id', '=', draftId).orderBy('review_items.id', 'desc').executeTakeFirst();
}
