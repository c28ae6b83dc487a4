/**
 * Cue-word patterns of the form \b(?:word|word|...)… (person titles and roles, "met", bank and
 * customer-number cues), matched on the folded text in ONE pass over its word starts per scan instead
 * of one whole-text search per pattern: a word start whose first two letters begin one of a pattern's
 * words runs that pattern sticky there. The word starts come from the scan's shared pass over its
 * words (words.ts). Same matches as anchorsOf (`\b` is ASCII, matches of one
 * pattern do not overlap); test/guard/cue-anchors.test.ts compares them on the corpora.
 */
import { isRegexSpace, type ScanState } from './spans.ts';
import { foldedWords, scanWords, type FoldedWords } from './words.ts';

/**
 * The alternatives of the group whose body starts at `start` in a pattern's source (just after its
 * "(?:"), split at the group's own depth up to its closing parenthesis.
 */
export function topLevelAlternatives(src: string, start: number): string[] {
  let depth = 0;
  let alt = '';
  const alts: string[] = [];
  for (let i = start; i < src.length; i++) {
    const c = src[i]!;
    if (c === '(') depth++;
    if (c === ')' && depth-- === 0) break;
    if (c === '|' && depth === 0) {
      alts.push(alt);
      alt = '';
    } else alt += c;
  }
  alts.push(alt);
  return alts;
}

/** Stands for `\s` (one whitespace unit) in a literal head. */
const SPACE = '\u0000';
/**
 * What an alternative of a pattern's source must begin with: its leading plain characters (and `\s`
 * as SPACE), up to the first construct that is not one literal unit (a group, a class, `\b`), without
 * a unit made optional by a quantifier after it. Every match of the alternative starts so, so a
 * position where the head is not written needs no run of the pattern.
 */
export function literalHead(alt: string): string {
  let head = '';
  for (let i = 0; i < alt.length; ) {
    let unit: string;
    let len = 1;
    const c = alt[i]!;
    if (c === '\\') {
      const d = alt[i + 1];
      if (d === undefined) break;
      if (d === 's') unit = SPACE;
      else if (/[A-Za-z0-9]/.test(d)) break;
      else unit = d;
      len = 2;
    } else if ('^$.|?*+()[]{}'.includes(c)) break;
    else unit = c;
    const q = alt[i + len];
    if (q === '?' || q === '*' || q === '{') break;
    head += unit;
    if (q === '+') break;
    i += len;
  }
  return head;
}

/** True when `s` has `head` (from literalHead) at `p`. */
function headAt(s: string, p: number, head: string): boolean {
  if (p + head.length > s.length) return false;
  for (let i = 0; i < head.length; i++) {
    const h = head.charCodeAt(i);
    const c = s.charCodeAt(p + i);
    if (h === 0 ? !isRegexSpace(c) : c !== h) return false;
  }
  return true;
}

/** True when one of the heads is at `p`. */
export function someHeadAt(s: string, p: number, heads: readonly string[]): boolean {
  for (let i = 0; i < heads.length; i++) if (headAt(s, p, heads[i]!)) return true;
  return false;
}

const STICKY: RegExp[] = [];
/** Per two-letter prefix (a–z, 26 × 26): the patterns (indexes into STICKY) with a word starting so. */
const PREFIX: number[][] = Array.from({ length: 26 * 26 }, () => []);
/**
 * Per two-letter prefix, beside PREFIX's patterns: the literal heads (literalHead) of each pattern's
 * alternatives that can begin with that prefix (a head of two or more units starting with it, or a
 * shorter head the prefix starts with). A match at a word start begins with one of its pattern's heads,
 * so a word start with none of them needs no run of the pattern: most word starts sharing a cue word's
 * first two letters ("the", "to", "co…") begin none of its words.
 */
const PREFIX_HEADS: string[][][] = Array.from({ length: 26 * 26 }, () => []);
/** PREFIX[p].length, in one small typed array: most word starts have no pattern, and reading that here
 * touches no array object (one per prefix, spread over the heap and cold at each post). */
const PREFIX_COUNT = new Uint8Array(26 * 26);

/** Registers a cue pattern (at module load); returns its key for cueMatches. */
export function registerCuePattern(re: RegExp): number {
  const src = re.source;
  if (!src.startsWith('\\b(?:')) throw new Error(`cue pattern ${src} does not start with \\b(?:`);
  if (re.flags.replace(/[gy]/g, '') !== '') throw new Error(`cue pattern ${src} has flags ${re.flags}`);
  const k = STICKY.length;
  STICKY.push(new RegExp(src, 'y'));
  const seen = new Set<number>();
  const alts = topLevelAlternatives(src, 5);
  for (const a of alts) {
    if (!/^[a-z]{2}/.test(a)) throw new Error(`cue word ${a} does not start with two letters`);
    const p = (a.charCodeAt(0) - 97) * 26 + a.charCodeAt(1) - 97;
    if (!seen.has(p)) {
      PREFIX[p]!.push(k);
      PREFIX_COUNT[p] = PREFIX[p]!.length;
      const two = a.slice(0, 2);
      PREFIX_HEADS[p]!.push(alts.map(literalHead).filter((h) => (h.length >= 2 ? h.startsWith(two) : two.startsWith(h))));
    }
    seen.add(p);
  }
  return k;
}

/** The registered patterns, in key order (for tests). */
export function registeredCuePatterns(): RegExp[] {
  return STICKY.map((re) => new RegExp(re.source));
}

/**
 * Every registered pattern's matches in a folded text, as anchorsOf gives them (flat [start, end, ...]),
 * from its `\b` starts as foldedWords found them (words.ts: the scan's shared pass over the words).
 */
function cueMatchesAt(lower: string, words: FoldedWords): number[][] {
  const out: number[][] = STICKY.map(() => []);
  const ends = new Array<number>(STICKY.length).fill(0);
  const n = lower.length - 1;
  const cues = words.cues;
  for (let j = 0; j < words.cueCount; j++) {
    const p = cues[j]!;
    if (p >= n) break;
    const c = lower.charCodeAt(p);
    const d = lower.charCodeAt(p + 1);
    if (d < 97 || d > 122) continue;
    const idx = (c - 97) * 26 + d - 97;
    if (PREFIX_COUNT[idx] === 0) continue;
    const ks = PREFIX[idx]!;
    const hs = PREFIX_HEADS[idx]!;
    for (let i = 0; i < ks.length; i++) {
      const k = ks[i]!;
      if (p < ends[k]! || !someHeadAt(lower, p, hs[i]!)) continue;
      const re = STICKY[k]!;
      re.lastIndex = p;
      const m = re.exec(lower);
      if (!m) continue;
      ends[k] = p + m[0].length;
      out[k]!.push(p, p + m[0].length);
    }
  }
  return out;
}

/** Every registered pattern's matches in a folded text (flat [start, end, ...]): for tests. */
export function allCueMatches(lower: string): number[][] {
  return cueMatchesAt(lower, foldedWords(lower));
}

/** The matches of the cue pattern registered as `key` in st.lower (all patterns found in one pass, cached on the state). */
export function cueMatches(st: ScanState, key: number): number[] {
  st.cueMatches ??= cueMatchesAt(st.lower, scanWords(st));
  return st.cueMatches[key]!;
}
