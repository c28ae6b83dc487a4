// Every piece of text that becomes public passes here, and nothing else writes public text.
// The pipeline is an ordered list of checks; each may refuse (throw a UserError), and the last
// step renders the Markdown once so that page views never parse it. Later checks (the
// confidentiality guard, watched words, new-member hold, rate limits) slot into `checks`.
import type { Kysely } from 'kysely';
import { mustAcknowledgeGuidelines } from '../accounts/guidelines.ts';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { FieldErrors, text, UserError } from '../shared/errors.ts';
import { BIDI_CONTROLS, isOnlyInvisible } from '../shared/unicode-text.ts';
import { htmlToText, imageOptionsFor, mentionedUsernames, renderMarkdown } from '../shared/markdown.ts';
import { guardDraft, type GuardAttachment, type GuardFinding } from '../confidentiality/check.ts';
import { checkAttachments } from '../attachments/text-file.ts';
import type { MaskedOriginal } from '../confidentiality/masked-originals.ts';
import type { GuardPolicy } from '../guard/index.ts';
import { guardPrivate } from '../confidentiality/private-audience.ts';
import { watchedWordsCheck } from '../moderation/watched-check.ts';
import { standingCheck } from '../moderation/standing-check.ts';
import type { HeldFinding } from '../moderation/hold-draft.ts';

export interface PublishDraft {
  actor: Actor;
  where: 'topic' | 'reply' | 'bio' | 'article' | 'message';
  /** 'private': a message in a private conversation (src/confidentiality/private-audience.ts):
   * participants' own data allowed, another registered customer's data and confidential text blocked. */
  audience?: 'public' | 'private';
  /** For a private audience: everyone who will read it (the author included). */
  participantIds?: readonly number[];
  title?: string;
  body: string;
  /** Text attachments (name and text): checked (size, count, text only) and guarded like the body. */
  attachments?: GuardAttachment[];
  /** Attachments the post already has (an edit): they count towards the limit of files per post. */
  attachedBefore?: number;
  /** A community-team member approved this draft from the held queue (the guard's review). */
  approvedBy?: number;
  /** For the guard's audit log: what is written to, e.g. 'topic:12', 'post:40', 'board:help'. */
  target?: string;
  /** An edit of existing text (audited as where='edit'). */
  edit?: boolean;
  /** Saved but not public yet (a knowledge-base draft): the guard reports findings as warnings
   * and stops nothing; the text passes the pipeline again when it is published. */
  unpublished?: boolean;
  /** An author's edit of a post: a watched word set to "hold" does not refuse it, the edit is
   * saved hidden until reviewed (src/community/edit-post.ts); its findings come back in watchedHold. */
  editHeldForReview?: boolean;
  /** Set by the watched-words check on such an edit. */
  watchedHold?: HeldFinding[];
  /** The author sends the text to the community team instead of publishing it (an edit saved
   * hidden until reviewed): the guard reports its findings for the reviewer and stops nothing. */
  askedTeam?: boolean;
}

export interface Published {
  title?: string;
  bodyMarkdown: string;
  bodyHtml: string;
  bodyText: string;
  /** The attachments to store with the post (masked where the guard masked them), when the draft had any. */
  attachments?: GuardAttachment[];
  /** Guard findings the policy only warns about (no values: type, offsets, reason, field). */
  guardWarnings?: GuardFinding[];
  /** Set when the guard masked the text: keep it with storeMaskedOriginal(tx, postId, maskedOriginal, guardPolicy). */
  maskedOriginal?: MaskedOriginal;
  guardPolicy?: GuardPolicy;
  /** An edit with a "hold" watched word: store it hidden and queue it (editHeldForReview). */
  watchedHold?: HeldFinding[];
}

type Check = (draft: PublishDraft, db: Kysely<DB>) => void | Promise<void>;

export const LIMITS = { titleMin: 5, titleMax: 150, bodyMin: 2, bodyMax: 50_000 } as const;

/** Every problem with a title and body at once (issue 18: a form reports each field's error
 * together), each a UserError naming its field, in the order of the form. */
export function limitProblems(d: { title?: string; body: string }): UserError[] {
  const problems: UserError[] = [];
  if (d.title !== undefined) {
    const t = d.title.trim();
    if (t.length < LIMITS.titleMin) problems.push(new UserError(text('compose:errors.titleShort', { min: LIMITS.titleMin }), 400, 'title'));
    else if (t.length > LIMITS.titleMax) problems.push(new UserError(text('compose:errors.titleLong', { max: LIMITS.titleMax }), 400, 'title'));
    // A title is a label in lists and feeds: no bidi overrides that reorder it, not blank-looking (bodies may keep bidi text).
    else if (BIDI_CONTROLS.test(t)) problems.push(new UserError(text('compose:errors.titleBidi'), 400, 'title'));
    else if (isOnlyInvisible(t)) problems.push(new UserError(text('compose:errors.titleInvisible'), 400, 'title'));
  }
  const b = d.body.trim();
  if (b.length < LIMITS.bodyMin) problems.push(new UserError(text('compose:errors.bodyEmpty'), 400, 'body'));
  else if (d.body.length > LIMITS.bodyMax) problems.push(new UserError(text('compose:errors.bodyLong', { max: LIMITS.bodyMax }), 413, 'body'));
  return problems;
}

