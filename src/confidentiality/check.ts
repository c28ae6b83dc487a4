// The guard step of the publish pipeline, and the same check without publishing (the composer's
// live check). Findings leave this module with type, offsets, confidence, reason and field only:
// never the values themselves.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { decide, FINDING_TYPES, GuardInputTooLargeError, MAX_TEXT_LENGTH, maskText, scanText, type Finding, type GuardAction, type GuardDecision } from '../guard/index.ts';
import type { Actor } from '../policy/policy.ts';
import { text as say, UserError } from '../shared/errors.ts';
import { en, type T } from '../i18n/index.ts';
import { describeFindingTypes, findingWhat, stopSentence, type StopWhere } from './finding-texts.ts';
import { recordGuardDecision, type AuditWhere } from './audit.ts';
import type { MaskedOriginal } from './masked-originals.ts';
import { loadGuardContext, type GuardContext } from './registers.ts';
import { assertWithinTextLimit, guardWork, scanAttachmentText, type GuardWork } from './scan-pool.ts';
import { dropMemberNames } from './member-names.ts';

export type GuardField = 'title' | 'body' | 'attachment';

/** A text attachment as the guard sees it (see src/attachments/text-file.ts). */
export interface GuardAttachment {
  name: string;
  text: string;
}

/** A finding as shown to the author: no value, only where it is and why. */
export interface GuardFinding {
  type: Finding['type'];
  start: number;
  end: number;
  confidence: number;
  reason: string;
  field: GuardField;
  /** For field 'attachment': which one (index in the draft's list) and its file name. Offsets are in its text. */
  attachment?: number;
  attachmentName?: string;
  /** What the policy does about this finding for this author. */
  action: GuardAction;
}

export interface GuardStop {
  action: 'block' | 'hold';
  canAskCommunityTeam: boolean;
  findings: GuardFinding[];
}

/** What each finding type is, in plain English, for messages ("This reply contains a phone number").
 * The texts people read come from the `guard` catalogue (src/confidentiality/finding-texts.ts). */
export const FINDING_PHRASES: Record<Finding['type'], string> = Object.fromEntries(FINDING_TYPES.map((type) => [type, findingWhat(en, type)])) as Record<Finding['type'], string>;

const WHAT: Record<AuditWhere, StopWhere> = { topic: 'topic', reply: 'reply', edit: 'edit', bio: 'bio', article: 'article', check: 'check', message: 'message' };

export { describeFindingTypes };

/** The guard stopped a post (block, or hold for review). Carries positions and reasons, never values. */
export class GuardStoppedError extends UserError {
  override name = 'GuardStoppedError';
  readonly action: 'block' | 'hold';
  readonly canAskCommunityTeam: boolean;
  readonly findings: GuardFinding[];
  readonly where: StopWhere;
  constructor(stop: GuardStop, where: AuditWhere = 'check') {
    // Only topics, replies and edits can be sent to the community team (web and API, askTeam):
    // a bio, an article or a private message offers only what the author can do.
    const canAsk = stop.canAskCommunityTeam && (where === 'topic' || where === 'reply' || where === 'edit' || where === 'check');
    super(stopSentence(en, { action: stop.action, where: WHAT[where], canAsk, findings: stop.findings }), 422, 'body');
    this.action = stop.action;
    this.canAskCommunityTeam = canAsk;
    this.findings = stop.findings;
    this.where = WHAT[where];
  }
  /** The refusal in the reader's language. */
  override say(t: T): string {
    return stopSentence(t, { action: this.action, where: this.where, canAsk: this.canAskCommunityTeam, findings: this.findings });
  }
  toJSON(): GuardStop & { message: string } {
    return { message: this.message, action: this.action, canAskCommunityTeam: this.canAskCommunityTeam, findings: this.findings };
  }
}

export interface GuardDraft {
  actor: Actor;
  where: AuditWhere;
  title?: string;
  body: string;
  /** Text attachments: scanned like the body, whatever their length (in windows). */
  attachments?: GuardAttachment[];
  /** For the audit log, e.g. 'topic:12', 'post:40', 'board:help'. */
  target?: string;
  /** A community-team member approved this draft from the held queue: audited, not stopped. */
  approvedBy?: number;
  /** Saved but not public (a knowledge-base draft): findings are reported, nothing is stopped or
   * masked; the text passes the guard again when it is published. */
  unpublished?: boolean;
  /** The author asked the community team to review it (saved hidden): as unpublished, audited as asked. */
  askedTeam?: boolean;
}

