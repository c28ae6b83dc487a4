// Staff administration of roles: community managers and admins grant and revoke roles on a
// page, each change written to the role log with who did it and why.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ROLES, type Role } from '../db/schema.ts';
import { authorize, can, type Actor } from '../policy/policy.ts';
import { NotFoundError, text, UserError } from '../shared/errors.ts';
import { translatorFor } from '../i18n/plugin.ts';
import { changeRole, parseRole } from './change-role.ts';
import { rolesOf } from './find-user.ts';
import { resetTwoFactorOf } from './turn-off-two-factor.ts';
import { twoFactorState } from './two-factor.ts';
import { listTeamTwoFactor } from './list-team-two-factor.ts';
import { tellOwnerAboutTwoFactor } from './two-factor-notice.ts';

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
    const { on, since } = await twoFactorState(db, user.id);
    const twoFactor = { on, since, mayReset: on && can(actor, 'user.resetTwoFactor', { id: user.id }) };
    return { title: translatorFor(request).t('admin:user.title', { name: user.display_name }), person: user, roles, log, grantable, twoFactor, error: null, notice: null, ...extra };
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

  // A member who lost their phone and their backup codes: an admin turns two-step verification
  // off (policy user.resetTwoFactor), with a reason for the staff log; the member is told by e-mail.
  app.post<{ Params: { username: string }; Body: Form }>('/admin/users/:username/two-factor/reset', params, async (request, reply) => {
    const actor = staff(request);
    const { person } = await page(request, request.params.username);
    try {
      await resetTwoFactorOf(db, actor, person.id, String(request.body?.reason ?? ''));
    } catch (err) {
      if (!(err instanceof UserError) || err.status === 401) throw err;
      const data = await page(request, request.params.username, { error: err.say(translatorFor(request).t), values: { reason: String(request.body?.reason ?? '') } });
      return reply.code(err.status).view('admin-user', { ...data, csrf: reply.generateCsrf() });
    }
    await tellOwnerAboutTwoFactor(db, app.mailer, person.id, 'reset').catch((err: Error) => app.log.warn({ err: { message: err.message } }, 'two-step verification e-mail failed'));
    const data = await page(request, request.params.username, { notice: text('accounts:twoFactor.admin.done') });
    return reply.view('admin-user', { ...data, csrf: reply.generateCsrf() });
  });

  // Who on the team uses two-step verification (and what REQUIRE_TWO_FACTOR asks), those without first.
  app.get('/admin/two-factor', async (request, reply) => {
    const people = await listTeamTwoFactor(db, staff(request));
    const t = translatorFor(request).t;
    return reply.view('admin-two-factor', { title: t('accounts:twoFactor.team.title'), people, rule: app.config.REQUIRE_TWO_FACTOR, on: people.filter((p) => p.state !== 'off').length });
  });
}
