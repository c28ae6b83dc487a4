/** Span bookkeeping used by the orchestrator: validated detectors claim spans first. */
import type { GuardOptions, Finding } from './types.ts';
import type { WordClass } from './detectors/person-model.ts';

export class Claims {
  private readonly spans: Array<[number, number, string]> = [];
  /** `kind` names what claimed the span ("date"), for overlaps' exception. */
  add(start: number, end: number, kind = ''): void {
    this.spans.push([start, end, kind]);
  }
  /**
   * True when [start,end) overlaps any claimed span, except spans of kind `insideOk` that lie wholly
   * within it (a date inside a street name: "str. 31 August 1989, 121a").
   */
  overlaps(start: number, end: number, insideOk?: string): boolean {
    for (const [s, e, k] of this.spans) if (start < e && s < end && !(insideOk !== undefined && k === insideOk && start <= s && e <= end)) return true;
    return false;
  }
/** True when [start,end) lies within a claimed span. */
  within(start: number, end: number): boolean {
    for (const [s, e] of this.spans) if (s <= start && end <= e) return true;
    return false;
  }
}

/** State shared by the detectors during one scan. */
export interface ScanState {
  text: string;
  /** fold(text): lowercased, accent-free, same length as text. */
  lower: string;
  /** text with full-width digits and plus ("＋１ ６５０") as ASCII, same length: what number detectors read. */
  norm?: string;
  options: GuardOptions;
  /** Spans claimed by validated detectors (IBAN, card, e-mail, own number formats, addresses, dates...). */
  claims: Claims;
  /** Findings so far, in detector order. */
  findings: Finding[];
  /** Cached by digitRuns(). */
  digitRuns?: number[];
  /** Cached by capWords() (words.ts). */
  capWords?: number[];
  /** Cached by wordTokens(). */
  words?: number[];
  /** Cached by wordTokens(): each word's shared record (wordRecords), one per word of `words`. */
  wordRecs?: WordRecord[];
  /** Cached by cueMatches() (cue-words.ts): each cue pattern's matches in `lower`. */
  cueMatches?: number[][];
  /** Name-like spans of two or more words the person model saw (any case, any score), [start, end, ...]: register name candidates. */
  nameSpans?: number[];
}

export function isWordChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127
  );
}

/** The regex `\s` class for one UTF-16 unit (ECMAScript WhiteSpace and LineTerminator), without a regex. */
export function isRegexSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : Math.round(x * 1000) / 1000;
}

/** Digits of a string. */
export function digitsOf(s: string): string {
  return s.replace(/\D+/g, '');
}

/**
 * Anchor pre-filter, computed once per scan: runs of ASCII digits as [start, end) pairs.
 * Every number-bearing detector (phones, dates, addresses, ...) needs a digit, so it only
 * runs its expensive regular expressions on small windows around these anchors.
 */
const DIGIT_RUN = /\d+/g;
const FULLWIDTH = /[\uff0b\uff10-\uff19]/g;
/** The text with full-width digits and plus sign mapped to ASCII (one unit for one: offsets stay). */
export function normDigits(st: ScanState): string {
  if (st.norm === undefined) {
    FULLWIDTH.lastIndex = 0;
    st.norm = FULLWIDTH.test(st.text) ? st.text.replace(FULLWIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)) : st.text;
  }
  return st.norm;
}

export function digitRuns(st: ScanState): number[] {
  if (st.digitRuns) return st.digitRuns;
  const out: number[] = [];
  const t = normDigits(st);
  DIGIT_RUN.lastIndex = 0;
  for (let m = DIGIT_RUN.exec(t); m; m = DIGIT_RUN.exec(t)) out.push(m.index, m.index + m[0].length);
  st.digitRuns = out;
  return out;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 0xa0;
}

/**
 * Merge windows [a − before, b + after) around anchor spans (flat [start, end, start, end, ...],
 * sorted by start), snapped outwards to whitespace so that no token is cut at a window edge.
 * Returns flat [start, end, ...] pairs, disjoint and sorted.
 */
