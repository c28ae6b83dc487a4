// The pure parts of attachments: what counts as text, file names, and scanning a text longer
// than one guard call in overlapping windows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAttachments, decodeTextFile, sanitizeFilename, textAttachment } from '../../src/attachments/text-file.ts';
import { mergeOverlapping, OVERLAP, scanLongText, WINDOW } from '../../src/confidentiality/scan-long-text.ts';
import { scanText, type Finding } from '../../src/guard/index.ts';
import { contentDisposition } from '../../src/attachments/routes.ts';

const status = (fn: () => unknown) => {
  try {
    fn();
    return 0;
  } catch (e) {
    return (e as { status: number }).status;
  }
};

test('text is decided by the content: UTF-8 and UTF-16 with a BOM pass; NUL, invalid UTF-8 and control-heavy bytes are 415', () => {
  assert.equal(decodeTextFile('a.txt', Buffer.from('\ufeffhéllo\n')).text, 'héllo\n');
  assert.equal(decodeTextFile('a.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hi there\n', 'utf16le')])).text, 'hi there\n');
  assert.equal(decodeTextFile('color.log', Buffer.from('\u001b[31mERROR\u001b[0m disk full\n')).text.length > 0, true);
  assert.equal(status(() => decodeTextFile('a.txt', Buffer.from('abc\u0000def'))), 415);
  assert.equal(status(() => decodeTextFile('a.txt', Buffer.from([0x61, 0xc3, 0x28]))), 415);
  assert.equal(status(() => decodeTextFile('a.txt', Buffer.from(Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? 1 : 65))))), 415);
  assert.equal(status(() => textAttachment('a.txt', 'lone \ud800 surrogate')), 415);
  assert.equal(status(() => textAttachment('a.txt', '   \n')), 400);
  assert.equal(status(() => textAttachment('a.txt', 'é'.repeat(600_000))), 413, 'counted in UTF-8 bytes');
  assert.equal(status(() => checkAttachments(Array.from({ length: 6 }, (_, i) => ({ name: `${i}.txt`, text: 'x' })))), 413);
  assert.equal(status(() => checkAttachments([{ name: 'a.txt', text: 'x' }], 5)), 413, 'counting those the post has');
});

test('file names: base name only, no control or reserved characters, a text extension, limited length', () => {
  assert.equal(sanitizeFilename('../../etc/passwd'), 'passwd.txt');
  assert.equal(sanitizeFilename('C:\\fakepath\\notes.MD'), 'notes.MD');
  assert.equal(sanitizeFilename('invoice.pdf.exe'), 'invoice.pdf.exe.txt');
  assert.equal(sanitizeFilename('<script>.html'), 'script.html.txt');
  assert.equal(sanitizeFilename('.htaccess'), 'htaccess.txt');
  assert.equal(sanitizeFilename('CON.txt'), '_CON.txt');
  assert.equal(sanitizeFilename('evil\u202egnp.txt'), 'evilgnp.txt');
  assert.equal(sanitizeFilename(''), 'attachment.txt');
  const long = sanitizeFilename(`${'ä'.repeat(300)}.csv`);
  assert.equal(long.length, 100);
  assert.ok(long.endsWith('.csv'));
  assert.equal(contentDisposition('rapport “été”.txt'), `attachment; filename="rapport ete.txt"; filename*=UTF-8''rapport%20%E2%80%9C%C3%A9t%C3%A9%E2%80%9D.txt`);
});

test('long texts are scanned in overlapping windows: a value on a window edge is found once, at the right offset', async () => {
  const phone = '06 28 41 75 93';
  const line = 'INFO all quiet on the line tonight, nothing to report here\n';
  for (const at of [WINDOW - 7, WINDOW - OVERLAP, WINDOW * 2 - 3000]) {
    let text = line.repeat(Math.ceil((WINDOW * 3) / line.length));
    text = `${text.slice(0, at)} call ${phone} ${text.slice(at)}`;
    const found = (await scanLongText(text, (w) => scanText(w))).filter((f) => f.type === 'phone');
    assert.equal(found.length, 1, `at ${at}: ${JSON.stringify(found)}`);
    assert.equal(text.slice(found[0]!.start, found[0]!.end), phone);
  }
  const f = (start: number, end: number, confidence: number, type: Finding['type'] = 'phone'): Finding => ({ type, start, end, confidence, reason: `r${confidence}` });
  assert.deepEqual(mergeOverlapping([f(10, 20, 0.5), f(12, 24, 0.9), f(30, 35, 0.7), f(12, 24, 0.6, 'card')]), [f(10, 24, 0.9), f(12, 24, 0.6, 'card'), f(30, 35, 0.7)].map((x, i) => (i === 0 ? { ...x, reason: 'r0.9' } : x)));
});
