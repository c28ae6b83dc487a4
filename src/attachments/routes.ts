// Downloading an attachment: always as plain text and as a download, never rendered as a page.
import type { FastifyInstance } from 'fastify';
import { attachmentForDownload } from './download-attachment.ts';

const params = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1, maximum: 2_147_483_647 }, name: { type: 'string', maxLength: 300 } },
  required: ['id'],
} as const;

/** RFC 6266 / 5987: an ASCII fallback name and the exact UTF-8 name. */
export function contentDisposition(filename: string): string {
  const ascii = filename.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/["\\%;]/g, '_').trim() || 'attachment.txt';
  const exact = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

export async function attachmentRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;
  const download = async (actor: Parameters<typeof attachmentForDownload>[1], id: number) => attachmentForDownload(db, actor, id);
  // The name in the address is for people and tools that save under the last path segment; the id decides.
  app.get<{ Params: { id: number; name?: string } }>('/attachments/:id/:name', { schema: { params } }, async (request, reply) => {
    const file = await download(request.actor, request.params.id);
    return reply
      .header('content-type', 'text/plain; charset=utf-8')
      .header('content-disposition', contentDisposition(file.filename))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, no-cache')
      .send(file.text);
  });
  app.get<{ Params: { id: number } }>('/attachments/:id', { schema: { params } }, async (request, reply) => {
    const file = await download(request.actor, request.params.id);
    return reply.redirect(attachmentUrl({ id: request.params.id, filename: file.filename }), 301);
  });
}

export const attachmentUrl = (a: { id: number; filename: string }) => `/attachments/${a.id}/${encodeURIComponent(a.filename)}`;
