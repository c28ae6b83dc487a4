// What counts as a text attachment, decided by the content (never by the name or the declared
// type): UTF-8 (or UTF-16 with a byte-order mark), no NUL bytes and hardly any other control
// characters. File names are reduced to a safe base name; a name whose extension is not a
// plain-text one gets ".txt" added, so that a downloaded "setup.bat" or "page.html" is opened
// as text by the reader's computer, not run or rendered.
import { text as msg, UserError } from '../shared/errors.ts';

export const ATTACHMENT_LIMITS = {
  /** Per file, in bytes of UTF-8 text. */
  maxBytes: 1024 * 1024,
  /** Per post. */
  maxFiles: 5,
  maxNameLength: 100,
} as const;

/** An attachment before it is stored: a safe file name and its text. */
export interface AttachmentText {
  name: string;
  text: string;
}

const TEXT_EXTENSIONS = new Set([
  'txt', 'text', 'md', 'markdown', 'csv', 'tsv', 'log', 'json', 'jsonl', 'ndjson', 'yaml', 'yml', 'toml', 'ini', 'cfg', 'conf',
  'properties', 'env', 'diff', 'patch', 'out', 'err', 'trace', 'rst', 'adoc', 'tex', 'srt', 'vtt',
]);
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

export const kib = (bytes: number): string => (bytes < 1024 ? `${bytes} bytes` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1048576).toFixed(1)} MB`);
const MAX_LABEL = kib(ATTACHMENT_LIMITS.maxBytes);

/** A base name that is safe to store, show and send in a Content-Disposition header. */
export function sanitizeFilename(raw: string): string {
  let name = String(raw ?? '').normalize('NFC');
  name = name.split(/[\\/]/).pop() ?? ''; // a browser may send a full path (old IE), a client anything
  name = name.replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '').replace(/\s+/g, ' ').trim();
  name = name.replace(/^[.\s]+|[.\s]+$/g, ''); // no hidden files, no trailing dots (Windows)
  if (!name) name = 'attachment';
  if (WINDOWS_RESERVED.test(name)) name = `_${name}`;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (!TEXT_EXTENSIONS.has(ext)) name = `${name}.txt`;
  if (name.length > ATTACHMENT_LIMITS.maxNameLength) {
    const e = name.slice(name.lastIndexOf('.'));
    name = Array.from(name.slice(0, name.length - e.length)).slice(0, ATTACHMENT_LIMITS.maxNameLength - e.length).join('').trimEnd() + e;
  }
  return name;
}

const tooLarge = (name: string) => new UserError(msg('compose:errors.attachmentTooLarge', { name, max: MAX_LABEL }), 413, 'attachments');
const notText = (name: string) =>
  new UserError(msg('compose:errors.attachmentNotText', { name }), 415, 'attachments');

/** Refuses texts that are binary in disguise: NUL, lone surrogates, or more than a trace of control characters. */
function assertText(name: string, text: string): void {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) throw notText(name);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) throw notText(name); // a lone surrogate
      i++;
      continue;
    }
    // Tab, line feed, vertical tab, form feed, carriage return and escape (coloured logs) are text.
    if ((c < 32 && c !== 9 && c !== 10 && c !== 11 && c !== 12 && c !== 13 && c !== 27) || c === 127) controls++;
  }
  if (controls > 8 && controls * 100 > text.length) throw notText(name);
}

/** An uploaded file's bytes → its text, or 413/415 with a message that names the file. */
export function decodeTextFile(rawName: string, bytes: Uint8Array): AttachmentText {
  const name = sanitizeFilename(rawName);
  if (bytes.length > ATTACHMENT_LIMITS.maxBytes + 4) throw tooLarge(name);
  let text: string;
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2));
    else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be', { fatal: true }).decode(bytes.subarray(2));
    else text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw notText(name);
  }
  return textAttachment(name, text);
}

/** A text given as text (the JSON API): the same checks as an uploaded file. */
export function textAttachment(rawName: string, text: string): AttachmentText {
  const name = sanitizeFilename(rawName);
  if (typeof text !== 'string') throw notText(name);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length > ATTACHMENT_LIMITS.maxBytes || Buffer.byteLength(text, 'utf8') > ATTACHMENT_LIMITS.maxBytes) throw tooLarge(name);
  assertText(name, text);
  if (text.trim().length === 0) throw new UserError(msg('compose:errors.attachmentEmpty', { name }), 400, 'attachments');
  return { name, text };
}

/** Checks a post's list of attachments (count, each one's size and content); names are made unique. */
export function checkAttachments(list: readonly AttachmentText[], alreadyAttached = 0): AttachmentText[] {
  if (list.length + alreadyAttached > ATTACHMENT_LIMITS.maxFiles) {
    throw new UserError(msg('compose:errors.tooManyAttachments', { max: ATTACHMENT_LIMITS.maxFiles }), 413, 'attachments');
  }
  const seen = new Set<string>();
  return list.map((a) => {
    const checked = textAttachment(a.name, a.text);
    let name = checked.name;
    for (let n = 2; seen.has(name.toLowerCase()); n++) {
      const dot = checked.name.lastIndexOf('.');
      name = `${checked.name.slice(0, dot)} (${n})${checked.name.slice(dot)}`;
    }
    seen.add(name.toLowerCase());
    return { name, text: checked.text };
  });
}
