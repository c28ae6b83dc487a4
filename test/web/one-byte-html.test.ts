import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { escapeHtml, oneByteHtml } from '../../src/web/one-byte-html.ts';

// V8's serializer writes a one-byte string with tag '"' and a two-byte one with 'c'.
const isOneByte = (s: string): boolean => serialize(s)[2] === 0x22;

describe('pages kept one byte a character', () => {
  test('escapes markup with the same entities as Eta', () => {
    assert.equal(escapeHtml(`<a href="x">Tom & Jerry's</a>`), '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
    assert.equal(escapeHtml(42), '42');
    assert.equal(escapeHtml('café, plain Latin-1'), 'café, plain Latin-1');
  });

  test('writes characters above U+00FF as references, a surrogate pair as one, and gives a one-byte string', () => {
    const written = 'It’s — “fine” 😀 & <ok> café';
    const escaped = escapeHtml(written);
    assert.equal(escaped, 'It&#8217;s &#8212; &#8220;fine&#8221; &#128512; &amp; &lt;ok&gt; café');
    assert.ok(!isOneByte(written));
    assert.ok(isOneByte(escaped), 'the escaped text is one byte a character');
    // Decoding the references gives the text back exactly.
    const decoded = escaped.replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)));
    assert.equal(decoded.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'), written);
  });

  test('a lone surrogate becomes the replacement character', () => {
    assert.equal(escapeHtml('a broken \ud83d pair'), 'a broken &#65533; pair');
    assert.equal(oneByteHtml('<p>cut short\udc00</p>'), '<p>cut short&#65533;</p>');
  });

  test('sanitised HTML keeps its markup; a longer text mostly above U+00FF is left as written', () => {
    assert.equal(oneByteHtml('<p>Naïve → <em>done</em></p>'), '<p>Naïve &#8594; <em>done</em></p>');
    assert.ok(isOneByte(oneByteHtml('<p>Naïve → <em>done</em></p>')));
    const chinese = `<p>${'我们的路由器无法连接到互联网，请帮忙。'.repeat(6)}</p>`;
    assert.equal(oneByteHtml(chinese), chinese);
    // A short one (a title, a name's initials) is written as references all the same.
    assert.equal(oneByteHtml('路由器'), '&#36335;&#30001;&#22120;');
    const plain = '<p>nothing to do</p>';
    assert.equal(oneByteHtml(plain), plain);
  });

  test("the templates' own text has no character above U+00FF (written as references instead)", () => {
    const root = new URL('../../src/web/views/', import.meta.url).pathname;
    const files = [...readdirSync(root).filter((f) => f.endsWith('.eta')), ...readdirSync(join(root, 'partials')).map((f) => join('partials', f))];
    assert.ok(files.length > 40, `${files.length} templates`);
    for (const file of files) {
      // What is between the tags is JavaScript: its strings go through the escape above.
      const text = readFileSync(join(root, file), 'utf8').replace(/<%[\s\S]*?%>/g, '');
      assert.equal(text.match(/[^\x00-\xff]/gu), null, file);
    }
  });
});

