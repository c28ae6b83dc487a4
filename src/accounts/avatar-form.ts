// The avatar form is multipart/form-data. This preValidation hook reads it before the CSRF check:
// its text fields (the `_csrf` token, sent before the file) become request.body, as for any
// other form, and the image is kept for the route. Upload errors are kept for the route too,
// which shows them on the settings page.
import type { FastifyRequest } from 'fastify';
import { text, UserError } from '../shared/errors.ts';

const MAX_BYTES = 5 * 1024 * 1024;

export const avatarUploads = new WeakMap<FastifyRequest, { bytes?: Buffer; error?: UserError }>();

export async function readAvatarForm(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  const body: Record<string, string> = {};
  const upload: { bytes?: Buffer; error?: UserError } = {};
  try {
    for await (const part of request.parts({ limits: { fileSize: MAX_BYTES, files: 1, fields: 5, fieldSize: 1000, parts: 6 } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'avatar' || upload.bytes) {
          part.file.resume();
          continue;
        }
        upload.bytes = await part.toBuffer();
        if (!part.filename && upload.bytes.length === 0) {
          delete upload.bytes;
          upload.error = new UserError(text('accounts:errors.chooseImage'), 400, 'avatar');
        }
      } else if (typeof part.value === 'string') {
        body[part.fieldname] = part.value;
      }
    }
    if (!upload.bytes && !upload.error) upload.error = new UserError(text('accounts:errors.chooseImage'), 400, 'avatar');
  } catch (err) {
    const code = (err as { code?: string }).code;
    upload.error =
      code === 'FST_REQ_FILE_TOO_LARGE'
        ? new UserError(text('accounts:errors.imageTooLarge'), 413, 'avatar')
        : new UserError(text('accounts:errors.uploadUnreadable'), 400, 'avatar');
    delete upload.bytes;
  }
  request.body = body;
  avatarUploads.set(request, upload);
}
