// The guard for a private audience (issue 20, point 3): text in a private conversation. There
// the customer's own data may be exchanged with the company, so the usual public rules (block or
// mask customer data) do not apply; instead:
//  - data the customer register says belongs to a participant (an account the community team
//    linked to that record) is allowed;
//  - data of any other registered customer is blocked, whoever writes it;
//  - text copied from a confidential document is blocked;
//  - other pattern findings (a phone number the register does not know) are allowed: they
//    cannot be another registered customer's, and private is where account details belong.
// Every decision is audited like public ones (types and counts, never values).
import { en, type T } from '../i18n/index.ts';
import { containsSentence } from './finding-texts.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { scanText, GuardInputTooLargeError, MAX_TEXT_LENGTH, type Finding, type GuardAction } from '../guard/index.ts';
import type { Actor } from '../policy/policy.ts';
import { UserError } from '../shared/errors.ts';
import { recordGuardDecision } from './audit.ts';
import { GuardStoppedError, type GuardAttachment, type GuardFinding } from './check.ts';
import { scanLongText } from './scan-long-text.ts';
import { linkedRecords } from './customer-links.ts';
import { loadGuardContext } from './registers.ts';

export interface PrivateDraft {
  actor: Actor;
  body: string;
  /** Text attachments: scanned like the body (in windows, whatever their length), one decision for all. */
  attachments?: readonly GuardAttachment[];
  /** Everyone who will read the text (the author included): their linked customer records are theirs to share. */
  participantIds: readonly number[];
  /** For the audit log, e.g. 'conversation:12' or 'conversation:new'. */
  target: string;
}

export interface PrivateOutcome {
  action: 'allow' | 'block';
  findings: GuardFinding[];
}

const fromRegister = (f: Finding) => f.type === 'customer_record' || (f.type === 'person' && f.source === 'register');

/** Scan and decide for a private audience; no audit. */
export async function evaluatePrivate(db: Kysely<DB>, draft: Omit<PrivateDraft, 'target'>): Promise<PrivateOutcome> {
  if (draft.body.length > MAX_TEXT_LENGTH) throw new UserError(`The message is too long to check (at most ${MAX_TEXT_LENGTH} characters)`, 413, 'body');
  const ctx = await loadGuardContext(db);
  type Located = Finding & { attachment?: number };
  let found: Located[];
  try {
    found = scanText(draft.body, { registers: ctx.registers, options: ctx.options });
  } catch (err) {
    if (err instanceof GuardInputTooLargeError) throw new UserError('The message is too long to check', 413, 'body');
    throw err;
  }
  for (const [i, a] of (draft.attachments ?? []).entries()) {
    const inFile = await scanLongText(a.text, (window) => scanText(window, { registers: ctx.registers, options: ctx.options }));
    found.push(...inFile.map((f) => ({ ...f, attachment: i })));
  }
  // A pattern finding on the same span as a register finding says less (an e-mail address vs
  // another customer's e-mail address): the register's finding is the one shown.
  const registerSpans = found.filter(fromRegister);
  found = found.filter((f) => fromRegister(f) || !registerSpans.some((r) => r.attachment === f.attachment && r.start < f.end && f.start < r.end));
  const own = found.some((f) => fromRegister(f)) ? await linkedRecords(db, ctx.registers.customers, draft.participantIds) : new Set<number>();
  const min = ctx.policy.minConfidence;
  let action: PrivateOutcome['action'] = 'allow';
  const findings: GuardFinding[] = found.map((f) => {
    let a: GuardAction = 'allow';
    let reason = f.reason;
    if (f.confidence >= min) {
      if (f.type === 'confidential_document') a = 'block';
      else if (fromRegister(f)) {
        if ((f.records ?? []).some((r) => own.has(r))) reason = `${f.reason}; it belongs to someone in this conversation`;
        else {
          a = 'block';
          reason = `${f.reason}, who is not in this conversation`;
        }
      }
    }
    if (a === 'block') action = 'block';
    const where = f.attachment !== undefined ? { field: 'attachment' as const, attachment: f.attachment, attachmentName: draft.attachments![f.attachment]!.name } : { field: 'body' as const };
    return { type: f.type, start: f.start, end: f.end, confidence: Math.round(f.confidence * 1000) / 1000, reason, ...where, action: a };
  });
  return { action, findings };
}

/** A private message the guard stopped: said as "someone who is not in this conversation", in the reader's language. */
class PrivateStoppedError extends GuardStoppedError {
  constructor(stop: ConstructorParameters<typeof GuardStoppedError>[0]) {
    super(stop, 'message');
    this.message = this.say(en);
  }
  override say(t: T): string {
    return t('guard:stopped.private', { what: containsSentence(t, 'message', this.findings.filter((f) => f.action === 'block')) });
  }
}

/** The guard step for a private message: audited; a block throws GuardStoppedError (422). */
export async function guardPrivate(db: Kysely<DB>, draft: PrivateDraft): Promise<PrivateOutcome> {
  const outcome = await evaluatePrivate(db, draft);
  await recordGuardDecision(db, { actorId: draft.actor.id, where: 'message', target: draft.target, findings: outcome.findings, decision: `${outcome.action} (private)` });
  if (outcome.action === 'block') {
    throw new PrivateStoppedError({ action: 'block', canAskCommunityTeam: false, findings: outcome.findings });
  }
  return outcome;
}

/** The composer's live check in a conversation: same decision, nothing sent; audited as a check when it found something. */
export async function checkPrivate(db: Kysely<DB>, draft: PrivateDraft): Promise<PrivateOutcome> {
  const outcome = await evaluatePrivate(db, draft);
  if (outcome.findings.length) await recordGuardDecision(db, { actorId: draft.actor.id, where: 'check', target: draft.target, findings: outcome.findings, decision: `${outcome.action} (private)` });
  return outcome;
}
