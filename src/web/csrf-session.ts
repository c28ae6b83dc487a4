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
  // One token per response: without a `_csrf` cookie (the first page after signing in) every call
  // made a new secret and only the last one reached the browser, so the page's other forms were
  // refused; and each token costs an HMAC (and the session's hash) that a page with several forms
  // paid several times.
  const made = new WeakMap<FastifyReply, { binding: string; token: string }>();
  function bound(this: FastifyReply, opts?: Parameters<Generate>[0]): string {
    const binding = csrfSessionBinding(this.request);
    const earlier = made.get(this);
    if (earlier?.binding === binding) return earlier.token;
    const token = plain!.call(this, { ...opts, userInfo: binding });
    made.set(this, { binding, token });
    return token;
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
