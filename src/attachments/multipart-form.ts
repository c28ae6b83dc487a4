// The composer forms with attachments are multipart/form-data (they work without JavaScript).
// This preValidation hook reads such a form before the CSRF check (which then finds `_csrf` in
// the body as for any other form): fields become request.body, as @fastify/formbody makes them;
// files are decoded as text. A refused file (binary, too large, too many) does not throw here:
// the error is kept for the route, which shows it in the form with everything else the author
// wrote. Attachments already accepted once come back from a re-shown form as kept_name/kept_text.
import type { FastifyRequest } from 'fastify';
import { text, UserError } from '../shared/errors.ts';
import { ATTACHMENT_LIMITS, decodeTextFile, kib, type AttachmentText } from './text-file.ts';

export const FILE_FIELD = 'attachments';
/** Everything in one form: text fields, kept attachments and files (bytes). */
const MAX_FORM_BYTES = 8 * 1024 * 1024;

interface Upload {
  files: AttachmentText[];
  error?: UserError;
}
const uploads = new WeakMap<FastifyRequest, Upload>();

const LIMIT_MESSAGES: Record<string, () => UserError> = {
  FST_FILES_LIMIT: () => new UserError(text('compose:errors.tooManyAttachments', { max: ATTACHMENT_LIMITS.maxFiles }), 413, 'attachments'),
  FST_FIELDS_LIMIT: () => new UserError(text('compose:errors.formTooManyFields'), 413),
  FST_PARTS_LIMIT: () => new UserError(text('compose:errors.formTooManyFields'), 413),
  FST_PROTO_VIOLATION: () => new UserError(text('compose:errors.formInvalid'), 400),
};

export async function parseMultipartForm(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  const body: Record<string, string | string[]> = {};
  const upload: Upload = { files: [] };
  const fail = (e: UserError) => (upload.error ??= e);
  let total = 0;
  let fileCount = 0;
  try {
    const parts = request.parts({
      // Generous parser limits (a form with one file too many is drained and answered in the form);
      // the real limits are counted below.
      limits: { fileSize: ATTACHMENT_LIMITS.maxBytes + 4, files: 20, fields: 40, fieldSize: ATTACHMENT_LIMITS.maxBytes + 4, parts: 80 },
    });
    for await (const part of parts) {
      if (part.type === 'file') {
        if (part.fieldname !== FILE_FIELD || ++fileCount > ATTACHMENT_LIMITS.maxFiles || upload.error) {
          part.file.resume(); // read and dropped
          if (part.fieldname === FILE_FIELD && fileCount > ATTACHMENT_LIMITS.maxFiles) fail(LIMIT_MESSAGES.FST_FILES_LIMIT!());
          continue;
        }
        let bytes: Buffer;
        try {
          bytes = await part.toBuffer();
        } catch (err) {
          if ((err as { code?: string }).code !== 'FST_REQ_FILE_TOO_LARGE') throw err;
          fail(new UserError(text('compose:errors.attachmentTooLarge', { name: part.filename, max: kib(ATTACHMENT_LIMITS.maxBytes) }), 413, 'attachments'));
          continue;
        }
        if (!part.filename && bytes.length === 0) { fileCount--; continue; } // the file input was left empty
        total += bytes.length;
        try {
          upload.files.push(decodeTextFile(part.filename, bytes));
        } catch (err) {
          if (err instanceof UserError) fail(err);
          else throw err;
        }
      } else {
        const value = typeof part.value === 'string' ? part.value : String(part.value ?? '');
        total += value.length;
        if (part.valueTruncated) {
          fail(new UserError(text('compose:errors.formFieldTooLong'), 413));
          continue;
        }
        const prev = body[part.fieldname];
        body[part.fieldname] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
      }
      if (total > MAX_FORM_BYTES) fail(new UserError(text('compose:errors.formTooLarge', { max: kib(MAX_FORM_BYTES) }), 413));
    }
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    const known = LIMIT_MESSAGES[code];
    if (known) fail(known());
    else if (err instanceof UserError) fail(err);
    else fail(new UserError(text('compose:errors.formUnreadable'), 400));
  }
  request.body = body;
  uploads.set(request, upload);
}

/** All values of a repeated form field. */
export const formList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v) => typeof v === 'string') : typeof value === 'string' ? [value] : []);

function collect(request: FastifyRequest): { list: AttachmentText[]; error: UserError | undefined } {
  const upload = uploads.get(request);
  const b = (request.body ?? {}) as Record<string, unknown>;
  const names = formList(b.kept_name);
  const texts = formList(b.kept_text);
  const removed = new Set(formList(b.kept_remove));
  // A textarea sends CRLF line ends: back to what the file had (LF) as far as we can tell.
  const kept = names.map((name, i) => ({ name, text: (texts[i] ?? '').replace(/\r\n/g, '\n') })).filter((_, i) => !removed.has(String(i)));
  return { list: [...kept, ...(upload?.files ?? [])], error: upload?.error };
}

/**
 * The attachments a form carries: those kept from a re-shown form (minus the ones the author
 * removed) and the uploaded files. Throws the upload's error (413/415/400) for the route to show.
 */
export function formAttachments(request: FastifyRequest): AttachmentText[] {
  const { list, error } = collect(request);
  if (error) throw error;
  return list;
}

/** The attachments to offer again when a form is shown again (after any error). */
export function attachmentsToShowAgain(request: FastifyRequest): AttachmentText[] {
  return collect(request).list;
}
