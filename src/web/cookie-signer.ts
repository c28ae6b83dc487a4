// The cookie plugin's signer (@fastify/cookie's own), remembering the signed values it verified.
// A signed-in browser sends the same signed session and `_csrf` cookies with every request, and
// each check is an HMAC-SHA-256 that Node sets up afresh (~10 µs; two of them were ~5 % of a
// signed-in topic page). The check is a pure function of the string and the secret, so remembering
// its answer changes no outcome: whether the session still exists is the database's answer, asked
// every time. Only values that verified are kept, so a forged cookie is checked in full each time
// and cannot fill the memory; at most `size` of them, the oldest dropped first.
import { Signer, type UnsignResult } from '@fastify/cookie';

export function rememberingSigner(secret: string, size = 10_000): { sign(value: string): string; unsign(signed: string): UnsignResult } {
  const signer = new Signer(secret, 'sha256');
  const verified = new Map<string, string>();
  return {
    sign: (value) => signer.sign(value),
    unsign(signed) {
      const value = verified.get(signed);
      if (value !== undefined) return { valid: true, renew: false, value };
      const result = signer.unsign(signed);
      if (result.valid) {
        if (verified.size >= size) verified.delete(verified.keys().next().value!);
        verified.set(signed, result.value);
      }
      return result;
    },
  };
}
