// Characters that have no business in what people type into Parley. NUL makes PostgreSQL refuse
// the statement (a 500 before this check; SQLite stored it), other C0/C1 control characters and
// lone surrogates are binary in disguise or corrupt UTF-8, and bidi controls let a name or title
// show something other than what it holds ("Tom" + RLO + "rotaredoM" reads as a role).

/** Tab, line feed and carriage return: the only control characters a multi-line text may hold. */
const LINE_CONTROLS = new Set([0x09, 0x0a, 0x0d]);

export interface BadCharacter {
  /** Index in the string (UTF-16 code units). */
  index: number;
  /** e.g. "U+0000 (a control character)" — never the text around it. */
  label: string;
}

const hex = (c: number) => 'U+' + c.toString(16).toUpperCase().padStart(4, '0');

/**
 * The first character that may not be stored: C0/C1 control characters (tab, line feed and
 * carriage return allowed when `multiline`), DEL and lone surrogates; null when there is none.
 * `nulAndSurrogatesOnly` checks just NUL and lone surrogates (attachment texts, which allow a
 * trace of other controls such as ESC in coloured logs: src/attachments/text-file.ts).
 */
export function findBadCharacter(text: string, opts: { multiline?: boolean; nulAndSurrogatesOnly?: boolean } = {}): BadCharacter | null {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue; // the common case first
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return { index: i, label: `${hex(c)} (a lone surrogate: the text is not valid Unicode)` };
    }
    if (c === 0) return { index: i, label: 'U+0000 (a NUL byte)' };
    if (opts.nulAndSurrogatesOnly) continue;
    if (c < 0x20 && !(opts.multiline && LINE_CONTROLS.has(c))) return { index: i, label: `${hex(c)} (a control character)` };
    if (c >= 0x7f && c <= 0x9f) return { index: i, label: `${hex(c)} (a control character)` };
  }
  return null;
}

/** Bidirectional embedding, override and isolate controls (LRE…RLO, LRI…PDI) and the marks LRM/RLM/ALM. */
export const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

/**
 * Characters that show nothing by themselves: spaces of every width, joiners, word joiners,
 * variation selectors, tags, the Hangul fillers and the like. A name made only of these (and
 * whitespace) looks empty, or like a blank beside someone else's posts.
 */
const INVISIBLE = /[\s\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\u{1bca0}-\u{1bca3}\u{1d173}-\u{1d17a}\u{e0000}-\u{e0fff}]/gu;

export function isOnlyInvisible(text: string): boolean {
  return text.replace(INVISIBLE, '').length === 0;
}

/**
 * Checks a one-line text people are shown as a label (a display name, a title): no control
 * characters at all, no bidi controls, not only invisible characters. Returns a message
 * (starting with `what`) or null.
 */
export function singleLineProblem(text: string, what: string): string | null {
  const bad = findBadCharacter(text);
  if (bad) return `${what} contains ${bad.label}, which is not allowed.`;
  if (BIDI_CONTROLS.test(text)) return `${what} may not contain right-to-left or left-to-right override, embedding or isolate characters (they make text show in a different order than it is written).`;
  if (text.length > 0 && isOnlyInvisible(text)) return `${what} is made only of invisible characters.`;
  return null;
}
