/**
 * A page's HTML with the characters above U+00FF that Parley writes as numeric references
 * (src/web/one-byte-html.ts) put back, as a browser reads them; markup's entities (&amp;, &lt;…) stay.
 */
export function withCharacters(html: string): string {
  return html.replace(/&#(\d+);/g, (reference, digits: string) => {
    const point = Number(digits);
    return point > 0xff && point <= 0x10ffff ? String.fromCodePoint(point) : reference;
  });
}
