// The confidential-document register (issue 5, point 3): documents are read (text, Markdown,
// HTML, PDF), fingerprinted by the guard library, and only the fingerprints and metadata are
// stored — never the text.
import { extname } from 'node:path';
import { Parser } from 'htmlparser2';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { DocumentRegister, type DocumentLabel } from '../guard/index.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, text as msg, UserError } from '../shared/errors.ts';
import { fingerprintsToBytes } from './registers.ts';
import { bumpGuardVersion } from './settings.ts';

export const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;

export function parseLabel(s: string): DocumentLabel {
  if (s === 'confidential' || s === 'public') return s;
  throw new UserError(`--label must be confidential or public, not "${s}"`);
}

/** Text of an HTML document: no tags, no scripts or styles, block elements on their own lines. */
export function htmlToPlainText(html: string): string {
  const parts: string[] = [];
  let skip = 0;
  const BLOCK = /^(p|div|br|li|tr|td|th|h[1-6]|section|article|header|footer|blockquote|pre|table|ul|ol|dt|dd)$/;
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === 'script' || name === 'style' || name === 'noscript' || name === 'template') skip++;
        else if (BLOCK.test(name)) parts.push('\n');
      },
      ontext(text) {
        if (!skip) parts.push(text);
      },
      onclosetag(name) {
        if (name === 'script' || name === 'style' || name === 'noscript' || name === 'template') skip = Math.max(0, skip - 1);
        else if (BLOCK.test(name)) parts.push('\n');
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return parts.join('').replace(/[ \t]+/g, ' ').replace(/\n\s*\n+/g, '\n\n').trim();
}

async function pdfToText(bytes: Buffer): Promise<string> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let doc;
  try {
    doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  } catch (err) {
    throw new UserError(`cannot read the PDF: ${(err as Error).message}`);
  }
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    let line = '';
    const lines: string[] = [];
    for (const item of content.items) {
      if (!('str' in item)) continue;
      line += item.str;
      if (item.hasEOL) {
        lines.push(line);
        line = '';
      } else if (item.str && !item.str.endsWith(' ')) line += ' ';
    }
    if (line) lines.push(line);
    pages.push(lines.join('\n'));
  }
  await doc.destroy();
  return pages.join('\n\n');
}

function looksBinary(bytes: Buffer): boolean {
  const n = Math.min(bytes.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c === 0) return true;
    if (c < 9 || (c > 13 && c < 32)) control++;
  }
  return n > 0 && control / n > 0.02;
}

/** The text of a document file: .pdf, .html/.htm, or UTF-8 text (.txt, .md, anything textual). */
export async function extractDocumentText(fileName: string, bytes: Buffer): Promise<string> {
  if (bytes.length > MAX_DOCUMENT_BYTES) throw new UserError(`${fileName} is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB`);
  const ext = extname(fileName).toLowerCase();
  let text: string;
  if (ext === '.pdf' || bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
    text = await pdfToText(bytes);
  } else {
    if (looksBinary(bytes)) throw new UserError(`${fileName} is not a text, Markdown, HTML or PDF document (it looks binary)`);
    let decoded: string;
    try {
      decoded = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new UserError(`${fileName} is not valid UTF-8 text: save it as UTF-8, or as PDF`);
    }
    text = ext === '.html' || ext === '.htm' || ext === '.xhtml' || /^\s*(<!doctype html|<html)/i.test(decoded) ? htmlToPlainText(decoded) : decoded;
  }
  if (!/[\p{L}\p{N}]/u.test(text)) throw new UserError(`${fileName} contains no readable text${ext === '.pdf' ? ' (a scanned PDF needs OCR first)' : ''}`);
  return text;
}

export interface AddedDocument {
  id: number;
  fileName: string;
  label: DocumentLabel;
  fingerprints: number;
  words: number;
}

/** Register a document by its fingerprints. The text is not stored. */
export async function addDocument(db: Kysely<DB>, input: { fileName: string; text: string; label: DocumentLabel; addedBy?: number | null }): Promise<AddedDocument> {
  const hashes = DocumentRegister.fingerprintsOf(input.text, input.label);
  const words = (input.text.match(/[\p{L}\p{N}]+/gu) ?? []).length;
  if (hashes.length === 0) throw new UserError(`${input.fileName} is too short to fingerprint (it needs at least 5 words)`);
  const id = await db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('guard_documents')
      .values({ file_name: input.fileName.slice(0, 255), label: input.label, added_by: input.addedBy ?? null, added_at: nowIso(), fingerprint_count: hashes.length, fingerprints: fingerprintsToBytes(hashes) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await bumpGuardVersion(tx);
    return row.id;
  });
  return { id, fileName: input.fileName, label: input.label, fingerprints: hashes.length, words };
}

export async function listDocuments(db: Kysely<DB>) {
  return db.selectFrom('guard_documents').select(['id', 'file_name', 'label', 'added_by', 'added_at', 'fingerprint_count']).orderBy('id').execute();
}

export async function removeDocument(db: Kysely<DB>, id: number): Promise<{ fileName: string }> {
  return db.transaction().execute(async (tx) => {
    const doc = await tx.selectFrom('guard_documents').select('file_name').where('id', '=', id).executeTakeFirst();
    if (!doc) throw new NotFoundError(msg('admin:errors.noDocument', { id }));
    await tx.deleteFrom('guard_documents').where('id', '=', id).execute();
    await bumpGuardVersion(tx);
    return { fileName: doc.file_name };
  });
}
