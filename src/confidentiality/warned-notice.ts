// Warnings after a form post (no JavaScript needed): a topic, reply or edit the guard let through
// with a warning is published, and the page the author lands on says what was found. The finding
// types travel in the redirect's query (`?warned=reply.phone.address`), never values; the topic
// page turns them into one sentence in the reader's language for a signed-in reader.
import { FINDING_TYPES, type Finding } from '../guard/index.ts';
import { describeFindingTypes } from './finding-texts.ts';
import { en, type T } from '../i18n/index.ts';

// article: a knowledge-base draft saved with findings (not public yet); articleEdit: a published article's new version.
const KINDS = { topic: 'topic', reply: 'reply', edit: 'edit', article: 'article', articleEdit: 'articleEdit' } as const;
type Kind = keyof typeof KINDS;

/** `url` with `?warned=…` (before any #fragment) when there are warnings; `url` otherwise. */
export function withWarnings(url: string, kind: Kind, warnings: ReadonlyArray<Pick<Finding, 'type'>> | undefined): string {
  const types = [...new Set((warnings ?? []).map((w) => w.type))];
  if (types.length === 0) return url;
  const hash = url.indexOf('#');
  const [path, fragment] = hash >= 0 ? [url.slice(0, hash), url.slice(hash)] : [url, ''];
  return `${path}${path.includes('?') ? '&' : '?'}warned=${[kind, ...types].join('.')}${fragment}`;
}

/** The sentence for a `warned` query value, or null when it is not one (unknown kind or type). */
export function warnedMessage(raw: unknown, t: T = en): string | null {
  if (typeof raw !== 'string' || raw.length > 300) return null;
  const [kind, ...types] = raw.split('.');
  if (!kind || !(kind in KINDS) || types.length === 0 || !types.every((t) => (FINDING_TYPES as readonly string[]).includes(t))) return null;
  return t(`guard:warned.${KINDS[kind as Kind]}`, { what: describeFindingTypes(types as Finding['type'][], t) });
}
