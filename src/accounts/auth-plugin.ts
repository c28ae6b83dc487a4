// Who is asking: reads the session cookie once per request and sets request.actor (roles for
// the policy) and request.user (name for the header). Visitors cost no database query.
import { countsReadByPage, headerCounts, wantsHeaderCounts, type HeaderCounts } from './signed-in-facts.ts';
import type { Actor } from '../policy/policy.ts';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, readSessionCookie, touchSession, userForSession } from './sessions.ts';
import { bearerAuth } from '../api/tokens/authenticate-token.ts';
import { describeStanding, standingOf } from '../moderation/restrict-user.ts';
import { text, UserError, type Text } from '../shared/errors.ts';
import { mustSetUpTwoFactor, OPEN_UNTIL_SET_UP } from './two-factor-required.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: { id: number; username: string; display_name: string; email_verified_at: string | null; locale?: string | null; avatar?: string | null } | null;
    sessionToken: string | null;
    /** The header's counts, read with the session's other facts (signed-in-facts.ts). */
    headerCounts?: HeaderCounts;
    /** The session's account is suspended: why and until when (it acts as a visitor, and may change nothing). */
    suspension?: Text;
    /** REQUIRE_TWO_FACTOR covers the account and it has not set it up: it may only do that (two-factor-required.ts). */
    twoFactorMissing?: boolean;
  }
}

// What a suspended account's browser may still post: signing in (as someone else, or to be told
// the suspension again), signing up, a password reset, signing out.
const OPEN_TO_SUSPENDED = new Set(['/signin', '/signup', '/signout', '/password/forgot', '/password/reset']);

export const authPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest('user', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('apiToken', null);
  const identify = async (request: FastifyRequest, reply: FastifyReply) => {
    // Scripts on the JSON API: `Authorization: Bearer <API token>` instead of the cookie.
    if (await bearerAuth(app.database.db, request, reply)) return;
    const raw = request.cookies[SESSION_COOKIE];
    if (!raw) return;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) return;
    const { userId, token } = readSessionCookie(unsigned.value);
    const user = await userForSession(app.database.db, token);
    if (!user) {
      // A session that is gone (suspending signs the account out everywhere) or refused: if its
      // account is suspended, say so on what it tries next (a tab still open posts a form, say),
      // rather than the stale form's "this form has expired" (its token was made for the session).
      if (userId !== null) {
        const standing = await standingOf(app.database.db, userId);
        if (standing?.kind === 'suspended') request.suspension = describeStanding(standing);
      }
      return;
    }
    request.sessionToken = token;
    // When this session was last used, for the owner's list of sessions (account settings): written
    // at most every 10 minutes; a write that fails (a busy database) does not fail the request.
    await touchSession(app.database.db, token, user.last_seen_at).catch((err: Error) => request.log.warn(`session last-use not noted: ${err.message}`));
    request.user = { id: user.id, username: user.username, display_name: user.display_name, email_verified_at: user.email_verified_at, locale: user.locale, avatar: user.avatar };
    const actor: Actor = user.boards.size ? { id: user.id, roles: user.roles, boards: user.boards } : { id: user.id, roles: user.roles };
    request.actor = actor;
    if (app.config.REQUIRE_TWO_FACTOR !== 'none') request.twoFactorMissing = await mustSetUpTwoFactor(app.database.db, app.config.REQUIRE_TWO_FACTOR, actor);
    // A page's header counts: one more statement (signed-in-facts.ts); API calls and form posts
    // skip it, and the topic, board and home pages read them with their own data.
    if (wantsHeaderCounts(request) && !countsReadByPage(request)) request.headerCounts = await headerCounts(app.database.db, actor);
  };
  app.addHook('onRequest', (request, reply, done) => {
    // Most requests are visitors': no token and no session cookie, so nothing to wait for.
    if (request.headers.authorization === undefined && request.cookies[SESSION_COOKIE] === undefined) return done();
    identify(request, reply).then(() => done(), done);
  });
  // A suspended account's browser reads public pages as a visitor; any change (a form post, an API
  // call) is refused with the suspension's reason and end date, before the API's "sign in", the CSRF
  // check and the route.
  app.addHook('preValidation', (request, _reply, done) => {
    if (!request.suspension) return done();
    const reads = request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS';
    if ((reads && !request.url.startsWith('/api/')) || OPEN_TO_SUSPENDED.has(request.routeOptions.url ?? '')) return done();
    done(new UserError(request.suspension, 403));
  });
  // An account held until it sets up two-step verification: pages lead to the settings, where
  // it does; anything else is refused with the reason.
  app.addHook('preValidation', async (request, reply) => {
    if (!request.twoFactorMissing) return;
    const route = request.routeOptions.url ?? '';
    if (OPEN_UNTIL_SET_UP.has(route) || route.startsWith('/assets/')) return;
    if ((request.method === 'GET' || request.method === 'HEAD') && !request.url.startsWith('/api/')) return reply.redirect('/settings?saved=two-factor-required', 303);
    throw new UserError(text('accounts:errors.twoFactorRequired'), 403);
  });
});
