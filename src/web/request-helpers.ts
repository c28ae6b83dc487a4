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

/**
 * Where to go after signing in (`next`): only a path on this site. It starts with one `/` (never
 * `//host` or `/\host`, which browsers read as another site), holds printable ASCII without
 * backslashes (no scheme, spaces or control characters: a browser percent-encodes the rest), and
 * is at most 1,000 characters. Anything else is `/`.
 */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && next.length <= 1000 && /^\/(?![/\\])[\x21-\x5b\x5d-\x7e]*$/.test(next) ? next : '/';
}

// The account pages themselves: their sign-in links pass on the `next` they were given, not themselves.
const ACCOUNT_PAGES = /^\/(?:signin|signup|signout|password\/[a-z]+|auth\/sso(?:\/callback)?|verify-email)(?:[?#]|$)/;

/** The `next` a sign-in or sign-up link on the page at `path` carries ('/' when none). */
export function nextFrom(path: string | undefined): string {
  if (!path) return '/';
  if (!ACCOUNT_PAGES.test(path)) return safeNext(path);
  const q = path.indexOf('?');
  return q < 0 ? '/' : safeNext(new URLSearchParams(path.slice(q + 1)).get('next'));
}

/** `/signin` (or another account page) with `?next=…` when there is somewhere to come back to. */
export function withNext(page: string, next: string): string {
  return next === '/' ? page : `${page}?next=${encodeURIComponent(next)}`;
}
