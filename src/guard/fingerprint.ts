/**
 * Confidential-document fingerprints: winnowing (Schleimer, Wilkerson & Aiken 2003, as in
 * MOSS) over word k-grams of normalised text (k = 5, window w = 4). Any copied run of at
 * least w + k − 1 = 8 words shares a fingerprint with the document, whatever the
 * reformatting (case, accents, punctuation, Markdown/HTML markup, line breaks).
 *
 * Documents are labelled confidential or public. Text shared with a public document
 * (feature briefs, flyers, product sheets) is allowed even when a confidential document
 * contains it too.
 */
import { fold } from './context.ts';
import { isLetterOrDigitCode } from './spans.ts';
import type { FoldedWords } from './words.ts';
import { extractFacts, factHash, firstWordKey, lowHash, LowHashSet, type Fact, type NameLookup } from './facts.ts';

/** A fact is stored among a document's hashes as −(hash + 1): fingerprints are never negative. */
const factEntry = (key: string) => -(factHash(key) + 1);

export interface FactMatch {
  documentId: string;
  /** The distinct facts of the document found, with where they are in the text. */
  facts: Fact[];
  /** Distinct facts of the document found / facts the document has (0..1). */
  share: number;
}

/** Word k-gram size. DocumentRegister.match unrolls its k-gram hash for this value. */
export const K = 5;
export const W = 4;

export type DocumentLabel = 'confidential' | 'public';

export interface Token {
  start: number;
  end: number;
  hash: number;
}

const TOKEN = /[\p{L}\p{N}]+/gu;

