// Pages kept one byte a character. V8 stores a string with every character at or below U+00FF one
// byte a character; one character above it anywhere in a rendered page (a curly quote in a post,
// `…` in a translation) makes the whole page two bytes a character, and encoding a 40 KB page to
// UTF-8 then costs ~60 µs on Node 24 instead of ~6 (Node 20 is fast only for all-ASCII pages,
// docs/benchmarks.md, session 25): ~10 % of a signed-in topic view. Written as numeric
// character references such characters read the same in every browser (HTML decodes references in
// text and attribute values; Parley's templates put no value inside <script> or <style>).

import { escapeHtml as escapeMarkup } from '../search/snippet.ts';

const special = /[&<>"'\u0100-\uffff]/;
// A surrogate pair is one character (one reference); a lone surrogate is not text.
const aboveLatin1 = /[\ud800-\udbff][\udc00-\udfff]|[\u0100-\uffff]/g;
const reference = (c: string): string => {
  const point = c.codePointAt(0)!;
  return `&#${point >= 0xd800 && point <= 0xdfff ? 0xfffd : point};`;
};

/** Eta's escape (the same five entities as its own), with characters above U+00FF as references. */
export function escapeHtml(value: unknown): string {
  const text = String(value);
  // The common case (plain text) is this one test: on a one-byte string V8 answers it at once.
  if (!special.test(text)) return text;
  return oneByteHtml(escapeMarkup(text));
}

/**
 * Safe HTML (sanitised when written, or escaped) with its characters above U+00FF as references,
 * as a one-byte string. A longer text a quarter or more in such characters (Chinese, Greek, Russian…)
 * stays as written: as references it would be two to three times the bytes, and its page two bytes
 * anyway. Short ones (a name, its initials, a title) are always written as references.
 */
export function oneByteHtml(html: string): string {
  aboveLatin1.lastIndex = 0;
  if (!aboveLatin1.test(html)) return html;
  let count = 0;
  const referenced = html.replace(aboveLatin1, (c) => (count++, reference(c)));
  if (count * 4 > html.length && html.length > 100) return html;
  // replace() builds its result from pieces of the two-byte original, so it is still two bytes a
  // character; through Latin-1 bytes (every character is now below U+0100) it becomes one.
  return Buffer.from(referenced, 'latin1').toString('latin1');
}