export function windows(text: string, anchors: readonly number[], before: number, after: number): number[] {
  const out: number[] = [];
  const n = text.length;
  for (let i = 0; i < anchors.length; i += 2) {
    let s = Math.max(0, anchors[i]! - before);
    let e = Math.min(n, anchors[i + 1]! + after);
    const k = out.length;
    if (k && s <= out[k - 1]!) {
      // overlaps the previous window: only the end can move
      if (e <= out[k - 1]!) continue;
      const elim = Math.min(n, e + 64);
      while (e < elim && !isSpace(text.charCodeAt(e))) e++;
      out[k - 1] = e;
      continue;
    }
    const lim = Math.max(0, s - 64);
    while (s > lim && !isSpace(text.charCodeAt(s - 1))) s--;
    const elim = Math.min(n, e + 64);
    while (e < elim && !isSpace(text.charCodeAt(e))) e++;
    if (k && s <= out[k - 1]!) out[k - 1] = Math.max(out[k - 1]!, e);
    else out.push(s, e);
  }
  return out;
}

/**
 * windows(text, runs, before, after) for a pattern whose matches each begin at an anchor (a digit run)
 * where `canStart(anchorStart)` holds: the windows without such an anchor are left out (most digit runs of a
 * post cannot start a phone number or a customer number). When all the windows cover most of the text, the
 * whole text, as execIn and execInAt would search it for all of them, so the matches are the same.
 */
export function windowsWhere(text: string, runs: readonly number[], before: number, after: number, canStart: (start: number) => boolean): number[] {
  const wins = windows(text, runs, before, after);
  if (coversMost(text, wins)) return [0, text.length];
  const out: number[] = [];
  let r = 0;
  for (let i = 0; i < wins.length; i += 2) {
    let keep = false;
    // Windows hold their anchors whole, in order.
    for (; r < runs.length && runs[r]! < wins[i + 1]!; r += 2) if (!keep && canStart(runs[r]!)) keep = true;
    if (keep) out.push(wins[i]!, wins[i + 1]!);
  }
  return out;
}

/**
 * All matches of a global regex inside the windows, with `index` in whole-text offsets.
 * When the windows cover most of the text, the whole text is searched once instead.
 */
export function execIn(re: RegExp, text: string, wins: readonly number[]): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  eachWindow(text, wins, (sub, s) => {
    re.lastIndex = 0;
    for (let m = re.exec(sub); m; m = re.exec(sub)) {
      if (m[0].length === 0) re.lastIndex++;
      if (s) m.index += s;
      out.push(m);
    }
  });
  return out;
}

/** True when the windows cover most of the text: execIn and execInAt then search it whole, once. */
export function coversMost(text: string, wins: readonly number[]): boolean {
  let covered = 0;
  for (let i = 0; i < wins.length; i += 2) covered += wins[i + 1]! - wins[i]!;
  return covered > text.length * 0.6;
}

/** Calls `search` with each window's text and start offset: the whole text once when the windows
 * cover most of it (execIn, execInAt). */
export function eachWindow(text: string, wins: readonly number[], search: (sub: string, start: number) => void): void {
  if (coversMost(text, wins)) wins = [0, text.length];
  for (let i = 0; i < wins.length; i += 2) {
    const s = wins[i]!;
    const e = wins[i + 1]!;
    search(s === 0 && e === text.length ? text : text.slice(s, e), s);
  }
}

/**
 * execIn for a pattern that begins with a lookbehind for no letter or digit ((?<![\p{L}\p{N}]…)) and
 * whose matches can only start at a unit c where `canStart(c, sub, p)` holds (p: the offset in the window's
 * text `sub`, for a test of what is written there): its sticky copy runs only at those positions, in order, instead of a global search trying the pattern at every position. The
 * same matches as execIn with the global pattern, provided canStart is true wherever a match may start.
 */
export function execInAt(sticky: RegExp, text: string, wins: readonly number[], canStart: (c: number, sub: string, p: number) => boolean): RegExpExecArray[] {
  if (!sticky.sticky) throw new Error('execInAt needs a sticky pattern');
  const out: RegExpExecArray[] = [];
  eachWindow(text, wins, (sub, s) => {
    const n = sub.length;
    for (let p = 0; p < n; ) {
      // After a (BMP) letter or digit the lookbehind fails: inside words, go on without asking canStart.
      if ((p > 0 && isLetterOrDigitCode(sub.charCodeAt(p - 1))) || !canStart(sub.charCodeAt(p), sub, p)) {
        p++;
        continue;
      }
      sticky.lastIndex = p;
      const m = sticky.exec(sub);
      if (!m) {
        p++;
        continue;
      }
      p = m[0].length === 0 ? p + 1 : p + m[0].length;
      if (s) m.index += s;
      out.push(m);
    }
  });
  return out;
}

/**
 * A canStart test for execInAt: an upper-case letter (`upper`; a high surrogate passes too: an astral
 * capital), an ASCII lower-case letter or any non-ASCII unit (`lower`), an ASCII digit (`digit`), or
 * one of `chars`.
 */
