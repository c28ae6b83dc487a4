// Plain text of a post comes from posts.body_text, made once at write time by the publish
// pipeline (src/shared/markdown.ts htmlToText); page views never strip HTML.
export { htmlToText as htmlToPlainText } from '../shared/markdown.ts';

/** At most `max` characters (UTF-16 units), cut at a word boundary when one is near, with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // Never half a surrogate pair (an emoji): step back over a high surrogate at the cut.
  if (end > 0 && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end--;
  const cut = text.slice(0, end);
  const space = cut.lastIndexOf(' ');
  return (space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd() + '…';
}
