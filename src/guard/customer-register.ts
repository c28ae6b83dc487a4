/**
 * Customer register with exact data matching (as Microsoft Purview EDM).
 *
 * Plaintext values are given once to `addRecord`, normalised (case, accents, spacing,
 * phone numbers to E.164) and kept only as keyed hashes: HMAC-SHA-256 with the
 * installation secret, truncated to 64 bits. Nothing else of the value is retained.
 *
 * Storage is an open-addressing hash table over typed arrays (12 bytes per field value:
 * 64-bit key + 32-bit record id·8+field), so 1 million records × 5 fields fit in about
 * 100 MB. `serialize()` writes the hashes (no plaintext) so the app can store them in its
 * database; `fromSerialized()` reads them back and refuses a different secret.
 */
import { createHmac } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { FastHmacSha256 } from './hmac.ts';

export const CUSTOMER_FIELDS = ['name', 'phone', 'email', 'address', 'customer_number', 'iban'] as const;
export type CustomerField = (typeof CUSTOMER_FIELDS)[number];
export type CustomerRecordInput = Partial<Record<CustomerField, string | null | undefined>>;

const FIELD_CODE: Record<CustomerField, number> = { name: 0, phone: 1, email: 2, address: 3, customer_number: 4, iban: 5 };
const EMPTY = 0xffffffff;
/** Field code 7 (never a real field) in a slot value: the key is held by several values, listed from node value >>> 3. */
const CHAIN = 7;
const isChain = (v: number) => (v & 7) === CHAIN && v !== EMPTY;
const MAGIC = 0x50474352; // "PGCR"
/** Version 2 adds the value shapes (see CustomerRegister.shapes) after the secret check; version 1 is still read. */
const VERSION = 2;
const SHAPE_WORDS = 16; // 8 field codes × (starts with a digit, starts with something else)
/** Shape bit of a normalised value: its length (31 = 31 or longer). */
const shapeBit = (n: string) => 1 << (n.length < 31 ? n.length : 31);
const shapeWord = (code: number, n: string) => code * 2 + (n.charCodeAt(0) - 48 >>> 0 < 10 ? 0 : 1);

const ASCII = /^[\x00-\x7f]*$/;
function stripAccents(s: string): string {
  if (ASCII.test(s)) return s; // nothing to decompose: skip the (slow) Unicode normalisation
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
}

const TITLES = /^(?:mr|mrs|ms|miss|mx|dr|sir|dhr|mevr|mw|meneer|mevrouw|de heer|ir|ing|drs|mr)\.?\s+/;

/**
 * ASCII letters and digits in words apart by single spaces ("Jan de Vries"), the usual name
 * candidate of a post: the accent, punctuation and spacing replacements below leave it as it is
 * (the register looks up a dozen such candidates per post).
 */
function plainWords(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57)) continue;
    if (c !== 32 || i === 0 || i === n - 1 || s.charCodeAt(i - 1) === 32) return false;
  }
  return true;
}

