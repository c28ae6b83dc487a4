import type { FastifyInstance } from 'fastify';
import { showPublicProfile } from './show-profile.ts';
import { viewHelpers } from '../web/view-helpers.ts';

export async function accountRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { username: string } }>(
    '/u/:username',
    { schema: { params: { type: 'object', properties: { username: { type: 'string', maxLength: 40 } } } } },
    async (request, reply) => {
      const profile = await showPublicProfile(app.database.db, request.params.username);
      return reply.view('profile', { ...profile, title: profile.user.display_name, actor: request.actor, canonical: viewHelpers.userUrl(profile.user.username) });
    },
  );
}