/** Refuses a form with these problems: one as it is (its own status), several as FieldErrors. */
export function refuseAll(problems: readonly UserError[]): void {
  if (problems.length === 1) throw problems[0]!;
  if (problems.length > 1) throw new FieldErrors(Object.fromEntries(problems.filter((p, i) => problems.findIndex((q) => q.field === p.field) === i).map((p) => [p.field ?? '*', p.text ?? p.message])));
}

const limits: Check = (d) => {
  refuseAll(limitProblems(d));
  // Attachments are checked here, on every path (forms, API, the team's approval), whatever the client did.
  if (d.attachments) d.attachments = checkAttachments(d.attachments, d.attachedBefore ?? 0);
};

// Policy point 2: an employee posts only after acknowledging the current guidelines.
const guidelinesAcknowledged: Check = async (d, db) => {
  if (d.where !== 'bio' && await mustAcknowledgeGuidelines(db, d.actor)) {
    throw new UserError(text('compose:errors.guidelinesFirst'), 403);
  }
};

// Watched words (src/moderation, issue 13): block, hold for review, censor; nobody is exempt.
const checks: Check[] = [limits, guidelinesAcknowledged, standingCheck, watchedWordsCheck];

export async function runPublishPipeline(db: Kysely<DB>, draft: PublishDraft): Promise<Published> {
  draft = { ...draft }; // checks may normalise it (attachment names), not the caller's object
  for (const check of checks) await check(draft, db);
  if (draft.audience === 'private') return publishPrivately(db, draft);
  // The confidentiality guard (issue 5), after the limits: title and body as written (line ends
  // normalised, so offsets match the composer's text). Block/hold throw GuardStoppedError (422).
  const guarded = await guardDraft(db, {
    actor: draft.actor,
    where: draft.edit ? 'edit' : draft.where,
    target: draft.target ?? draft.where,
    body: draft.body.replace(/\r\n?/g, '\n'),
    ...(draft.title !== undefined ? { title: draft.title } : {}),
    ...(draft.attachments?.length ? { attachments: draft.attachments } : {}),
    ...(draft.approvedBy !== undefined ? { approvedBy: draft.approvedBy } : {}),
    ...(draft.unpublished ? { unpublished: true } : {}),
    ...(draft.askedTeam ? { askedTeam: true } : {}),
  });
  const guardExtra: Pick<Published, 'guardWarnings' | 'maskedOriginal' | 'guardPolicy'> = {};
  if (guarded.action === 'warn') guardExtra.guardWarnings = guarded.findings.filter((f) => f.action !== 'allow');
  if (guarded.maskedOriginal) Object.assign(guardExtra, { maskedOriginal: guarded.maskedOriginal, guardPolicy: guarded.context.policy });
  draft = { ...draft, body: guarded.body, ...(guarded.title !== undefined ? { title: guarded.title } : {}) };
  const body = draft.body.replace(/\r\n?/g, '\n').trim();
  const names = mentionedUsernames(body);
  const known = names.length
    ? new Set((await db.selectFrom('users').select('username_lower').where('username_lower', 'in', names).where('deleted_at', 'is', null).execute()).map((u) => u.username_lower))
    : undefined;
  const bodyHtml = renderMarkdown(body, known, imageOptionsFor(db));
  return {
    ...(draft.title !== undefined ? { title: draft.title.trim().replace(/\s+/g, ' ') } : {}),
    bodyMarkdown: body,
    bodyHtml,
    bodyText: htmlToText(bodyHtml),
    ...(guarded.attachments ? { attachments: guarded.attachments } : {}),
    ...guardExtra,
    ...(draft.watchedHold?.length ? { watchedHold: draft.watchedHold } : {}),
  };
}

/** A private message: the private-audience guard (a block throws 422), then rendered like a post. */
async function publishPrivately(db: Kysely<DB>, draft: PublishDraft): Promise<Published> {
  const body = draft.body.replace(/\r\n?/g, '\n');
  const guarded = await guardPrivate(db, { actor: draft.actor, body, participantIds: draft.participantIds ?? [draft.actor.id], target: draft.target ?? 'conversation', ...(draft.attachments?.length ? { attachments: draft.attachments } : {}) });
  const text = body.trim();
  const bodyHtml = renderMarkdown(text);
  const allowed = guarded.findings.filter((f) => f.action !== 'allow');
  return { bodyMarkdown: text, bodyHtml, bodyText: htmlToText(bodyHtml), ...(draft.attachments?.length ? { attachments: draft.attachments } : {}), ...(allowed.length ? { guardWarnings: allowed } : {}) };
}
