// Public profiles: only what anyone may see on /u/:username (never e-mail or private details).
import type { FastifyInstance } from 'fastify';
import { showPublicProfile } from '../../accounts/show-profile.ts';
import { viewHelpers } from '../../web/view-helpers.ts';
import { security } from '../auth.ts';
import { iso, type Presenter } from '../present.ts';
import { errors } from '../schemas.ts';

export async function userRoutes(app: FastifyInstance, { present }: { present: Presenter }): Promise<void> {
  const db = app.database.db;

  app.get<{ Params: { username: string } }>('/users/:username', {
    schema: {
      tags: ['Users'], security: security.optional, summary: 'A member\'s public profile',
      params: { type: 'object', properties: { username: { type: 'string', minLength: 1, maxLength: 40 } }, required: ['username'] },
      response: {
        200: {
          type: 'object',
          properties: {
            user: {
              type: 'object',
              properties: {
                username: { type: 'string' },
                displayName: { type: 'string' },
                bio: { type: 'string' },
                avatarUrl: { type: ['string', 'null'], format: 'uri' },
                badges: { type: 'array', items: { type: 'string' } },
                postCount: { type: 'integer' },
                answerCount: { type: 'integer' },
                joinedAt: { type: 'string', format: 'date-time' },
                url: { type: 'string', format: 'uri' },
              },
              required: ['username', 'displayName', 'bio', 'avatarUrl', 'badges', 'postCount', 'answerCount', 'joinedAt', 'url'],
            },
          },
          required: ['user'],
        },
        ...errors(400, 404),
      },
    },
  }, async (request) => {
    const { user, roles } = await showPublicProfile(db, request.params.username);
    const who = present.author({ username: user.username, display_name: user.display_name, deleted: false }, roles);
    return {
      user: {
        username: user.username,
        displayName: user.display_name,
        bio: user.bio,
        avatarUrl: user.avatar ? present.url(`/avatars/${user.avatar}`) : null,
        badges: who.badges,
        postCount: user.post_count,
        answerCount: user.answer_count,
        joinedAt: iso(user.created_at)!,
        url: present.url(viewHelpers.userUrl(user.username)),
      },
    };
  });
}