export function wordStart(spec: { upper?: boolean; lower?: boolean; digit?: boolean; chars?: string }): (c: number) => boolean {
  const chars = new Set([...(spec.chars ?? '')].map((ch) => ch.charCodeAt(0)));
  const upper = spec.upper === true;
  const lower = spec.lower === true;
  const digit = spec.digit === true;
  return (c) => {
    if (upper && (isUpperCaseCode(c) || (c >= 0xd800 && c <= 0xdbff))) return true;
    if (lower && ((c >= 97 && c <= 122) || c >= 128)) return true;
    if (digit && c >= 48 && c <= 57) return true;
    return chars.has(c);
  };
}

/** Start offsets (as [start, start+len] pairs) of every match of a global regex over `s`. */
export function anchorsOf(re: RegExp, s: string, len = 0): number[] {
  const out: number[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m[0].length === 0) re.lastIndex++;
    out.push(m.index, m.index + (len || m[0].length));
  }
  return out;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
/** Per UTF-16 unit: 0 = not yet known, 1 = letter or digit (\p{L}/\p{N}), 2 = neither. Filled lazily. */
const WORD_CODE = new Uint8Array(65536);
for (let c = 0; c < 128; c++) WORD_CODE[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 1 : 2;
/** True when the UTF-16 unit is a letter or digit of the Basic Multilingual Plane (surrogates: false). */
export function isLetterOrDigitCode(c: number): boolean {
  let v = WORD_CODE[c]!;
  if (v === 0) {
    v = c >= 0xd800 && c <= 0xdfff ? 2 : LETTER_OR_DIGIT.test(String.fromCharCode(c)) ? 1 : 2;
    WORD_CODE[c] = v;
  }
  return v === 1;
}


/** Per UTF-16 unit of the Basic Multilingual Plane: 0 = not yet known, 1 = upper-case letter (\p{Lu}), 2 = other letter or digit (\p{L}, \p{N}), 3 = neither. */
const CAP_CODE = new Uint8Array(65536);
const UPPER = /^\p{Lu}$/u;
const WORD_CP = /^[\p{L}\p{N}]$/u;
function capCode(c: number): number {
  let v = CAP_CODE[c]!;
  if (v === 0) {
    const s = String.fromCharCode(c);
    v = UPPER.test(s) ? 1 : WORD_CP.test(s) ? 2 : 3;
    CAP_CODE[c] = v;
  }
  return v;
}
/** True when the UTF-16 unit is an upper-case letter (\p{Lu}) of the Basic Multilingual Plane. */
export function isUpperCaseCode(c: number): boolean {
  return capCode(c) === 1;
}
/** Class (as capCode) of the code point at i, and its length in UTF-16 units (2 for a surrogate pair). */
function classAt(t: string, i: number): [number, number] {
  const c = t.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) return [capCode(c), 1];
  const cp = t.codePointAt(i)!;
  if (cp <= 0xffff) return [3, 1]; // a lone surrogate
  const s = String.fromCodePoint(cp);
  return [UPPER.test(s) ? 1 : WORD_CP.test(s) ? 2 : 3, 2];
}

/**
 * Words (runs of letters and digits) that start with an upper-case letter, as [start, end) pairs:
 * person names and register name candidates start there. The same as the matches of
 * /\p{Lu}[\p{L}\p{N}]* /gu not preceded by a letter or digit, by a table-driven loop (the
 * Unicode-property pattern cost more than all the name patterns together). A scan gets them from its
 * shared word pass (words.ts capWords), which calls this for texts with astral letters only.
 */
export function capWordsOf(t: string): number[] {
  const out: number[] = [];
  const n = t.length;
  let i = 0;
  while (i < n) {
    const c = t.charCodeAt(i);
    // ASCII answered in place (most of a post): only A–Z is an upper-case letter there.
    if (c < 128 && (c < 65 || c > 90)) {
      i++;
      continue;
    }
    let k: number;
    let len = 1;
    if (c < 0xd800 || c > 0xdfff) k = capCode(c);
    else [k, len] = classAt(t, i);
    if (k !== 1) {
      i += len;
      continue;
    }
    const start = i;
    i += len;
    while (i < n) {
      const d = t.charCodeAt(i);
      if (d < 128) {
        // An ASCII letter or digit goes on; any other ASCII unit ends the word.
        if ((d >= 97 && d <= 122) || (d >= 65 && d <= 90) || (d >= 48 && d <= 57)) {
          i++;
          continue;
        }
        break;
      }
      if (d < 0xd800 || d > 0xdfff) {
        if (capCode(d) === 3) break;
        i++;
      } else {
        const [k2, l2] = classAt(t, i);
        if (k2 === 3) break;
        i += l2;
      }
    }
    if (start > 0 && isLetterOrDigitCode(t.charCodeAt(start - 1))) continue; // inside a word ("iPhone")
    out.push(start, i);
  }
  return out;
}

