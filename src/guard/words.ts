/**
 * The word tokens of a scan's folded text, found once and shared by the document fingerprints
 * (k-grams of FNV-1a word hashes) and the facts reader (product-name lookups by another hash):
 * both used to walk every character and hash every word themselves. The same pass gives the scan's
 * capitalised words and the cue patterns' word starts (scanWords): one walk over the characters
 * instead of three (inside a scan each separate walk costs about twice what it costs alone).
 *
 * A token is a run of letters and digits, UTF-16 unit by unit (as the facts reader reads them).
 * The fingerprints read astral letters (surrogate pairs) as letters too, so a text with any
 * surrogate is marked `astral` and the fingerprints tokenise it themselves.
 */
import { capWordsOf, isLetterOrDigitCode, isUpperCaseCode, type ScanState } from './spans.ts';

export interface FoldedWords {
  /** Number of tokens. */
  count: number;
  /** Token offsets, [start, end, start, end, ...] (2 × count used). */
  offsets: Int32Array;
  /** FNV-1a 32 of each token's units (as fingerprint.ts hashToken), unsigned. */
  fnv: Uint32Array;
  /** Low 30 bits of factHash(firstWordKey(token)) (facts.ts lowHash). */
  nameLow: Int32Array;
  /** 1 when the token holds an ASCII digit. */
  digit: Uint8Array;
  /** The text holds a surrogate unit (the fingerprints tokenise it themselves). */
  astral: boolean;
  /**
   * Where a cue pattern can match (cue-words.ts): every a–z after a unit that is not an ASCII letter,
   * digit or "_" (a `\b` start), in order; `cueCount` of them used.
   */
  cues: Int32Array;
  cueCount: number;
  /** The folded text these are of (scanWords reuses them while it is the scan's). */
  of: string;
}

// facts.ts streamHash's second half after "nf:" (firstWordKey's prefix).
let seed = 0x9747b28c;
for (const c of 'nf:') {
  seed = Math.imul(seed ^ c.charCodeAt(0), 0x5bd1e995);
  seed ^= seed >>> 15;
}
export const NAME_SEED_B = seed;

/** Reused from scan to scan (grown on demand): callers read them before the next call. */
const words: FoldedWords = {
  count: 0,
  offsets: new Int32Array(4096),
  fnv: new Uint32Array(2048),
  nameLow: new Int32Array(2048),
  digit: new Uint8Array(2048),
  astral: false,
  cues: new Int32Array(2048),
  cueCount: 0,
  of: '',
};

/**
 * The tokens of folded text (and its cue starts). With `text` (the text `lower` is the fold of),
 * also the capitalised words of `text`, as capWordsOf gives them. The result is overwritten by the
 * next call.
 */
export function foldedWords(lower: string, text?: string, caps?: number[]): FoldedWords {
  const n = lower.length;
  if (words.offsets.length < n + 2) {
    words.offsets = new Int32Array(n + 2);
    words.fnv = new Uint32Array((n >> 1) + 2);
    words.nameLow = new Int32Array((n >> 1) + 2);
    words.digit = new Uint8Array((n >> 1) + 2);
    words.cues = new Int32Array((n >> 1) + 2);
  }
  const { offsets, fnv, nameLow, digit, cues } = words;
  let astral = false;
  let nt = 0;
  let nc = 0;
  for (let i = 0; i < n; ) {
    let c = lower.charCodeAt(i);
    if (!(c < 128 ? (c >= 97 && c <= 122) || (c >= 48 && c <= 57) : isLetterOrDigitCode(c))) {
      if (c >= 0xd800 && c <= 0xdfff) astral = true;
      i++;
      continue;
    }
    const s0 = i;
    // A token's first a–z is a `\b` start unless "_" is before it (the only ASCII word unit that is not a letter or digit).
    if (c >= 97 && c <= 122 && (i === 0 || lower.charCodeAt(i - 1) !== 95)) cues[nc++] = i;
    let h = 0x811c9dc5;
    let hb = NAME_SEED_B;
    let dg = 0;
    for (;;) {
      if (c >= 48 && c <= 57) dg = 1;
      h = Math.imul(h ^ c, 0x01000193);
      hb = Math.imul(hb ^ c, 0x5bd1e995);
      hb ^= hb >>> 15;
      if (++i >= n) break;
      const prev = c;
      c = lower.charCodeAt(i);
      if (c < 128) {
        if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) break;
        // Inside a token, an a–z after a non-ASCII letter ("øde") is a `\b` start too.
        if (prev >= 128 && c >= 97) cues[nc++] = i;
      } else if (!isLetterOrDigitCode(c)) break;
    }
    // Folding keeps every unit a letter or digit or not one (test/guard/shared-words.test.ts), so the
    // tokens are the text's letter-and-digit runs too: a capitalised word is one that starts with a capital.
    if (caps !== undefined) {
      const c0 = text!.charCodeAt(s0);
      if (c0 < 128 ? c0 >= 65 && c0 <= 90 : isUpperCaseCode(c0)) caps.push(s0, i);
    }
    offsets[2 * nt] = s0;
    offsets[2 * nt + 1] = i;
    fnv[nt] = h >>> 0;
    nameLow[nt] = hb & 0x3fffffff;
    digit[nt] = dg;
    nt++;
  }
  words.count = nt;
  words.astral = astral;
  words.cueCount = nc;
  words.of = lower;
  return words;
}

/**
 * The scan's shared pass over its words: the folded tokens with their cue starts (returned, valid
 * until the next foldedWords call) and st.capWords. Astral capitals (surrogate pairs) are no token
 * units here, so a text with a surrogate has its capitalised words found by capWordsOf.
 */
export function scanWords(st: ScanState): FoldedWords {
  if (st.capWords !== undefined && words.of === st.lower) return words;
  const caps: number[] = [];
  foldedWords(st.lower, st.text, caps);
  st.capWords = words.astral ? capWordsOf(st.text) : caps;
  return words;
}

/** Capitalised words (spans.ts capWordsOf) of the scan's text, found by the shared pass. */
export function capWords(st: ScanState): number[] {
  if (st.capWords === undefined) scanWords(st);
  return st.capWords!;
}