export interface GuardOutcome {
  action: GuardAction;
  canAskCommunityTeam: boolean;
  findings: GuardFinding[];
  /** Texts to publish (masked when action is 'mask'). */
  title?: string;
  body: string;
  /** The attachments to publish, in the draft's order (masked when action is 'mask'). */
  attachments?: GuardAttachment[];
  maskedOriginal?: MaskedOriginal;
  context: GuardContext;
}

function refuseOversized(text: string | undefined, field: GuardField): void {
  if (text !== undefined && text.length > MAX_TEXT_LENGTH) {
    throw new UserError(say(`guard:tooLong.${field}`, { length: text.length, max: MAX_TEXT_LENGTH }), 413, field);
  }
}

type FieldFinding = Finding & { field: GuardField; attachment?: number };

function scanField(text: string, field: GuardField, ctx: GuardContext): FieldFinding[] {
  try {
    return scanText(text, { registers: ctx.registers, options: ctx.options }).map((f) => ({ ...f, field }));
  } catch (err) {
    if (err instanceof GuardInputTooLargeError) throw new UserError(say(`guard:tooLongShort.${field}`), 413, field);
    throw err;
  }
}

async function scanAttachment(a: GuardAttachment, index: number, ctx: GuardContext, work: GuardWork, deadline: number): Promise<FieldFinding[]> {
  const found = await scanAttachmentText(ctx, a.text, work, deadline);
  return found.map((f) => ({ ...f, field: 'attachment', attachment: index }));
}

/** Scan and decide; no audit, no publishing. */
export async function evaluateDraft(db: Kysely<DB>, draft: Omit<GuardDraft, 'where' | 'approvedBy' | 'unpublished'>): Promise<GuardOutcome> {
  refuseOversized(draft.title, 'title');
  refuseOversized(draft.body, 'body');
  const attachments = draft.attachments ?? [];
  // The work one request may cause is bounded: text (413) and time (422); long attachments are scanned in worker threads.
  const work = guardWork(db);
  assertWithinTextLimit(work, [draft.title, draft.body, ...attachments.map((a) => a.text)]);
  const deadline = Date.now() + work.timeLimitMs;
  const ctx = await loadGuardContext(db);
  const scanned = [...(draft.title !== undefined ? scanField(draft.title, 'title', ctx) : []), ...scanField(draft.body, 'body', ctx)];
  for (const found of await Promise.all(attachments.map((a, i) => scanAttachment(a, i, ctx, work, deadline)))) scanned.push(...found);
  // Members' public names ("Answered by Tom Becker") are not customer data.
  const all = await dropMemberNames(db, scanned, (f) => (f.field === 'title' ? draft.title! : f.field === 'body' ? draft.body : attachments[f.attachment!]!.text), draft.target, draft.actor.id);
  const roles = [...draft.actor.roles];
  // One decision for the whole post: a finding in an attachment stops the post as one in its body does.
  const decision: GuardDecision = decide(all, { roles, policy: ctx.policy });
  const findings: GuardFinding[] = decision.perFinding.map((d) => {
    const f = d.finding as FieldFinding;
    const where = f.attachment !== undefined ? { attachment: f.attachment, attachmentName: attachments[f.attachment]!.name } : {};
    return { type: f.type, start: f.start, end: f.end, confidence: Math.round(f.confidence * 1000) / 1000, reason: f.reason, field: f.field, ...where, action: d.action };
  });
  const outcome: GuardOutcome = { action: decision.action, canAskCommunityTeam: decision.canAskCommunityTeam, findings, body: draft.body, context: ctx };
  if (draft.title !== undefined) outcome.title = draft.title;
  if (draft.attachments) outcome.attachments = attachments.map((a) => ({ ...a }));
  if (decision.action === 'mask') {
    const mask = (field: GuardField, index?: number) => decision.toMask.filter((f) => (f as FieldFinding).field === field && (f as FieldFinding).attachment === index);
    const bodyMask = mask('body');
    const values = bodyMask.map((f) => draft.body.slice(f.start, f.end));
    outcome.body = maskText(draft.body, bodyMask);
    if (draft.title !== undefined) {
      const titleMask = mask('title');
      values.push(...titleMask.map((f) => draft.title!.slice(f.start, f.end)));
      outcome.title = maskText(draft.title, titleMask);
    }
    const maskedAttachments: GuardAttachment[] = [];
    for (const [i, a] of attachments.entries()) {
      const spans = mask('attachment', i);
      if (!spans.length) continue;
      values.push(...spans.map((f) => a.text.slice(f.start, f.end)));
      outcome.attachments![i] = { name: a.name, text: maskText(a.text, spans) };
      maskedAttachments.push(a);
    }
    outcome.maskedOriginal = {
      body: draft.body,
      ...(draft.title !== undefined && outcome.title !== draft.title ? { title: draft.title } : {}),
      values,
      ...(maskedAttachments.length ? { attachments: maskedAttachments } : {}),
      ...(outcome.body === draft.body && outcome.title === draft.title ? { textUnchanged: true } : {}),
    };
  }
  return outcome;
}

