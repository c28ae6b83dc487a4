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

// Remote images (see ImageOptions): unless allowed, an image from another host becomes a link to
// it ("Image: alt"), or just that text inside a link (a link may not hold another). Done on the
// token stream, where links are known; sanitizeOptions' img transform below is the second line.
md.core.ruler.push('remote_images', (state) => {
  const images = (state.env?.images ?? {}) as ImageOptions;
  if (images.remoteImages) return;
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue;
    const out: typeof block.children = [];
    let inLink = 0;
    for (const token of block.children) {
      if (token.type === 'link_open') inLink++;
      if (token.type === 'link_close') inLink--;
      const src = token.type === 'image' ? String(token.attrGet('src') ?? '') : '';
      if (token.type !== 'image' || !isRemote(src, images.ownOrigin)) {
        out.push(token);
        continue;
      }
      const alt = (token.children ?? []).map((c) => c.content).join('').trim();
      const text = new state.Token('text', '', 0);
      text.content = `Image: ${alt || src}`;
      if (inLink > 0) {
        out.push(text);
        continue;
      }
      const open = new state.Token('link_open', 'a', 1);
      open.attrs = [['href', src], ['class', 'remote-image']];
      out.push(open, text, new state.Token('link_close', 'a', -1));
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
  allowedClasses: { code: [/^language-[a-z0-9-]+$/], a: ['mention', 'remote-image'] },
  allowProtocolRelative: false,
  transformTags: {
    // User links must not pass search-engine reputation, and must not get window.opener.
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow ugc noopener' }),
  },
};

/** How images in posts are treated (ALLOW_REMOTE_IMAGES, per server: see configureImages). */
export interface ImageOptions {
  /** Show images hosted elsewhere inline. Off by default: each reader's browser would fetch them
   * from that host, which learns who reads what, and when (issue 17, point 10). */
  remoteImages?: boolean;
  /** The site's own origin (PUBLIC_URL): absolute image addresses there are not remote. */
  ownOrigin?: string;
}

// Without remoteImages, an <img> from another host that got past the token rule above becomes
// its text: nothing is fetched on reading.
const remoteImagesAsLinks = (ownOrigin: string | undefined): sanitizeHtml.IOptions => ({
  ...sanitizeOptions,
  transformTags: {
    ...sanitizeOptions.transformTags,
    img: (tagName, attribs) => {
      const src = attribs.src ?? '';
      if (!isRemote(src, ownOrigin)) return { tagName, attribs };
      const label = (attribs.alt ?? '').trim() || src;
      return { tagName: 'span', attribs: {}, text: `Image: ${label}` };
    },
  },
});
const asLinksByOrigin = new Map<string, sanitizeHtml.IOptions>();

/** An address a browser would fetch from another host (absolute, or protocol-relative). */
function isRemote(src: string, ownOrigin: string | undefined): boolean {
  const s = src.trim();
  if (!/^[a-z][a-z0-9+.-]*:|^[\\/]{2}/i.test(s)) return false; // relative: this site
  try {
    return !ownOrigin || new URL(s, ownOrigin).origin !== new URL(ownOrigin).origin;
  } catch {
    return true;
  }
}

export function renderMarkdown(source: string, mentions?: Set<string>, images: ImageOptions = {}): string {
  const html = md.render(source, { mentions, images });
  if (images.remoteImages) return sanitizeHtml(html, sanitizeOptions);
  const key = images.ownOrigin ?? '';
  let options = asLinksByOrigin.get(key);
  if (!options) asLinksByOrigin.set(key, (options = remoteImagesAsLinks(images.ownOrigin)));
  return sanitizeHtml(html, options);
}

// The server's image settings, per database handle (as the guard's setup is: a test process runs
// several servers, each on its own database). Text written through a handle the server did not
// configure (the CLI, a seed, a transaction) gets the safe default: no remote images.
const imageSettings = new WeakMap<object, ImageOptions>();
export function configureImages(db: object, options: ImageOptions): void {
  imageSettings.set(db, options);
}
export function imageOptionsFor(db: object): ImageOptions {
  return imageSettings.get(db) ?? {};
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
