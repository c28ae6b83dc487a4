import type { FastifyRequest } from 'fastify';
import type { Actor } from '../policy/policy.ts';
import { ForbiddenError, text, UserError } from '../shared/errors.ts';

/** The caller, or a 401: writing needs a session cookie or an API token. */
export function signedIn(request: FastifyRequest): Actor {
  if (!request.actor) throw new UserError(text('api:errors.signIn'), 401);
  return request.actor;
}

/** Token management is for the person in a browser session, never for another token. */
export function sessionOnly(request: FastifyRequest): Actor {
  if (request.apiToken) throw new ForbiddenError(text('api:errors.sessionOnly'));
  return signedIn(request);
}

/** OpenAPI: which ways of signing in a route accepts. */
export const security = {
  any: [{ bearerAuth: [] }, { cookieAuth: [] }],
  session: [{ cookieAuth: [] }],
  optional: [{ bearerAuth: [] }, { cookieAuth: [] }, {}],
} as const;
