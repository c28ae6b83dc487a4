// Who a post quotes and who it @mentions, for its notifications (notify-new-post.ts).
// The reply form's quote (src/community/post-routes.ts) is an attribution line in the writer's
// language ("@name wrote:", "@naam schreef:", from compose:reply.quoteWrote), a blank line, then
// the quoted lines as a Markdown block quote. The attribution names the quoted person, and the
// quoted text may name others: neither is that post's author calling on them, so names there are
// not mentions (the quoted person hears of it as a quote). Recognised in every language Parley
// speaks, whatever the language of the page the reader reads.
import { LOCALES, translator } from '../i18n/index.ts';

const NAME = '([\\p{L}\\p{N}_.-]+)';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The attribution line of each language, with the quoted name captured: "@(name) wrote:". */
const ATTRIBUTIONS: string[] = [
  ...new Set(
    LOCALES.map((locale) => {
      const marker = '\u0000';
      const [before, after] = translator(locale).t('compose:reply.quoteWrote', { who: marker }).split(marker) as [string, string];
      return `${escape(before)}@${NAME}${escape(after ?? '')}`;
    }),
  ),
];
// In the Markdown: the attribution ends a line and the block quote follows a blank line.
const QUOTE_HEAD = new RegExp(`(?:^|\\n)[ \\t]*(?:${ATTRIBUTIONS.join('|')})[ \\t]*\\n[ \\t]*\\n[ \\t]*>`, 'gu');
// In the HTML: the attribution is the last line of the paragraph right before a <blockquote>.
const ATTRIBUTION_LINE = new RegExp(`^\\s*(?:${ATTRIBUTIONS.join('|')})\\s*$`, 'u');
const PARAGRAPH_BEFORE_QUOTE = /<p>((?:(?!<\/?p>)[\s\S])*)<\/p>(\s*<blockquote>)/g;
const MENTION_LINK = /<a href="\/u\/([^"]+)" class="mention"/g;

/** Usernames (as written) whose posts this one quotes through the quote markup. */
export function quotedNames(markdown: string): string[] {
  return [...markdown.matchAll(QUOTE_HEAD)].map((m) => m.slice(1).find((n) => n !== undefined)!);
}

/** Usernames @mentioned in the post's own words: not inside a block quote, nor in a quote's attribution. */
export function mentionedNames(html: string): string[] {
  const own = withoutQuotes(html);
  return [...own.matchAll(MENTION_LINK)].map((m) => decodeURIComponent(m[1]!));
}

function withoutQuotes(html: string): string {
  // The attribution: the last line of a paragraph that a block quote follows, when it reads as one.
  const unattributed = html.replace(PARAGRAPH_BEFORE_QUOTE, (whole, inner: string, quote: string) => {
    const lines = inner.split(/\n|<br\s*\/?>/);
    const last = lines.at(-1)!;
    if (!ATTRIBUTION_LINE.test(last.replace(/<[^>]*>/g, ''))) return whole;
    return `<p>${inner.slice(0, inner.length - last.length)}</p>${quote}`;
  });
  // Block quotes, nested ones included: everything between the outermost open and its close.
  let out = '';
  let depth = 0;
  let last = 0;
  for (const m of unattributed.matchAll(/<(\/?)blockquote>/g)) {
    if (!m[1]) {
      if (depth === 0) out += unattributed.slice(last, m.index);
      depth++;
    } else if (depth > 0 && --depth === 0) last = m.index! + m[0].length;
  }
  return depth > 0 ? out : out + unattributed.slice(last);
}
