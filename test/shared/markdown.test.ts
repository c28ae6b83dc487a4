import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdown } from '../../src/shared/markdown.ts';
import { slugify } from '../../src/shared/slug.ts';

test('Markdown renders, and links get rel="nofollow ugc noopener"', () => {
  const html = renderMarkdown('**bold** and [a link](https://example.com/x)\n\n- one\n- two');
  assert.match(html, /<strong>bold<\/strong>/);
  assert.match(html, /<a href="https:\/\/example.com\/x" rel="nofollow ugc noopener">a link<\/a>/);
  assert.match(html, /<ul>\s*<li>one<\/li>/);
});

test('raw HTML, scripts, event handlers and javascript: links do not survive', () => {
  const nasty = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[click](javascript:alert(1))',
    '<iframe src="https://evil.example"></iframe>',
    '<a href="https://example.com" onclick="alert(1)">x</a>',
    '![x](javascript:alert(1))',
  ].join('\n\n');
  const html = renderMarkdown(nasty);
  // Escaped text such as "&lt;script&gt;" is harmless; real tags and attributes are not.
  assert.doesNotMatch(html, /<(script|iframe|img)\b/i);
  assert.doesNotMatch(html, /<[^>]*\son\w+\s*=/i);
  assert.doesNotMatch(html, /(href|src)\s*=\s*"?\s*javascript:/i);
  assert.match(html, /&lt;script&gt;/, 'shown as text');
});

test('slugs are readable and never empty', () => {
  assert.equal(slugify('Wi-Fi drops every evening!'), 'wi-fi-drops-every-evening');
  assert.equal(slugify('Café Überweisung'), 'cafe-uberweisung');
  assert.equal(slugify('???'), 'topic');
});
