// Small helpers shared by the page routes.
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../policy/policy.ts';
import { text, UserError } from '../shared/errors.ts';

/** The signed-in actor, or a 401 that the error page turns into "please sign in". */
export function signedIn(request: FastifyRequest): Actor {
  if (!request.actor) throw new UserError(text('accounts:errors.signInFirst'), 401);
  return request.actor;
}

/** A form field as text ('' when missing or not a string). */
export const formText = (value: unknown): string => (typeof value === 'string' ? value : '');
