// Plain text of a post comes from posts.body_text, made once at write time by the publish
// pipeline (src/shared/markdown.ts htmlToText); page views never strip HTML.
export { htmlToText as htmlToPlainText } from '../shared/markdown.ts';

/** At most `max` characters, cut at a word boundary when one is near, with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text; // UTF-16 units ≥ code points: short enough either way
  const chars = [...text.slice(0, 2 * max)]; // by code point: never half a surrogate pair
  if (chars.length <= max && text.length <= 2 * max) return text;
  const cut = chars.slice(0, max - 1).join('');
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd() + '…';
}