/**
 * Words (letters and marks, with inner apostrophes and hyphens; a possessive "'s" left out), computed
 * once per scan as [start, end] pairs: the person model and the street-word anchors read them.
 */
const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;
/** Per UTF-16 unit of the Basic Multilingual Plane: 0 = not yet known, 1 = letter or mark (\p{L}, \p{M}), 2 = neither. */
const LM_CODE = new Uint8Array(65536);
/** Length in UTF-16 units of the letter or mark code point at i, or 0 when there is none. */
function letterOrMarkAt(t: string, i: number): number {
  if (i >= t.length) return 0;
  const c = t.charCodeAt(i);
  // ASCII first (most of a post): a letter, or not a letter or mark.
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) ? 1 : 0;
  if (c < 0xd800 || c > 0xdfff) {
    let v = LM_CODE[c]!;
    if (v === 0) {
      v = LETTER_OR_MARK.test(String.fromCharCode(c)) ? 1 : 2;
      LM_CODE[c] = v;
    }
    return v === 1 ? 1 : 0;
  }
  const cp = t.codePointAt(i)!;
  if (cp <= 0xffff) return 0; // a lone surrogate
  return LETTER_OR_MARK.test(String.fromCodePoint(cp)) ? 2 : 0;
}

// Scratch arrays of wordTokens, reused from scan to scan: the words are written here and copied out at
// their exact size (two arrays grown by push, a few hundred entries each, allocated ~3× what they keep).
const TOKENS: number[] = [];
const RECS: WordRecord[] = [];

/**
 * The matches of /[\p{L}\p{M}]+(?:['’\-](?![sS](?![\p{L}\p{M}]))[\p{L}\p{M}]+)* /gu by a table-driven
 * loop (the regex and its match arrays cost more than the person model that reads the words).
 * The same loop hashes each word's units (FNV-1a, as SpanCache.get) and looks its shared record up
 * (`st.wordRecs`, see wordRecords): the person model and the street-word anchors read the records
 * instead of hashing and comparing every word again in caches of their own.
 */
export function wordTokens(st: ScanState): number[] {
  if (st.words) return st.words;
  const out = TOKENS;
  const recs = RECS;
  let k = 0;
  const t = st.text;
  const n = t.length;
  let i = 0;
  while (i < n) {
    const c0 = t.charCodeAt(i);
    // Not a letter: ASCII answered in place.
    if (c0 < 65 || (c0 > 90 && c0 < 97) || (c0 > 122 && c0 < 128)) {
      i++;
      continue;
    }
    let l = letterOrMarkAt(t, i);
    if (l === 0) {
      i++;
      continue;
    }
    const start = i;
    let h = 0x811c9dc5;
    for (;;) {
      while (l > 0) {
        h = Math.imul(h ^ t.charCodeAt(i), 0x01000193);
        if (l === 2) h = Math.imul(h ^ t.charCodeAt(i + 1), 0x01000193);
        i += l;
        // ASCII letters in place (most of a post), without a call per character.
        let c = i < n ? t.charCodeAt(i) : 0;
        while ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
          h = Math.imul(h ^ c, 0x01000193);
          c = ++i < n ? t.charCodeAt(i) : 0;
        }
        l = c < 128 ? 0 : letterOrMarkAt(t, i);
      }
      // An inner apostrophe or hyphen joins two runs, except a possessive "'s" at the end of a word.
      const c = t.charCodeAt(i);
      if (c !== 39 && c !== 0x2019 && c !== 45) break;
      const d = t.charCodeAt(i + 1);
      if ((d === 115 || d === 83) && letterOrMarkAt(t, i + 2) === 0) break;
      l = letterOrMarkAt(t, i + 1);
      if (l === 0) break;
      h = Math.imul(h ^ c, 0x01000193);
      i += 1;
    }
    out[2 * k] = start;
    out[2 * k + 1] = i;
    recs[k++] = WORD_RECORDS.getHashed(t, start, i, h, newWordRecord);
  }
  const words = out.slice(0, 2 * k);
  st.words = words;
  st.wordRecs = recs.slice(0, k);
  return words;
}

