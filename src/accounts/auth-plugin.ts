// Who is asking: reads the session cookie once per request and sets request.actor (roles for
// the policy) and request.user (name for the header). Visitors cost no database query.
import { countsReadByPage, headerCounts, wantsHeaderCounts, type HeaderCounts } from './signed-in-facts.ts';
import type { Actor } from '../policy/policy.ts';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, userForSession } from './sessions.ts';
import { bearerAuth } from '../api/tokens/authenticate-token.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: { id: number; username: string; display_name: string; email_verified_at: string | null; locale?: string | null; avatar?: string | null } | null;
    sessionToken: string | null;
    /** The header's counts, read with the session's other facts (signed-in-facts.ts). */
    headerCounts?: HeaderCounts;
  }
}

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
    const user = await userForSession(app.database.db, unsigned.value);
    if (!user) return;
    request.sessionToken = unsigned.value;
    request.user = { id: user.id, username: user.username, display_name: user.display_name, email_verified_at: user.email_verified_at, locale: user.locale, avatar: user.avatar };
    const actor: Actor = user.boards.size ? { id: user.id, roles: user.roles, boards: user.boards } : { id: user.id, roles: user.roles };
    request.actor = actor;
    // A page's header counts: one more statement (signed-in-facts.ts); API calls and form posts
    // skip it, and the topic, board and home pages read them with their own data.
    if (wantsHeaderCounts(request) && !countsReadByPage(request)) request.headerCounts = await headerCounts(app.database.db, actor);
  };
  app.addHook('onRequest', (request, reply, done) => {
    // Most requests are visitors': no token and no session cookie, so nothing to wait for.
    if (request.headers.authorization === undefined && request.cookies[SESSION_COOKIE] === undefined) return done();
    identify(request, reply).then(() => done(), done);
  });
});