function hashToken(s: string): number {
  // FNV-1a 32
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Word tokens with UTF-16 offsets and hashes of their folded (lowercase, accent-free) form. */
export function tokenize(text: string): Token[] {
  const lower = fold(text);
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(lower); m; m = TOKEN.exec(lower)) {
    out.push({ start: m.index, end: m.index + m[0].length, hash: hashToken(m[0]) });
  }
  return out;
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const isTokenCharRe = /[\p{L}\p{N}]/u;
/** Tokens of a text with astral letters (see tokenizeFolded); grown on demand, never shrunk. */
const own: FoldedWords = { count: 0, offsets: new Int32Array(2048), fnv: new Uint32Array(1024), nameLow: new Int32Array(0), digit: new Uint8Array(0), astral: true, cues: new Int32Array(0), cueCount: 0, of: '' };
const BLOOM_BITS = 22;
const BLOOM_MASK = (1 << BLOOM_BITS) - 1;

/** Hashes (53-bit numbers) of every word k-gram. */
export function kgramHashes(tokens: Token[], k = K): number[] {
  const out: number[] = [];
  for (let i = 0; i + k <= tokens.length; i++) {
    let a = 0x9747b28c;
    let b = 0x1b873593;
    for (let j = 0; j < k; j++) {
      const t = tokens[i + j]!.hash;
      a = mix(a ^ t);
      b = mix((b + Math.imul(t, 0xcc9e2d51)) | 0);
    }
    out.push((a >>> 11) * 4294967296 + b);
  }
  return out;
}

/** Winnowing: the minimum hash of each window of w consecutive k-gram hashes (rightmost on ties). */
export function winnow(hashes: number[], w = W): Array<{ hash: number; pos: number }> {
  const out: Array<{ hash: number; pos: number }> = [];
  if (hashes.length === 0) return out;
  if (hashes.length < w) {
    let mi = 0;
    for (let i = 1; i < hashes.length; i++) if (hashes[i]! <= hashes[mi]!) mi = i;
    out.push({ hash: hashes[mi]!, pos: mi });
    return out;
  }
  let last = -1;
  for (let s = 0; s + w <= hashes.length; s++) {
    let mi = s;
    for (let i = s + 1; i < s + w; i++) if (hashes[i]! <= hashes[mi]!) mi = i;
    if (mi !== last) {
      out.push({ hash: hashes[mi]!, pos: mi });
      last = mi;
    }
  }
  return out;
}

/**
 * Open-addressing hash table from a 53-bit k-gram hash to an int32, over typed arrays: no heap
 * object per entry, so a register of 1,000 documents adds almost nothing to garbage-collection
 * pauses (a Map of 250,000 number keys made major GCs of several milliseconds).
 */
class HashTable {
  private hi = new Uint32Array(1024);
  private lo = new Uint32Array(1024);
  private val = new Int32Array(1024);
  private used = new Uint8Array(1024);
  size = 0;

  private slot(h: number, l: number, cap: number): number {
    return ((l ^ Math.imul(h, 0x9e3779b1)) >>> 0) % cap;
  }
  get(key: number): number | undefined {
    const h = Math.floor(key / 4294967296) >>> 0;
    const l = key >>> 0;
    const cap = this.used.length;
    for (let i = this.slot(h, l, cap); ; i = i + 1 === cap ? 0 : i + 1) {
      if (!this.used[i]) return undefined;
      if (this.lo[i] === l && this.hi[i] === h) return this.val[i];
    }
  }
  set(key: number, v: number): void {
    if ((this.size + 1) * 10 > this.used.length * 7) this.grow();
    const h = Math.floor(key / 4294967296) >>> 0;
    const l = key >>> 0;
    const cap = this.used.length;
    for (let i = this.slot(h, l, cap); ; i = i + 1 === cap ? 0 : i + 1) {
      if (!this.used[i]) {
        this.used[i] = 1;
        this.hi[i] = h;
        this.lo[i] = l;
        this.val[i] = v;
        this.size++;
        return;
      }
      if (this.lo[i] === l && this.hi[i] === h) {
        this.val[i] = v;
        return;
      }
    }
  }
  private grow(): void {
    const { hi, lo, val, used } = this;
    const cap = used.length * 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.val = new Int32Array(cap);
    this.used = new Uint8Array(cap);
    this.size = 0;
    for (let i = 0; i < used.length; i++) if (used[i]) this.set(hi[i]! * 4294967296 + lo[i]!, val[i]!);
  }
}

export interface DocumentMatch {
  documentId: string;
  start: number;
  end: number;
  /** Fingerprints of the document found in this region. */
  fingerprints: number;
  /** Share of the document's fingerprints found in the whole text (0..1). */
  share: number;
}

/**
 * Register of documents by fingerprint. Memory: one typed-array table entry (13 bytes, table at
 * most 70 % full) per confidential fingerprint (≈ 2/(w+1) of the words) and per k-gram of public documents.
 */
export class DocumentRegister {
  private readonly ids: string[] = [];
  private readonly labels: DocumentLabel[] = [];
  private readonly fpCount: number[] = [];
  /** fingerprint → document index, or −(index into `multi`) − 1 when several documents share it. */
  private readonly index = new HashTable();
  private readonly multi: number[][] = [];
  private readonly publicKgrams = new HashTable();
  private readonly byId = new Map<string, number>();
  /** Fact entry (see factEntry) → the confidential document(s) that state it; facts of public documents. */
  private readonly facts = new Map<number, number | number[]>();
  private readonly publicFacts = new Set<number>();
  private readonly factCount: number[] = [];
  /** Product names of all documents (public too: a public name in a post is found, then passes). */
  private readonly firstWords = new LowHashSet();
  private readonly names: NameLookup = { first: this.firstWords, has: (name) => this.facts.has(factEntry(`name:${name}`)) || this.publicFacts.has(factEntry(`name:${name}`)) };
  /** One bit per fingerprint (low bits of its hash): rejects most k-grams of a post without a Map lookup. */
  private readonly bloom = new Uint8Array(1 << (BLOOM_BITS - 3));

  get size(): number {
    return this.ids.length;
  }

  /** Register a document's text (already extracted from Markdown/HTML/PDF by the caller). */
  addDocument(id: string, text: string, label: DocumentLabel): void {
    this.addFingerprints(id, DocumentRegister.fingerprintsOf(text, label), label);
  }

  /**
   * The hashes a document is registered by (no text): for a confidential document its winnowed
   * fingerprints, for a public one all its k-gram hashes. An application stores these instead
   * of the document and gives them back to `addFingerprints` (53-bit integers, exact in a Float64Array).
   */
  static fingerprintsOf(text: string, label: DocumentLabel): number[] {
    const hashes = kgramHashes(tokenize(text));
    // Its distinctive facts (prices, percentages, dates, codes, product names) ride along as negative entries.
    const keys = extractFacts(text, label === 'public' ? 'public' : 'document').map((f) => f.key);
    // A product name's first word too, so that a post's words are looked up by hash (see matchFacts).
    for (const k of [...keys]) if (k.startsWith('name:')) keys.push(firstWordKey(k.slice(5).split(' ')[0]!));
    const facts = [...new Set(keys.map(factEntry))];
    if (label === 'public') return [...new Set(hashes), ...facts];
    return [...new Set(winnow(hashes).map((f) => f.hash)), ...facts];
  }

  /** Register a document by the hashes from `fingerprintsOf` (same label). */
  addFingerprints(id: string, hashes: Iterable<number>, label: DocumentLabel): void {
    if (this.byId.has(id)) throw new Error(`document ${id} is already registered`);
    const di = this.ids.length;
    this.ids.push(id);
    this.labels.push(label);
    this.byId.set(id, di);
    const fps = new Set<number>();
    const facts = new Set<number>();
    for (const h of hashes) (h < 0 ? facts : fps).add(h);
    // First words of product names: the hashes are the same as factHash(firstWordKey(w)).
    for (const f of facts) this.firstWords.add(lowHash(-f - 1));
    if (label === 'public') {
      for (const h of fps) this.publicKgrams.set(h, 1);
      for (const f of facts) this.publicFacts.add(f);
      this.fpCount.push(0);
      this.factCount.push(0);
      return;
    }
    this.fpCount.push(fps.size);
    this.factCount.push(facts.size);
    for (const f of facts) {
      const cur = this.facts.get(f);
      if (cur === undefined) this.facts.set(f, di);
      else if (typeof cur === 'number') this.facts.set(f, [cur, di]);
      else cur.push(di);
    }
    for (const h of fps) {
      const bit = h % 4294967296 & BLOOM_MASK;
      this.bloom[bit >>> 3]! |= 1 << (bit & 7);
      const cur = this.index.get(h);
      if (cur === undefined) this.index.set(h, di);
      else if (cur >= 0) {
        if (cur !== di) {
          this.multi.push([cur, di]);
          this.index.set(h, -this.multi.length);
        }
      } else {
        const list = this.multi[-cur - 1]!;
        if (!list.includes(di)) list.push(di);
      }
    }
  }

  /**
   * Regions of `text` copied from confidential documents. Every k-gram of the text is looked
   * up (not only its winnowed fingerprints), so all shared document fingerprints are found.
   * Fingerprints shared with a public document, or with many documents (boilerplate), are ignored.
   */
  match(text: string, folded?: string, shared?: FoldedWords): DocumentMatch[] {
    if (this.index.size === 0) return [];
    const lower = folded ?? fold(text);
    // The tokens and their hashes: the scan's shared tokenisation, or (astral letters, or no
    // shared tokens) a pass of our own.
    const words = shared && !shared.astral ? shared : tokenizeFolded(lower);
    const offs = words.offsets;
    const fnv = words.fnv;
    const nt = words.count;
    const boiler = Math.max(3, Math.ceil(this.ids.length * 0.02));
    let hits: Map<number, number[]> | undefined;
    let seen: Map<number, Set<number>> | undefined;
    for (let pos = 0; pos + K <= nt; pos++) {
      const r0 = fnv[pos]!, r1 = fnv[pos + 1]!, r2 = fnv[pos + 2]!, r3 = fnv[pos + 3]!, r4 = fnv[pos + 4]!;
      // k-gram hash, as kgramHashes (unrolled for K = 5). The low half (b) alone decides the bloom
      // filter test, so the high half (a) is only computed for the few k-grams that pass it.
      let b = mix((0x1b873593 + Math.imul(r0, 0xcc9e2d51)) | 0);
      b = mix((b + Math.imul(r1, 0xcc9e2d51)) | 0);
      b = mix((b + Math.imul(r2, 0xcc9e2d51)) | 0);
      b = mix((b + Math.imul(r3, 0xcc9e2d51)) | 0);
      b = mix((b + Math.imul(r4, 0xcc9e2d51)) | 0);
      const bit = b & BLOOM_MASK;
      if ((this.bloom[bit >>> 3]! & (1 << (bit & 7))) === 0) continue;
      const a = mix(mix(mix(mix(mix(0x9747b28c ^ r0) ^ r1) ^ r2) ^ r3) ^ r4);
      const kh = (a >>> 11) * 4294967296 + b;
      const v = this.index.get(kh);
      if (v === undefined) continue;
      if (this.publicKgrams.get(kh) !== undefined) continue;
      const docs = v >= 0 ? [v] : this.multi[-v - 1]!;
      if (docs.length > boiler) continue;
      hits ??= new Map();
      seen ??= new Map();
      for (const d of docs) {
        let l = hits.get(d);
        if (!l) {
          l = [];
          hits.set(d, l);
          seen.set(d, new Set());
        }
        l.push(pos);
        seen.get(d)!.add(kh);
      }
    }
    const out: DocumentMatch[] = [];
    if (!hits) return out;
    for (const [d, positions] of hits) {
      const distinct = seen!.get(d)!.size;
      const share = this.fpCount[d] ? Math.min(1, distinct / this.fpCount[d]!) : 0;
      // Merge k-gram windows that are close (within 2k words) into regions.
      let rs = positions[0]!;
      let re = rs;
      let cnt = 1;
      const flush = () => {
        out.push({ documentId: this.ids[d]!, start: offs[2 * rs]!, end: offs[2 * (re + K - 1) + 1]!, fingerprints: cnt, share });
      };
      for (let j = 1; j < positions.length; j++) {
        const p = positions[j]!;
        if (p - re <= 2 * K + W) {
          re = p;
          cnt++;
        } else {
          flush();
          rs = re = p;
          cnt = 1;
        }
      }
      flush();
    }
    return out;
  }

  /**
   * Confidential documents two or more of whose distinctive facts the text states (a paraphrase
   * keeps them when it changes every word). Facts also in a public document, or stated by many
   * documents (boilerplate), do not count.
   */
  matchFacts(text: string, folded?: string, shared?: FoldedWords): FactMatch[] {
    if (this.facts.size === 0) return [];
    const found = extractFacts(text, this.names, folded, shared);
    if (found.length < 2) return [];
    const boiler = Math.max(3, Math.ceil(this.ids.length * 0.02));
    const perDoc = new Map<number, Map<string, Fact>>();
    for (const f of found) {
      const e = factEntry(f.key);
      const docs = this.facts.get(e);
      if (docs === undefined || this.publicFacts.has(e)) continue;
      const list = typeof docs === 'number' ? [docs] : docs;
      if (list.length > boiler) continue;
      for (const d of list) {
        let m = perDoc.get(d);
        if (!m) perDoc.set(d, (m = new Map()));
        if (!m.has(f.key)) m.set(f.key, f);
      }
    }
    const out: FactMatch[] = [];
    for (const [d, m] of perDoc) {
      if (m.size < 2) continue;
      out.push({ documentId: this.ids[d]!, facts: [...m.values()], share: this.factCount[d] ? m.size / this.factCount[d]! : 0 });
    }
    return out;
  }

  /** Document label by id. */
  label(id: string): DocumentLabel | undefined {
    const i = this.byId.get(id);
    return i === undefined ? undefined : this.labels[i];
  }
}

/**
 * Tokens of folded text as `tokenize` finds them (astral letters included, surrogate pairs hashed
 * unit by unit), with FNV-1a hashes only: for texts words.ts marks astral.
 */
function tokenizeFolded(lower: string): FoldedWords {
  const n = lower.length;
  if (own.offsets.length < n + 2) {
    own.offsets = new Int32Array(n + 2);
    own.fnv = new Uint32Array((n >> 1) + 2);
  }
  let nt = 0;
  let i = 0;
  while (i < n) {
    let c = lower.charCodeAt(i);
    let w = 1;
    const tok = c < 128 ? (c >= 97 && c <= 122) || (c >= 48 && c <= 57) : isTokenChar(lower, i);
    if (!tok) {
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) i += 2;
      else i++;
      continue;
    }
    // (A token's first unit is read alone, as the original one-pass loop did: kept for identical hashes.)
    const start = i;
    let h = 0x811c9dc5;
    for (;;) {
      h ^= c;
      h = Math.imul(h, 0x01000193);
      if (w === 2) {
        h ^= lower.charCodeAt(i + 1);
        h = Math.imul(h, 0x01000193);
      }
      i += w;
      if (i >= n) break;
      c = lower.charCodeAt(i);
      if (c < 128) {
        if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) break;
        w = 1;
      } else {
        if (!isTokenChar(lower, i)) break;
        w = c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
      }
    }
    own.offsets[2 * nt] = start;
    own.offsets[2 * nt + 1] = i;
    own.fnv[nt] = h >>> 0;
    nt++;
  }
  own.count = nt;
  return own;
}

function isTokenChar(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) return isTokenCharRe.test(s.slice(i, i + 2));
  return isLetterOrDigitCode(c);
}
