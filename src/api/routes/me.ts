// Who the API sees: lets a script check its token, and gives a browser session its CSRF token.
import type { FastifyInstance } from 'fastify';
import { rolesOf } from '../../accounts/find-user.ts';
import { signedIn, security } from '../auth.ts';
import type { Presenter } from '../present.ts';
import { errors, ref } from '../schemas.ts';

export async function meRoutes(app: FastifyInstance, { present }: { present: Presenter }): Promise<void> {
  const db = app.database.db;
  app.get('/me', {
    schema: {
      tags: ['Users'], security: security.any, summary: 'The signed-in caller',
      description: 'For a cookie session, `csrfToken` is the value to send in the `x-csrf-token` header of every write. Token-authenticated calls need none.',
      response: {
        200: {
          type: 'object',
          properties: {
            user: ref('Author'),
            authenticatedBy: { type: 'string', enum: ['token', 'session'] },
            csrfToken: { type: ['string', 'null'] },
          },
          required: ['user', 'authenticatedBy', 'csrfToken'],
        },
        ...errors(401),
      },
    },
  }, async (request, reply) => {
    const actor = signedIn(request);
    const user = request.user!;
    reply.header('cache-control', 'no-store');
    return {
      user: present.author({ username: user.username, display_name: user.display_name, deleted: false }, await rolesOf(db, actor.id)),
      authenticatedBy: request.apiToken ? 'token' : 'session',
      csrfToken: request.apiToken ? null : reply.generateCsrf(),
    };
  });
}
