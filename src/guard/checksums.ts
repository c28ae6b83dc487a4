/** Check digit algorithms used by the detectors and by configurable customer-number patterns. */
import type { CheckDigitAlgorithm } from './types.ts';

/** Luhn (mod 10) over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * Weighted mod 11 ("elfproef"): weights n..1 from left to right over the n digits;
 * valid when the weighted sum is divisible by 11 (as Dutch bank and BSN-style numbers).
 */
export function mod11Valid(digits: string): boolean {
  const n = digits.length;
  if (n < 2) return false;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    sum += d * (n - i);
  }
  return sum % 11 === 0;
}

/** ISO 7064 mod 97-10 over an alphanumeric string (letters A=10 … Z=35), valid when remainder is 1. */
export function mod97Valid(s: string): boolean {
  let rem = 0;
  const up = s.toUpperCase();
  for (let i = 0; i < up.length; i++) {
    const c = up.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
  }
  return up.length > 0 && rem === 1;
}

/** ABA routing number checksum (US). */
export function abaValid(d: string): boolean {
  if (!/^\d{9}$/.test(d)) return false;
  const n = (i: number) => d.charCodeAt(i) - 48;
  const sum = 3 * (n(0) + n(3) + n(6)) + 7 * (n(1) + n(4) + n(7)) + (n(2) + n(5) + n(8));
  return sum % 10 === 0;
}

export function checkDigitValid(alg: CheckDigitAlgorithm | undefined, value: string): boolean {
  switch (alg ?? 'none') {
    case 'none':
      return true;
    case 'luhn':
      return luhnValid(value.replace(/\D+/g, ''));
    case 'mod11':
      return mod11Valid(value.replace(/\D+/g, ''));
    case 'mod97':
      return mod97Valid(value.replace(/[^A-Za-z0-9]+/g, ''));
  }
}
