// Staff administration of roles: community managers and admins grant and revoke roles on a
// page, each change written to the role log with who did it and why.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ROLES, type Role } from '../db/schema.ts';
import { authorize, can, type Actor } from '../policy/policy.ts';
import { NotFoundError, text, UserError } from '../shared/errors.ts';
import { translatorFor } from '../i18n/plugin.ts';
import { changeRole, parseRole } from './change-role.ts';
import { rolesOf } from './find-user.ts';

type Form = Record<string, string | undefined>;

function staff(request: FastifyRequest): Actor {
  if (!request.actor) throw new UserError(text('admin:errors.signIn'), 401);
  authorize(request.actor, 'role.manage', null);
  return request.actor;
}

export async function adminRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;

  const page = async (request: FastifyRequest, username: string, extra: object = {}) => {
    const actor = staff(request);
    const user = await db
      .selectFrom('users')
      .select(['id', 'username', 'display_name', 'created_at'])
      .where('username_lower', '=', username.toLowerCase())
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (!user) throw new NotFoundError(text('admin:errors.noSuchMember'));
    const roles = await rolesOf(db, user.id);
    const log = await db
      .selectFrom('role_changes')
      .leftJoin('users as actor', 'actor.id', 'role_changes.actor_id')
      .select(['role_changes.role', 'role_changes.action', 'role_changes.reason', 'role_changes.at', 'actor.username as actor'])
      .where('role_changes.user_id', '=', user.id)
      .orderBy('role_changes.id', 'desc')
      .execute();
    const grantable = ROLES.filter((r): r is Role => r !== 'member' && can(actor, 'role.grant', r));
    return { title: translatorFor(request).t('admin:user.title', { name: user.display_name }), person: user, roles, log, grantable, error: null, notice: null, ...extra };
  };

  const params = { schema: { params: { type: 'object', properties: { username: { type: 'string', maxLength: 40 } } } } };

  app.get<{ Params: { username: string } }>('/admin/users/:username', params, async (request, reply) => {
    const data = await page(request, request.params.username);
    return reply.view('admin-user', { ...data, csrf: reply.generateCsrf() });
  });

  app.post<{ Params: { username: string }; Body: Form }>('/admin/users/:username/roles', params, async (request, reply) => {
    const actor = staff(request);
    const b = request.body ?? {};
    const { person } = await page(request, request.params.username);
    try {
      const role = parseRole(String(b.role ?? ''));
      const action = b.action === 'revoke' ? 'revoke' : b.action === 'grant' ? 'grant' : null;
      if (!action) throw new UserError(text('admin:errors.grantOrRevoke'));
      authorize(actor, 'role.grant', role);
      const changed = await changeRole(db, { userId: person.id, role, action, actorId: actor.id, reason: String(b.reason ?? '').trim().slice(0, 300) });
      const data = await page(request, request.params.username, { notice: changed ? text(action === 'grant' ? 'admin:user.granted' : 'admin:user.revoked', { role }) : text('admin:user.nothingToChange') });
      return reply.view('admin-user', { ...data, csrf: reply.generateCsrf() });
    } catch (err) {
      if (!(err instanceof UserError) || err.status === 401) throw err;
      const data = await page(request, request.params.username, { error: err.say(translatorFor(request).t) });
      return reply.code(err.status).view('admin-user', { ...data, csrf: reply.generateCsrf() });
    }
  });
}
