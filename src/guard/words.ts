/**
 * The word tokens of a scan's folded text, found once and shared by the document fingerprints
 * (k-grams of FNV-1a word hashes) and the facts reader (product-name lookups by another hash):
 * both used to walk every character and hash every word themselves.
 *
 * A token is a run of letters and digits, UTF-16 unit by unit (as the facts reader reads them).
 * The fingerprints read astral letters (surrogate pairs) as letters too, so a text with any
 * surrogate is marked `astral` and the fingerprints tokenise it themselves.
 */
import { isLetterOrDigitCode } from './spans.ts';

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
}

// facts.ts streamHash's second half after "nf:" (firstWordKey's prefix).
let seed = 0x9747b28c;
for (const c of 'nf:') {
  seed = Math.imul(seed ^ c.charCodeAt(0), 0x5bd1e995);
  seed ^= seed >>> 15;
}
export const NAME_SEED_B = seed;

/** Reused from scan to scan (grown on demand): callers read them before the next call. */
const words: FoldedWords = { count: 0, offsets: new Int32Array(4096), fnv: new Uint32Array(2048), nameLow: new Int32Array(2048), digit: new Uint8Array(2048), astral: false };

/** The tokens of folded text. The result is overwritten by the next call. */
export function foldedWords(lower: string): FoldedWords {
  const n = lower.length;
  if (words.offsets.length < n + 2) {
    words.offsets = new Int32Array(n + 2);
    words.fnv = new Uint32Array((n >> 1) + 2);
    words.nameLow = new Int32Array((n >> 1) + 2);
    words.digit = new Uint8Array((n >> 1) + 2);
  }
  const { offsets, fnv, nameLow, digit } = words;
  let astral = false;
  let nt = 0;
  for (let i = 0; i < n; ) {
    let c = lower.charCodeAt(i);
    if (!(c < 128 ? (c >= 97 && c <= 122) || (c >= 48 && c <= 57) : isLetterOrDigitCode(c))) {
      if (c >= 0xd800 && c <= 0xdfff) astral = true;
      i++;
      continue;
    }
    const s0 = i;
    let h = 0x811c9dc5;
    let hb = NAME_SEED_B;
    let dg = 0;
    for (;;) {
      if (c >= 48 && c <= 57) dg = 1;
      h = Math.imul(h ^ c, 0x01000193);
      hb = Math.imul(hb ^ c, 0x5bd1e995);
      hb ^= hb >>> 15;
      if (++i >= n) break;
      c = lower.charCodeAt(i);
      if (!(c < 128 ? (c >= 97 && c <= 122) || (c >= 48 && c <= 57) : isLetterOrDigitCode(c))) break;
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
  return words;
}
