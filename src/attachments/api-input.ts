// Attachments as the JSON API receives them: the text itself, or the file's bytes in base64.
// Either way the content decides (src/attachments/text-file.ts), as for an uploaded file.
import { text, UserError } from '../shared/errors.ts';
import { decodeTextFile, sanitizeFilename, textAttachment, type AttachmentText } from './text-file.ts';

export interface ApiAttachment {
  name: string;
  content: string;
  encoding?: 'text' | 'base64';
}

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/;

export function attachmentsFromApi(list: readonly ApiAttachment[] | undefined): AttachmentText[] {
  return (list ?? []).map((a) => {
    if (a.encoding !== 'base64') return textAttachment(a.name, a.content);
    if (!BASE64.test(a.content)) throw new UserError(text('compose:errors.attachmentNotBase64', { name: sanitizeFilename(a.name) }), 400, 'attachments');
    return decodeTextFile(a.name, Buffer.from(a.content, 'base64'));
  });
}
