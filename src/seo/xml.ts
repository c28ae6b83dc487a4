// The little XML that sitemaps and Atom feeds need, written by hand: one escape function that
// is safe in text and in attribute values, and drops the characters XML 1.0 cannot carry at all
// (C0 controls other than tab and line breaks, lone surrogates, U+FFFE and U+FFFF) — one of
// those in a post would otherwise make the whole feed unreadable to a strict parser.

// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for an XML element or a quoted attribute value. */
export function escapeXml(value: string | number): string {
  return String(value).replace(NOT_XML, '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
