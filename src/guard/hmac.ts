/**
 * Fast HMAC-SHA-256 for short messages (the customer register hashes one normalised value per
 * lookup; node:crypto's createHmac costs ~7 µs per call, mostly object set-up).
 * The key's inner and outer padded states are compressed once; each message then costs two
 * or three SHA-256 compressions in plain JavaScript. Output is bit-identical to
 * createHmac('sha256', key) (checked in test/guard/registers.test.ts); messages longer than
 * 247 UTF-8 bytes fall back to node:crypto.
 */
import { createHash, createHmac } from 'node:crypto';

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
// Int32Array throughout: values above 2^31 read from a Uint32Array become doubles and slow the rounds down.
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

const Wbuf = new Int32Array(64);

/** One SHA-256 compression of the 64-byte block at `off` of `b` into state `h` (8 words, in place). */
function compress(h: Int32Array, b: Uint8Array, off: number): void {
  const w = Wbuf;
  for (let i = 0; i < 16; i++) {
    const j = off + i * 4;
    w[i] = (b[j]! << 24) | (b[j + 1]! << 16) | (b[j + 2]! << 8) | b[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = h[0]!, bb = h[1]!, c = h[2]!, d = h[3]!, e = h[4]!, f = h[5]!, g = h[6]!, hh = h[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (hh + S1 + ch + K[i]! + w[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & bb) ^ (a & c) ^ (bb & c);
    const t2 = (S0 + maj) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = bb;
    bb = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + bb) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + hh) | 0;
}

const MAX_MSG = 247; // 4 blocks after the 64-byte key block, minus padding
const encoder = new TextEncoder();

export class FastHmacSha256 {
  private readonly key: Uint8Array;
  private readonly inner = new Int32Array(8);
  private readonly outer = new Int32Array(8);
  private readonly h = new Int32Array(8);
  private readonly buf = new Uint8Array(256 + 8);
  private readonly ob = new Uint8Array(64);

  constructor(key: Uint8Array) {
    this.key = key;
    let k = key;
    if (k.length > 64) k = createHmacKeyDigest(k);
    const ipad = new Uint8Array(64).fill(0x36);
    const opad = new Uint8Array(64).fill(0x5c);
    for (let i = 0; i < k.length; i++) {
      ipad[i]! ^= k[i]!;
      opad[i]! ^= k[i]!;
    }
    this.inner.set(IV);
    compress(this.inner, ipad, 0);
    this.outer.set(IV);
    compress(this.outer, opad, 0);
  }

  /** First 8 bytes of HMAC-SHA-256(key, msg) as two unsigned 32-bit words (big-endian). */
  digest64(msg: string): [number, number] {
    const buf = this.buf;
    let n: number;
    if (msg.length <= MAX_MSG / 3) n = encoder.encodeInto(msg, buf).written;
    else {
      const enc = encoder.encode(msg);
      if (enc.length > MAX_MSG) {
        const d = createHmac('sha256', this.key).update(msg).digest();
        return [d.readUInt32BE(0), d.readUInt32BE(4)];
      }
      buf.set(enc);
      n = enc.length;
    }
    // inner: padding for a message of 64 + n bytes
    const total = n + 1 + 8 <= 64 ? 64 : Math.ceil((n + 9) / 64) * 64;
    buf[n] = 0x80;
    buf.fill(0, n + 1, total - 8);
    const bits = (64 + n) * 8;
    buf[total - 8] = 0;
    buf[total - 7] = 0;
    buf[total - 6] = 0;
    buf[total - 5] = 0;
    buf[total - 4] = bits >>> 24;
    buf[total - 3] = (bits >>> 16) & 255;
    buf[total - 2] = (bits >>> 8) & 255;
    buf[total - 1] = bits & 255;
    const h = this.h;
    h.set(this.inner);
    for (let off = 0; off < total; off += 64) compress(h, buf, off);
    // outer: 32-byte inner digest + padding (one block)
    const ob = this.ob;
    for (let i = 0; i < 8; i++) {
      const v = h[i]!;
      ob[i * 4] = v >>> 24;
      ob[i * 4 + 1] = (v >>> 16) & 255;
      ob[i * 4 + 2] = (v >>> 8) & 255;
      ob[i * 4 + 3] = v & 255;
    }
    ob[32] = 0x80;
    ob.fill(0, 33, 62);
    ob[62] = 0x03; // (64 + 32) * 8 = 768 = 0x300
    ob[63] = 0x00;
    h.set(this.outer);
    compress(h, ob, 0);
    return [h[0]! >>> 0, h[1]! >>> 0];
  }
}

function createHmacKeyDigest(k: Uint8Array): Uint8Array {
  // Keys longer than the block size are hashed first (RFC 2104).
  return new Uint8Array(createHash('sha256').update(k).digest());
}
