// The watched-words step of the publish pipeline (issue 13, point 4): block refuses, hold sends
// the draft to the review queue (src/moderation/post-or-hold.ts), censor masks profanity in the
// published text (list words are censored on display). "flag" is applied after publishing (flagWatchedPost), as it needs the post.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { UserError, text as msg } from '../shared/errors.ts';
import { HoldForReviewError } from './hold-error.ts';
import type { HeldFinding } from './hold-draft.ts';
import { censor, listWatchedWords, matchWatched, strictest, type WatchedMatch } from './watched-words.ts';
import { enqueueReview } from './queue-items.ts';

interface Draft {
  actor: Actor;
  where: string;
  title?: string;
  body: string;
  approvedBy?: number;
  edit?: boolean;
  editHeldForReview?: boolean;
  watchedHold?: HeldFinding[];
}

const finding = (field: 'title' | 'body', m: WatchedMatch) => ({
  type: 'watched_word', field, start: m.start, end: m.end,
  reason: m.source === 'profanity' ? 'profanity' : `watched ${m.action === 'hold' ? 'for review' : m.action}: ${m.source}`,
});

export async function watchedWordsCheck(d: Draft, db: Kysely<DB>): Promise<void> {
  const words = await listWatchedWords(db);
  const title = d.title !== undefined ? matchWatched(d.title, words, d.actor) : [];
  const body = matchWatched(d.body, words, d.actor);
  const all = [...title, ...body];
  const worst = strictest(all);
  if (!worst) return;
  // The team approved this draft from the queue: its review replaces block and hold.
  if (!d.approvedBy && worst === 'block') {
    const m = all.find((x) => x.action === 'block')!;
    const text = (title.includes(m) ? d.title! : d.body).slice(m.start, m.end);
    throw new UserError(msg('moderation:errors.watchedBlocked', { text }), 422, title.includes(m) ? 'title' : 'body');
  }
  if (!d.approvedBy && worst === 'hold') {
    // Bios and articles have no review queue of their own: a hold refuses them with the reason.
    if (d.where !== 'topic' && d.where !== 'reply') throw new UserError(msg('moderation:errors.watchedHoldRefused'), 422, 'body');
    const findings = [
      ...title.filter((m) => m.action === 'hold').map((m) => finding('title', m)),
      ...body.filter((m) => m.action === 'hold').map((m) => finding('body', m)),
    ];
    // An author's edit of a published post: saved, but hidden until reviewed (edit-post.ts).
    if (d.edit && d.editHeldForReview) d.watchedHold = findings;
    else throw new HoldForReviewError('watched_word', msg('moderation:errors.watchedHeld'), findings);
  }
  // Titles, bios and articles are censored as published (titles appear in lists, search, mail).
  // In a post's body only profanity is masked now: the list's censor words are applied on display
  // (src/moderation/censor-display.ts), so a later change of the list applies to old posts too.
  if (d.title !== undefined) d.title = censor(d.title, title);
  const posted = d.where === 'topic' || d.where === 'reply';
  d.body = censor(d.body, posted ? body.filter((m) => m.source === 'profanity') : body);
}

/** After publishing: a post with a "flag" match waits in the queue (it stays public). */
export async function flagWatchedPost(db: Kysely<DB>, actor: Actor, post: { id: number; boardId: number | null; title?: string; body: string }): Promise<void> {
  const words = (await listWatchedWords(db)).filter((w) => w.action === 'flag');
  if (!words.length) return;
  const matches = matchWatched(post.body, words, actor).filter((m) => m.action === 'flag');
  if (!matches.length) return;
  await enqueueReview(db, { kind: 'post', subjectId: post.id, boardId: post.boardId, reason: 'watched_word', findings: matches.map((m) => finding('body', m)) });
}