/** "  Dhr. Jan  de Vriës " → "jan de vries". */
export function normaliseName(raw: string): string {
  let s = plainWords(raw) ? raw.toLowerCase() : stripAccents(raw).toLowerCase().replace(/[’']/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  for (let i = 0; i < 2; i++) s = s.replace(TITLES, '');
  return s.replace(/\s+/g, ' ');
}

/** Any written form of a phone number → E.164 ("+31612345678"); null when not a valid number. */
export function normalisePhone(raw: string, region: CountryCode = 'NL', extraRegions: readonly CountryCode[] = ['GB', 'BE', 'DE', 'US']): string | null {
  const t = raw.trim();
  // A number without + or trunk 0 written like "(312) 555-0122" is North American.
  const order: CountryCode[] = /^\(?[2-9]\d{2}\)?[-. ]?\d{3}[-. ]\d{4}$/.test(t) ? ['US', region, ...extraRegions] : [region, ...extraRegions];
  for (const r of order) {
    const p = parsePhoneNumberFromString(raw.trim(), r);
    if (p && p.isValid()) return p.number;
  }
  return null;
}

export function normaliseEmail(raw: string): string {
  return stripAccents(raw.trim()).toLowerCase();
}

/** "KL-482.1937" → "KL4821937". */
export function normaliseCustomerNumber(raw: string): string {
  return stripAccents(raw).toUpperCase().replace(/[^A-Z0-9]/g, '');
}

export function normaliseIban(raw: string): string {
  return raw.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

const STREET_ABBREV: Array<[RegExp, string]> = [
  [/\bstr\b/g, 'straat'],
  [/\bstrasse\b/g, 'strasse'],
  [/\bst\b/g, 'street'],
  [/\brd\b/g, 'road'],
  [/\bave?\b/g, 'avenue'],
  [/\bln\b/g, 'lane'],
  [/\bdr\b/g, 'drive'],
  [/\bblvd\b/g, 'boulevard'],
];

/**
 * Address keys: the street + house number part ("keizersgracht 123") and, where a Dutch
 * postcode is present, postcode + house number ("1015cj 123"). Both are hashed.
 */
export function normaliseAddress(raw: string): string[] {
  const s = stripAccents(raw).toLowerCase().replace(/ß/g, 'ss');
  const keys: string[] = [];
  const firstPart = s.split(/[,\n]/)[0] ?? '';
  let street = firstPart.replace(/[^\p{L}\p{N}]+/gu, ' ').trim().replace(/\s+/g, ' ');
  for (const [re, rep] of STREET_ABBREV) street = street.replace(re, rep);
  if (/\d/.test(street) && /\p{L}{3}/u.test(street)) keys.push(street);
  const pc = /\b([1-9]\d{3})\s?([a-z]{2})\b/.exec(s);
  const house = /(?:^|\s)(\d{1,5})(?:\s?[a-z]\b)?/.exec(firstPart);
  if (pc && house) keys.push(`${pc[1]}${pc[2]} ${house[1]}`);
  return keys;
}

export interface RegisterHit {
  recordId: number;
  field: CustomerField;
}

export class CustomerRegister {
  private readonly secret: Buffer;
  private readonly hmac: FastHmacSha256;
  readonly defaultRegion: CountryCode;
  /** Open-addressing table: one slot per distinct 64-bit key. */
  private hi: Uint32Array;
  private lo: Uint32Array;
  /**
   * A value (record id·8 + field code 0–5), or (first node + 1)·8 + CHAIN when several values
   * share the key ("Jan Jansen", a household's address): they form a linked list in the overflow
   * arrays, newest first. Without it every record of a common name took a slot of its own in one
   * probe run, so inserts and every lookup landing in that run grew with the number of such
   * records (a quadratic import).
   */
  private val: Uint32Array;
  private ovVal: Uint32Array;
  private ovNext: Uint32Array;
  private ovUsed = 0;
  private cap: number;
  private slots = 0;
  private used = 0;
  private records = 0;
  /**
   * Which lengths the stored values of each field have, split by whether they start with a digit:
   * a post's number tokens whose length no registered customer number has are not hashed at all.
   * Bits only (lengths up to 30, and "31 or longer"); values added as bare hashes set every bit.
   */
  private readonly shapes = new Uint32Array(SHAPE_WORDS);
  /** Probe steps taken by inserts and lookups (work counter, for tests and profiling). */
  probes = 0;

  /**
   * @param secret installation secret (≥ 16 bytes), the HMAC key
   * @param opts.expectedRecords pre-size the table (an import of N records should pass N: avoids growing)
   */
  constructor(secret: string | Uint8Array, opts: { defaultRegion?: CountryCode; expectedRecords?: number; expectedEntries?: number } = {}) {
    if ((typeof secret === 'string' ? Buffer.byteLength(secret) : secret.length) < 16) throw new Error('the installation secret must be at least 16 bytes');
    this.secret = Buffer.from(secret);
    this.hmac = new FastHmacSha256(this.secret);
    this.defaultRegion = opts.defaultRegion ?? 'NL';
    const want = Math.ceil((opts.expectedEntries ?? (opts.expectedRecords ?? 0) * 6) / 0.75) + 1;
    const cap = Math.max(1024, want);
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.val = new Uint32Array(cap).fill(EMPTY);
    this.ovVal = new Uint32Array(0);
    this.ovNext = new Uint32Array(0);
    this.cap = cap;
  }

  /** Number of records added. */
  get recordCount(): number {
    return this.records;
  }
  /** Number of hashed values stored. */
  get entryCount(): number {
    return this.used;
  }
  /** Bytes held by the hash table and the overflow lists. */
  get byteLength(): number {
    return this.hi.byteLength + this.lo.byteLength + this.val.byteLength + this.ovVal.byteLength + this.ovNext.byteLength;
  }

  /** The 64-bit keyed hash of an already-normalised value, as two 32-bit halves. */
  private key(field: CustomerField, normalised: string): [number, number] {
    return this.hmac.digest64(`${FIELD_CODE[field]}\u0000${normalised}`);
  }

  /** Hex of the 64-bit keyed hash (for storing rows in a database). */
  hashNormalised(field: CustomerField, normalised: string): string {
    const [h, l] = this.key(field, normalised);
    return h.toString(16).padStart(8, '0') + l.toString(16).padStart(8, '0');
  }

  /** Normalised keys for a raw value of a field (an address gives up to two). */
  normalise(field: CustomerField, raw: string): string[] {
    switch (field) {
      case 'name': {
        const n = normaliseName(raw);
        return n.includes(' ') ? [n] : [];
      }
      case 'phone': {
        const p = normalisePhone(raw, this.defaultRegion);
        return p ? [p] : [];
      }
      case 'email':
        return raw.includes('@') ? [normaliseEmail(raw)] : [];
      case 'address':
        return normaliseAddress(raw);
      case 'customer_number': {
        const c = normaliseCustomerNumber(raw);
        // People write their number without its letter prefix ("8754185" for "KL-8754185"): the
        // digits are a second key of the record when there are enough of them to be distinctive.
        const digits = /^[A-Z]{1,4}(\d{6,})$/.exec(c)?.[1];
        return c.length >= 4 ? (digits ? [c, digits] : [c]) : [];
      }
      case 'iban': {
        const i = normaliseIban(raw);
        return i.length >= 12 ? [i] : [];
      }
    }
  }

  /**
   * Add one customer record. The plaintext is normalised, hashed and dropped.
   * Returns the record id (0, 1, 2, ... in order of addition) for the caller to map to its own id.
   */
  addRecord(fields: CustomerRecordInput): number {
    const id = this.records++;
    if (id >= 0x1fffffff) throw new Error('customer register is full');
    for (const f of CUSTOMER_FIELDS) {
      const raw = fields[f];
      if (!raw) continue;
      for (const n of this.normalise(f, raw)) this.addNormalised(f, n, id);
    }
    return id;
  }

  /** Add an already-normalised value of a record (as `normalise` returns it), e.g. during an import. */
  addNormalised(field: CustomerField, normalised: string, recordId: number): void {
    const [h, l] = this.key(field, normalised);
    this.insert(h, l, recordId * 8 + FIELD_CODE[field]);
    this.shapes[shapeWord(FIELD_CODE[field], normalised)]! |= shapeBit(normalised);
    if (recordId >= this.records) this.records = recordId + 1;
  }

  /** False when no stored value of this field has the length and first-character class of `normalised` (no hashing needed). */
  mayHold(field: CustomerField, normalised: string): boolean {
    return (this.shapes[shapeWord(FIELD_CODE[field], normalised)]! & shapeBit(normalised)) !== 0;
  }

  /** True when any value of this field is stored. */
  holds(field: CustomerField): boolean {
    const c = FIELD_CODE[field];
    return (this.shapes[c * 2]! | this.shapes[c * 2 + 1]!) !== 0;
  }

  /** Add an already hashed value (hex from `hashNormalised` or `entries()`), e.g. when loading from a database. */
  addHashed(field: CustomerField, hashHex: string, recordId: number): void {
    if (!/^[0-9a-f]{16}$/i.test(hashHex)) throw new Error('hash must be 16 hex digits');
    this.insert(parseInt(hashHex.slice(0, 8), 16), parseInt(hashHex.slice(8), 16), recordId * 8 + FIELD_CODE[field]);
    this.shapes[FIELD_CODE[field] * 2] = this.shapes[FIELD_CODE[field] * 2 + 1] = 0xffffffff; // shape unknown
    if (recordId >= this.records) this.records = recordId + 1;
  }

  /** Calls fn(hi, lo, value) for every stored value (a shared key's values oldest first). */
  private forEachValue(fn: (h: number, l: number, v: number) => void): void {
    const chain: number[] = [];
    for (let i = 0; i < this.cap; i++) {
      const v = this.val[i]!;
      if (v === EMPTY) continue;
      const h = this.hi[i]!;
      const l = this.lo[i]!;
      if (!isChain(v)) {
        fn(h, l, v);
        continue;
      }
      chain.length = 0;
      for (let n = v >>> 3; n !== 0; n = this.ovNext[n - 1]!) chain.push(this.ovVal[n - 1]!);
      for (let k = chain.length - 1; k >= 0; k--) fn(h, l, chain[k]!);
    }
  }

  /** All stored entries as hashes (no plaintext). */
  *entries(): Generator<{ field: CustomerField; hash: string; recordId: number }> {
    const all: number[] = [];
    this.forEachValue((h, l, v) => all.push(h, l, v));
    for (let i = 0; i < all.length; i += 3) {
      const v = all[i + 2]!;
      yield {
        field: CUSTOMER_FIELDS[v & 7]!,
        hash: all[i]!.toString(16).padStart(8, '0') + all[i + 1]!.toString(16).padStart(8, '0'),
        recordId: v >>> 3,
      };
    }
  }

  /** Slot of key (h, l): its own, or the empty slot where it belongs. */
  private slotOf(h: number, l: number): number {
    const cap = this.cap;
    let i = ((l ^ Math.imul(h, 0x9e3779b1)) >>> 0) % cap;
    for (;;) {
      this.probes++;
      if (this.val[i] === EMPTY || (this.hi[i] === h && this.lo[i] === l)) return i;
      if (++i === cap) i = 0;
    }
  }

  private insert(h: number, l: number, v: number): void {
    if ((this.slots + 1) / this.cap > 0.8) this.grow();
    const i = this.slotOf(h, l);
    const cur = this.val[i]!;
    if (cur === EMPTY) {
      this.hi[i] = h;
      this.lo[i] = l;
      this.val[i] = v;
      this.slots++;
      this.used++;
      return;
    }
    // The key is already there. Values of a record arrive together and records in order, so a
    // duplicate (same record, same key) is the newest value: comparing with it is enough.
    const chained = isChain(cur);
    if (cur === v || (chained && this.ovVal[(cur >>> 3) - 1] === v)) return;
    const next = chained ? cur >>> 3 : this.node(cur, 0);
    this.val[i] = this.node(v, next) * 8 + CHAIN;
    this.used++;
  }

  /** A new overflow list node; returns its index + 1. */
  private node(v: number, next: number): number {
    if (this.ovUsed === this.ovVal.length) {
      if (this.ovUsed >= 0x1fffffff - 1) throw new Error('customer register is full');
      const n = Math.max(1024, this.ovVal.length * 2);
      const ov = new Uint32Array(n);
      ov.set(this.ovVal);
      const nx = new Uint32Array(n);
      nx.set(this.ovNext);
      this.ovVal = ov;
      this.ovNext = nx;
    }
    this.ovVal[this.ovUsed] = v;
    this.ovNext[this.ovUsed] = next;
    return ++this.ovUsed;
  }

  private grow(): void {
    const { hi, lo, val } = this;
    const cap = Math.ceil(this.cap * 1.5);
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.val = new Uint32Array(cap).fill(EMPTY);
    this.cap = cap;
    for (let j = 0; j < val.length; j++) {
      if (val[j] === EMPTY) continue;
      const i = this.slotOf(hi[j]!, lo[j]!);
      this.hi[i] = hi[j]!;
      this.lo[i] = lo[j]!;
      this.val[i] = val[j]!;
    }
  }

  /** Records holding this already-normalised value in this field (each once, newest first). */
  lookupNormalised(field: CustomerField, normalised: string): number[] {
    if (!this.mayHold(field, normalised)) return [];
    const [h, l] = this.key(field, normalised);
    return this.probe(field, h, l);
  }

  /** Records holding a value given by its keyed hash (hex from `hashNormalised`): a member's
   * account linked to a customer record keeps only such hashes (private conversations). */
  lookupHashed(field: CustomerField, hashHex: string): number[] {
    if (!/^[0-9a-f]{16}$/i.test(hashHex)) return [];
    return this.probe(field, parseInt(hashHex.slice(0, 8), 16), parseInt(hashHex.slice(8), 16));
  }

  private probe(field: CustomerField, h: number, l: number): number[] {
    const code = FIELD_CODE[field];
    const out: number[] = [];
    const i = this.slotOf(h, l);
    const v = this.val[i]!;
    if (v === EMPTY) return out;
    if (!isChain(v)) {
      if ((v & 7) === code) out.push(v >>> 3);
      return out;
    }
    let last = -1;
    for (let n = v >>> 3; n !== 0; n = this.ovNext[n - 1]!) {
      const x = this.ovVal[n - 1]!;
      if ((x & 7) === code && x >>> 3 !== last) out.push((last = x >>> 3));
    }
    return out;
  }

  /** Records holding this raw value in this field (normalised first). */
  lookup(field: CustomerField, raw: string): number[] {
    const out = new Set<number>();
    for (const n of this.normalise(field, raw)) for (const id of this.lookupNormalised(field, n)) out.add(id);
    return [...out];
  }

  private secretCheck(): Buffer {
    return createHmac('sha256', this.secret).update('parley-guard-register-check').digest().subarray(0, 8);
  }

  /** Compact binary form: header, secret check, value shapes (length bits), then (key, value) triples. Contains no plaintext. */
  serialize(): Uint8Array {
    const head = 24 + SHAPE_WORDS * 4;
    const out = Buffer.alloc(head + this.used * 12);
    out.writeUInt32LE(MAGIC, 0);
    out.writeUInt32LE(VERSION, 4);
    out.writeUInt32LE(this.records, 8);
    out.writeUInt32LE(this.used, 12);
    this.secretCheck().copy(out, 16);
    for (let k = 0; k < SHAPE_WORDS; k++) out.writeUInt32LE(this.shapes[k]!, 24 + k * 4);
    let o = head;
    this.forEachValue((h, l, v) => {
      out.writeUInt32LE(h, o);
      out.writeUInt32LE(l, o + 4);
      out.writeUInt32LE(v, o + 8);
      o += 12;
    });
    return out;
  }

  static fromSerialized(bytes: Uint8Array, secret: string | Uint8Array, opts: { defaultRegion?: CountryCode } = {}): CustomerRegister {
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (b.length < 24 || b.readUInt32LE(0) !== MAGIC) throw new Error('not a serialized customer register');
    const version = b.readUInt32LE(4);
    if (version !== 1 && version !== VERSION) throw new Error('unsupported customer register version');
    const head = version === 1 ? 24 : 24 + SHAPE_WORDS * 4;
    const records = b.readUInt32LE(8);
    const used = b.readUInt32LE(12);
    if (b.length !== head + used * 12) throw new Error('truncated customer register');
    const reg = new CustomerRegister(secret, { ...opts, expectedEntries: used });
    if (!reg.secretCheck().equals(b.subarray(16, 24))) throw new Error('customer register was hashed with a different secret');
    // Version 1 has no shapes: every length is possible.
    for (let k = 0; k < SHAPE_WORDS; k++) reg.shapes[k] = version === 1 ? 0xffffffff : b.readUInt32LE(24 + k * 4);
    for (let o = head; o < b.length; o += 12) reg.insert(b.readUInt32LE(o), b.readUInt32LE(o + 4), b.readUInt32LE(o + 8));
    reg.records = records;
    return reg;
  }
}
