// CSRF tokens bound to the session (@fastify/csrf-protection's userInfo): a token is an HMAC over
// the `_csrf` cookie secret AND the session it was made for, so one member's token is refused
// with another member's session, and a visitor's token stops working once they sign in.
import { createHmac } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashToken } from '../shared/tokens.ts';

export const CSRF_COOKIE = '_csrf';

/** What a token is bound to: the session (by its hash), or "visitor" (the library needs a non-empty value). */
export const csrfSessionBinding = (request: FastifyRequest): string =>
  request.sessionToken ? `session:${hashToken(request.sessionToken)}` : 'visitor';

/** The HMAC key for tokens, derived from the installation secret (not the secret itself). */
export const csrfHmacKey = (installationSecret: string): Buffer => createHmac('sha256', installationSecret).update('parley csrf tokens').digest();

type Generate = FastifyReply['generateCsrf'];

/**
 * For one server: a function that makes reply.generateCsrf() bind its token to the request's
 * session, so route code calls reply.generateCsrf() as usual. (Per server, since each server's
 * plugin has its own keys.)
 */
export function csrfSessionBinder(): (reply: FastifyReply) => void {
  let plain: Generate | undefined;
  function bound(this: FastifyReply, opts?: Parameters<Generate>[0]): string {
    return plain!.call(this, { ...opts, userInfo: csrfSessionBinding(this.request) });
  }
  return (reply) => {
    plain ??= reply.generateCsrf;
    reply.generateCsrf = bound as Generate;
  };
}

/** A new `_csrf` secret after sign-in and sign-out: the next page makes one (no fixation across accounts). */
export function renewCsrfSecret(reply: FastifyReply): void {
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}
