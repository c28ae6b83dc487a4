/**
 * The orchestrator. Cheap validated detectors run first and claim their spans (e-mail, IBAN,
 * card, bank account, own number formats, dates, addresses); the phone parser only sees
 * regex pre-filtered candidates outside claimed spans, so a card number is never also a phone.
 * Then called-number lists, price plans, persons, and the customer and document registers.
 *
 * Speed: the text is folded once (st.lower) and shared; anchors (digit runs, capitalised words)
 * are computed once and cached on the state (spans.ts), and the expensive patterns run only on
 * small windows around them. See docs/guard.md.
 */
import { GuardInputTooLargeError, MAX_TEXT_LENGTH, resolveOptions, type Finding, type GuardOptions } from './types.ts';
import { Claims, clamp01, type ScanState } from './spans.ts';
import { fold } from './context.ts';
import { detectEmails } from './detectors/email.ts';
import { detectIbans, detectBankAccounts } from './detectors/iban.ts';
import { detectCards } from './detectors/card.ts';
import { detectCustomerNumbers } from './detectors/customer-number.ts';
import { detectContractDates } from './detectors/contract-date.ts';
import { detectAddresses } from './detectors/address.ts';
import { detectPhones } from './detectors/phone.ts';
import { detectCalledNumbers } from './detectors/called-numbers.ts';
import { detectPricePlans } from './detectors/price-plan.ts';
import { detectPersons } from './detectors/person.ts';
import { matchCustomers, matchDocuments } from './register-match.ts';
import type { CustomerRegister } from './customer-register.ts';
import type { DocumentRegister } from './fingerprint.ts';

export interface GuardRegisters {
  customers?: CustomerRegister;
  documents?: DocumentRegister;
}

export interface ScanContext {
  registers?: GuardRegisters;
  options?: Partial<GuardOptions>;
  /** Also return findings below options.minConfidence (for calibration). */
  includeLowConfidence?: boolean;
  /**
   * Public names of community members (display names, usernames), as publicNameKey() gives them:
   * a person found by pattern whose name is one of them is not customer data ("Answered by Tom Becker").
   * A name the customer register knows is still reported.
   */
  publicNames?: ReadonlySet<string>;
}

/** The form in which public member names are compared: case, accents, spacing and a leading "@" ignored. */
export function publicNameKey(name: string): string {
  return fold(name.replace(/^@/, '')).replace(/\s+/g, ' ').trim();
}

// A member's name as Parley itself writes it: an @mention, or a link to the member's profile ("[Tom Becker](/u/tom)").
function isMemberReference(text: string, f: Finding): boolean {
  if (f.start > 0 && text[f.start - 1] === '@') return true;
  return text[f.start - 1] === '[' && text.startsWith('](/u/', f.end);
}

/** Person findings by pattern that are community members' public names or references to members. */
export function isPublicMemberName(text: string, f: Finding, names?: ReadonlySet<string>): boolean {
  if (f.type !== 'person' || f.source === 'register') return false;
  if (isMemberReference(text, f)) return true;
  return names !== undefined && names.size > 0 && names.has(publicNameKey(text.slice(f.start, f.end)));
}

/**
 * Scan a text for customer data and confidential passages.
 * @throws GuardInputTooLargeError when the text is longer than MAX_TEXT_LENGTH (checked before any scanning).
 * @returns findings sorted by start offset (UTF-16), each with a reason that never contains the value.
 */
export function scanText(text: string, ctx: ScanContext = {}): Finding[] {
  if (text.length > MAX_TEXT_LENGTH) throw new GuardInputTooLargeError(text.length);
  const options = resolveOptions(ctx.options);
  const st: ScanState = { text, lower: fold(text), options, claims: new Claims(), findings: [] };
  const push = (fs: Finding[]) => {
    for (const f of fs) st.findings.push(f);
  };
  push(detectEmails(st));
  push(detectIbans(st));
  push(detectCards(st));
  push(detectBankAccounts(st));
  push(detectCustomerNumbers(st));
  push(detectContractDates(st).findings);
  push(detectAddresses(st));
  const phones = detectPhones(st);
  push(phones.findings);
  push(detectCalledNumbers(st, phones.matches));
  push(detectPricePlans(st));
  push(detectPersons(st));
  const regs = ctx.registers ?? {};
  if (regs.customers && regs.customers.entryCount > 0) {
    const reg = matchCustomers(st, regs.customers, phones.matches);
    // A register name hit confirms a pattern person finding instead of duplicating it.
    for (const f of reg) {
      if (f.type === 'person') {
        const same = st.findings.find((p) => p.type === 'person' && p.start < f.end && f.start < p.end);
        if (same) {
          same.confidence = Math.max(same.confidence, f.confidence);
          same.reason = `${same.reason}; ${f.reason}`;
          same.start = Math.min(same.start, f.start);
          same.end = Math.max(same.end, f.end);
          same.source = 'register';
          if (f.records) same.records = f.records;
          continue;
        }
      }
      st.findings.push(f);
    }
  }
  if (regs.documents && regs.documents.size > 0) push(matchDocuments(st, regs.documents));
  const min = ctx.includeLowConfidence ? 0 : options.minConfidence;
  const out: Finding[] = [];
  for (const f of st.findings) {
    if (isPublicMemberName(text, f, ctx.publicNames)) continue;
    f.confidence = clamp01(f.confidence);
    if (f.confidence >= min) out.push(f);
  }
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  return out;
}
