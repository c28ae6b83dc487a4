// Markdown → safe HTML, run once when text is written (never per page view).
// markdown-it parses with raw HTML disabled; sanitize-html then enforces an allowlist anyway,
// so that a parser bug or a future plugin cannot let markup through.
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });

// @mentions: "@anna_j" becomes a link to the profile when such a member exists. The caller
// passes the known usernames (lower-cased) in the render environment.
const MENTION = /(^|[^\w@/.])@([A-Za-z0-9][A-Za-z0-9_.-]{1,28}[A-Za-z0-9_])/g;
export function mentionedUsernames(source: string): string[] {
  return [...new Set([...source.matchAll(MENTION)].map((m) => m[2]!.toLowerCase()))].slice(0, 50);
}
md.core.ruler.push('mentions', (state) => {
  const known = state.env?.mentions as Set<string> | undefined;
  if (!known || known.size === 0) return;
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue;
    const out: typeof block.children = [];
    let inLink = 0;
    for (const token of block.children) {
      if (token.type === 'link_open') inLink++;
      if (token.type === 'link_close') inLink--;
      if (token.type !== 'text' || inLink > 0) {
        out.push(token);
        continue;
      }
      let last = 0;
      for (const m of token.content.matchAll(MENTION)) {
        const name = m[2]!;
        if (!known.has(name.toLowerCase())) continue;
        const at = m.index! + m[1]!.length;
        const before = new state.Token('text', '', 0);
        before.content = token.content.slice(last, at);
        const open = new state.Token('link_open', 'a', 1);
        open.attrs = [['href', `/u/${encodeURIComponent(name)}`], ['class', 'mention']];
        const text = new state.Token('text', '', 0);
        text.content = `@${name}`;
        out.push(before, open, text, new state.Token('link_close', 'a', -1));
        last = at + name.length + 1;
      }
      if (last === 0) out.push(token);
      else {
        const rest = new state.Token('text', '', 0);
        rest.content = token.content.slice(last);
        out.push(rest);
      }
    }
    block.children = out;
  }
});

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'img',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'class'],
    img: ['src', 'alt', 'title'],
    ol: ['start'],
    th: ['align'],
    td: ['align'],
    code: ['class'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['https'] },
  allowedClasses: { code: [/^language-[a-z0-9-]+$/], a: ['mention'] },
  allowProtocolRelative: false,
  transformTags: {
    // User links must not pass search-engine reputation, and must not get window.opener.
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow ugc noopener' }),
  },
};

export function renderMarkdown(source: string, mentions?: Set<string>): string {
  return sanitizeHtml(md.render(source, { mentions }), sanitizeOptions);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/**
 * Plain text of HTML that renderMarkdown produced (well-formed, sanitised: tags never contain
 * a raw ">"), for descriptions, structured data and search. Blocks become spaces.
 */
// Block ends and line breaks become spaces ("<p>a</p><p>b</p>" reads "a b"); inline tags vanish.
const BLOCK_END = /<\/(?:p|li|h[1-6]|pre|blockquote|td|th|tr)>|<br\s*\/?>|<hr\s*\/?>/gi;

export function htmlToText(html: string): string {
  return html
    .replace(BLOCK_END, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, e: string) =>
      ENTITIES[e.toLowerCase()] ?? (e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : m),
    )
    .replace(/\s+/g, ' ')
    .trim();
}