/**
 * The guard step of the publish pipeline: scan title and body, decide with the author's roles,
 * write the audit row; block/hold → GuardStoppedError (422); mask → the masked texts and the
 * original; allow/warn → the texts unchanged with the findings as warnings.
 */
export async function guardDraft(db: Kysely<DB>, draft: GuardDraft): Promise<GuardOutcome> {
  const outcome = await evaluateDraft(db, {
    actor: draft.actor,
    body: draft.body,
    ...(draft.title !== undefined ? { title: draft.title } : {}),
    ...(draft.attachments ? { attachments: draft.attachments } : {}),
    ...(draft.target ? { target: draft.target } : {}),
  });
  if (draft.unpublished || draft.askedTeam) {
    await recordGuardDecision(db, { actorId: draft.actor.id, where: draft.where, target: draft.target ?? '', findings: outcome.findings, decision: `${outcome.action} (${draft.askedTeam ? 'sent to the community team, hidden' : 'unpublished draft'})` });
    const { maskedOriginal: _unused, ...rest } = outcome;
    return {
      ...rest,
      action: outcome.findings.some((f) => f.action !== 'allow') ? 'warn' : 'allow',
      body: draft.body,
      ...(draft.title !== undefined ? { title: draft.title } : {}),
      ...(draft.attachments ? { attachments: draft.attachments } : {}),
    };
  }
  const approved = draft.approvedBy !== undefined && (outcome.action === 'block' || outcome.action === 'hold');
  await recordGuardDecision(db, {
    actorId: draft.actor.id,
    where: draft.where,
    target: draft.target ?? '',
    findings: outcome.findings,
    decision: approved ? `${outcome.action}; approved by user ${draft.approvedBy}` : outcome.action,
  });
  if (!approved && (outcome.action === 'block' || outcome.action === 'hold')) {
    throw new GuardStoppedError({ action: outcome.action, canAskCommunityTeam: outcome.canAskCommunityTeam, findings: outcome.findings }, draft.where);
  }
  return outcome;
}

export interface DraftCheck {
  action: GuardAction;
  canAskCommunityTeam: boolean;
  findings: GuardFinding[];
}

/**
 * The composer's live check: the same findings and decision as on submit, without publishing.
 * Checks with findings are written to the audit log as where='check' (clean drafts are not, as
 * the composer checks while the author types).
 */
export async function checkDraft(
  db: Kysely<DB>,
  actor: Actor,
  draft: { title?: string; body: string; attachments?: GuardAttachment[]; where: AuditWhere; target?: string },
): Promise<DraftCheck> {
  const outcome = await evaluateDraft(db, {
    actor,
    body: draft.body.replace(/\r\n?/g, '\n'),
    ...(draft.title !== undefined ? { title: draft.title } : {}),
    ...(draft.attachments ? { attachments: draft.attachments } : {}),
    ...(draft.target ? { target: draft.target } : {}),
  });
  if (outcome.findings.length > 0) {
    await recordGuardDecision(db, { actorId: actor.id, where: 'check', target: draft.target ?? draft.where, findings: outcome.findings, decision: outcome.action });
  }
  return { action: outcome.action, canAskCommunityTeam: outcome.canAskCommunityTeam, findings: outcome.findings };
}