/**
 * What is known of a word as written (a wordTokens token), shared by the detectors that read the
 * words and filled lazily by each of them: the person model's class, the street-word test.
 */
export interface WordRecord {
  /** The word (the cache's key). */
  readonly word: string;
  /** The person model's class of the word (person-model.ts wordClass), once asked. */
  cls: WordClass | undefined;
  /** address-world.ts isStreetWord: 0 = not yet asked, 1 = a street word, 2 = not. */
  street: number;
}
const newWordRecord = (word: string): WordRecord => ({ word, cls: undefined, street: 0 });

/** The shared record of the word text[s, e) (hashed here, as get does): for tests of the hash wordTokens computes. */
export function wordRecordAt(text: string, s: number, e: number): WordRecord {
  return WORD_RECORDS.get(text, s, e, newWordRecord);
}

/** The shared records of wordTokens(st), one per word. */
export function wordRecords(st: ScanState): WordRecord[] {
  if (!st.wordRecs) wordTokens(st);
  return st.wordRecs!;
}

/**
 * A bounded cache from a stretch of text (its UTF-16 units) to a value, looked up by the span's
 * offsets without cutting it out as a new string: the per-word caches of the person model and the
 * street-word anchors are asked once per word of every post, and slicing each word and hashing the
 * new string cost more than the look-up itself. Open addressing over an FNV-1a hash of the units;
 * a hit compares the units with the stored key. Cleared when it holds `limit` keys.
 *
 * Each slot holds the key's hash, its index and where its units are in one pool of units, side by
 * side in one typed array: a look-up reads one slot and the pool, not a hash array, a key array and
 * the key's string apart (between two posts the other detectors push these out of the CPU caches, so
 * every separate read of a word's look-up was a cache miss).
 */
export class SpanCache<T> {
  /** Per slot: [hash, key index + 1 (0: empty), offset of the key's units in `pool`, key length]. */
  private slots = new Int32Array(4 << 12);
  private pool = new Uint16Array(1 << 14);
  private used = 0;
  private vals: T[] = [];
  constructor(private readonly limit: number) {}

  /** The value for text[s, e), made by `make(text.slice(s, e))` the first time. */
  get(text: string, s: number, e: number, make: (word: string) => T): T {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return this.getHashed(text, s, e, h, make);
  }

  /** get() with the span's FNV-1a hash (as get computes it) given by the caller, which found it while tokenising. */
  getHashed(text: string, s: number, e: number, h: number, make: (word: string) => T): T {
    const slots = this.slots;
    const pool = this.pool;
    const mask = (slots.length >> 2) - 1;
    const len = e - s;
    let i = h & mask;
    for (;;) {
      const q = i << 2;
      const k = slots[q + 1]!;
      if (k === 0) break;
      if (slots[q] === h && slots[q + 3] === len) {
        const off = slots[q + 2]!;
        let j = 0;
        while (j < len && pool[off + j] === text.charCodeAt(s + j)) j++;
        if (j === len) return this.vals[k - 1]!;
      }
      i = (i + 1) & mask;
    }
    const word = text.slice(s, e);
    const v = make(word);
    if (this.vals.length >= this.limit) {
      this.slots.fill(0);
      this.used = 0;
      this.vals = [];
      return v; // stored from the next call on
    }
    if (this.used + len > this.pool.length) {
      const grown = new Uint16Array(Math.max(this.pool.length * 2, this.used + len));
      grown.set(this.pool.subarray(0, this.used));
      this.pool = grown;
    }
    const off = this.used;
    for (let j = 0; j < len; j++) this.pool[off + j] = text.charCodeAt(s + j);
    this.used += len;
    this.vals.push(v);
    const q = i << 2;
    slots[q] = h;
    slots[q + 1] = this.vals.length;
    slots[q + 2] = off;
    slots[q + 3] = len;
    if (this.vals.length * 2 > slots.length >> 2) this.grow();
    return v;
  }

  private grow(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    const mask = (slots.length >> 2) - 1;
    for (let p = 0; p < old.length; p += 4) {
      if (old[p + 1] === 0) continue;
      let i = old[p]! & mask;
      while (slots[(i << 2) + 1] !== 0) i = (i + 1) & mask;
      slots.set(old.subarray(p, p + 4), i << 2);
    }
    this.slots = slots;
  }
}

// Words repeat across posts; bounded (as the per-detector caches it replaces: 200,000 and 100,000 words).
const WORD_RECORDS = new SpanCache<WordRecord>(200_000);
