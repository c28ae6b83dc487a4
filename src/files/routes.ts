// Serves stored files (avatars) from the file store, to visitors too: an avatar is shown beside
// public posts. Names are fresh for each upload, so a file never changes: a week of caching
// (immutable) and a strong ETag, with 304 for a conditional request that has it already.
import type { FastifyInstance } from 'fastify';
import { AVATAR_NAME, avatarKey } from '../accounts/avatar.ts';
import { NotFoundError } from '../shared/errors.ts';

const CACHE = 'public, max-age=604800, immutable';

export async function fileRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { name: string } }>('/avatars/:name', { logLevel: 'warn' }, async (request, reply) => {
    const name = request.params.name;
    if (!AVATAR_NAME.test(name)) throw new NotFoundError('There is no such picture.');
    const key = avatarKey(name);
    const conditional = request.headers['if-none-match'];
    const file = await app.files.get(key, { etagOnly: !!conditional });
    if (!file) throw new NotFoundError('There is no such picture.');
    reply.header('cache-control', CACHE).header('etag', file.etag);
    if (conditional && conditional.split(',').some((t) => t.trim().replace(/^W\//, '') === file.etag)) return reply.code(304).send();
    const full = conditional ? await app.files.get(key) : file;
    if (!full) throw new NotFoundError('There is no such picture.');
    return reply.type(full.contentType).send(full.bytes);
  });
}
