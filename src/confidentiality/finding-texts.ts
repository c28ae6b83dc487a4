// What the guard tells a writer, in the writer's language (issue 18): the guard itself
// (src/guard) is a pure library that speaks in finding types and English reason strings for
// logs and the audit; here a finding type becomes words from the `guard` catalogue ("a phone
// number", "een telefoonnummer"), and stopped drafts become one sentence.
import { en, type T } from '../i18n/index.ts';
import type { Finding } from '../guard/index.ts';

type FindingType = Finding['type'];

/** "a phone number", in the reader's language. */
export const findingWhat = (t: T, type: FindingType | string): string => t(`guard:what.${type}`);

/** "phone", "customer number": a finding's short label. */
export const findingLabel = (t: T, type: FindingType | string): string => t(`guard:type.${type}`);

/** Why it was found: the detector's own words in English (they name the country, the check
 * digit, the nearby words), a plain explanation of the type in other languages. */
export const findingReason = (t: T, locale: string, f: { type: string; reason: string }): string => (locale === 'en' ? f.reason : t(`guard:reason.${f.type}`));

/** "[phone number removed]": what a quick fix puts in the text instead of the value. */
export const findingPlaceholder = (t: T, type: FindingType): string => t(`guard:placeholder.${type}`);

/** "a phone number", "a phone number and an e-mail address", "a, b and c". */
export function describeFindingTypes(types: readonly (FindingType | string)[], t: T = en): string {
  const ps = [...new Set(types)].map((type) => findingWhat(t, type));
  if (ps.length === 0) return t('guard:what.unknown');
  return ps.length === 1 ? ps[0]! : t('guard:list.and', { first: ps.slice(0, -1).join(', '), last: ps[ps.length - 1] });
}

export type StopWhere = 'topic' | 'reply' | 'edit' | 'bio' | 'article' | 'check' | 'message';

/** "This reply contains a phone number (in the attachment “a.log”)". */
export function containsSentence(t: T, where: StopWhere, findings: readonly { type: string; field: string; attachmentName?: string }[]): string {
  const files = [...new Set(findings.filter((f) => f.field === 'attachment').map((f) => `“${f.attachmentName}”`))];
  const inFiles = files.length ? t('guard:inAttachments', { count: files.length, files: files.join(', ') }) : '';
  return t(`guard:contains.${where}`, { what: describeFindingTypes(findings.map((f) => f.type), t), files: inFiles });
}

/** The whole refusal: what was found and what the writer can do. */
export function stopSentence(t: T, stop: { action: 'block' | 'hold'; where: StopWhere; canAsk: boolean; findings: readonly { type: string; field: string; attachmentName?: string; action: string }[] }): string {
  const what = containsSentence(t, stop.where, stop.findings.filter((f) => f.action === stop.action));
  if (stop.action === 'hold') return t('guard:stopped.hold', { what });
  return t(stop.canAsk ? 'guard:stopped.blockAskTeam' : 'guard:stopped.block', { what });
}
