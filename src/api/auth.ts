import type { FastifyRequest } from 'fastify';
import type { Actor } from '../policy/policy.ts';
import { ForbiddenError, UserError } from '../shared/errors.ts';

/** The caller, or a 401: writing needs a session cookie or an API token. */
export function signedIn(request: FastifyRequest): Actor {
  if (!request.actor) throw new UserError('Sign in, or send "Authorization: Bearer <API token>".', 401);
  return request.actor;
}

/** Token management is for the person in a browser session, never for another token. */
export function sessionOnly(request: FastifyRequest): Actor {
  if (request.apiToken) throw new ForbiddenError('API tokens are managed from a signed-in session (Account settings), not with an API token.');
  return signedIn(request);
}

/** OpenAPI: which ways of signing in a route accepts. */
export const security = {
  any: [{ bearerAuth: [] }, { cookieAuth: [] }],
  session: [{ cookieAuth: [] }],
  optional: [{ bearerAuth: [] }, { cookieAuth: [] }, {}],
} as const;
