// Guard administration pages for community managers and admins (issue 5, points 4 and 7): the
// policy as a role × finding-type table with the options they maintain, the audit log of guard
// decisions (types and counts only, never values), and the register of confidential documents.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ACTIONS, FINDING_TYPES, type CustomerNumberPattern, type GuardPolicy } from '../guard/index.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { text, UserError } from '../shared/errors.ts';
import { translatorFor } from '../i18n/plugin.ts';
import { listGuardDecisions } from './audit.ts';
import { listDocuments, removeDocument } from './documents.ts';
import { invalidateGuardContext } from './registers.ts';
import { readGuardOptions, readGuardPolicy, saveGuardOptions, saveGuardPolicy, validateStoredOptions, type StoredGuardOptions } from './settings.ts';

type Form = Record<string, string | undefined>;
const CHECK_DIGITS = ['none', 'mod11', 'luhn', 'mod97'];

function manager(request: FastifyRequest): Actor {
  if (!request.actor) throw new UserError(text('admin:errors.signIn'), 401);
  authorize(request.actor, 'guard.manage', null);
  return request.actor;
}

/** What the policy form shows: strings, so that a refused form keeps exactly what was typed. */
interface PolicyForm {
  roles: string[];
  rules: Record<string, Record<string, string>>;
  minConfidence: string;
  maskRetentionDays: string;
  pricePlans: string;
  patterns: string;
}

function formFromSettings(policy: GuardPolicy, options: StoredGuardOptions): PolicyForm {
  const rules: Record<string, Record<string, string>> = {};
  for (const [role, rr] of Object.entries(policy.rules)) rules[role] = Object.fromEntries(FINDING_TYPES.map((t) => [t, rr[t] ?? 'warn']));
  return {
    roles: Object.keys(policy.rules),
    rules,
    minConfidence: String(policy.minConfidence),
    maskRetentionDays: String(policy.maskRetentionDays),
    pricePlans: (options.pricePlans ?? []).join('\n'),
    patterns: (options.customerNumberPatterns ?? []).map((p) => `${p.name}, ${p.source}, ${p.checkDigit ?? 'none'}`).join('\n'),
  };
}

function formFromBody(roles: string[], b: Form): PolicyForm {
  const rules: Record<string, Record<string, string>> = {};
  for (const role of roles) rules[role] = Object.fromEntries(FINDING_TYPES.map((t) => [t, String(b[`rule.${role}.${t}`] ?? '')]));
  return {
    roles,
    rules,
    minConfidence: String(b.minConfidence ?? '').trim(),
    maskRetentionDays: String(b.maskRetentionDays ?? '').trim(),
    pricePlans: String(b.pricePlans ?? ''),
    patterns: String(b.patterns ?? ''),
  };
}

function lines(s: string): string[] {
  return s.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}

/** "name, regex, check digit" — the regex may contain commas; the check digit is optional. */
function parsePattern(line: string, n: number): CustomerNumberPattern {
  const first = line.indexOf(',');
  if (first < 0) throw new UserError(text('admin:errors.patternFormat', { line: n }), 400);
  const name = line.slice(0, first).trim();
  let source = line.slice(first + 1).trim();
  let checkDigit: string | undefined;
  const last = source.lastIndexOf(',');
  if (last >= 0 && CHECK_DIGITS.includes(source.slice(last + 1).trim().toLowerCase())) {
    checkDigit = source.slice(last + 1).trim().toLowerCase();
    source = source.slice(0, last).trim();
  }
  if (!name || !source) throw new UserError(text('admin:errors.patternIncomplete', { line: n }), 400);
  try {
    new RegExp(source);
  } catch (err) {
    throw new UserError(text('admin:errors.patternRegex', { line: n, name, reason: (err as Error).message }), 400);
  }
  return { name, source, ...(checkDigit && checkDigit !== 'none' ? { checkDigit: checkDigit as CustomerNumberPattern['checkDigit'] } : {}) };
}

function numberField(value: string, field: 'minConfidence' | 'maskRetentionDays', min: number, max: number, integer = false): number {
  const n = value === '' ? NaN : Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UserError(text(`admin:errors.${field}`, { min, max }), 400, field);
  }
  return n;
}

export async function guardAdminRoutes(app: FastifyInstance): Promise<void> {
  const db = app.database.db;

  const policyPage = (reply: FastifyReply, form: PolicyForm, extra: { error?: string | null; notice?: string | null } = {}) =>
    reply.view('guard-policy', { title: translatorFor(reply.request).t('admin:guard.title'), form, types: FINDING_TYPES, actions: ACTIONS, error: null, notice: null, ...extra, csrf: reply.generateCsrf() });

  // Post/Redirect/Get: a saved form leads back here with ?saved=1, said in a status message.
  app.get<{ Querystring: { saved?: string } }>('/admin/guard', { schema: { querystring: { type: 'object', properties: { saved: { type: 'string', maxLength: 4 } } } } }, async (request, reply) => {
    manager(request);
    const [policy, options] = await Promise.all([readGuardPolicy(db), readGuardOptions(db)]);
    return policyPage(reply, formFromSettings(policy, options), request.query.saved === '1' ? { notice: translatorFor(request).t('admin:guard.saved') } : {});
  });

  app.post<{ Body: Form }>('/admin/guard', async (request, reply) => {
    manager(request);
    const b = request.body ?? {};
    const [current, currentOptions] = await Promise.all([readGuardPolicy(db), readGuardOptions(db)]);
    const form = formFromBody(Object.keys(current.rules), b);
    try {
      const rules: Record<string, Record<string, string>> = {};
      for (const role of form.roles) {
        rules[role] = {};
        for (const t of FINDING_TYPES) {
          const a = form.rules[role]![t]!;
          if (!(ACTIONS as readonly string[]).includes(a)) throw new UserError(text('admin:errors.unknownAction', { action: a, role: role.replace('_', ' '), type: t, options: ACTIONS.join(', ') }), 400);
          rules[role]![t] = a;
        }
      }
      const minConfidence = numberField(form.minConfidence, 'minConfidence', 0, 1);
      const maskRetentionDays = numberField(form.maskRetentionDays, 'maskRetentionDays', 0, 3650, true);
      const pricePlans = lines(form.pricePlans);
      const customerNumberPatterns = lines(form.patterns).map((l, i) => parsePattern(l, i + 1));
      // Validate everything before anything is written: a refused form saves nothing.
      const options = validateStoredOptions({ ...currentOptions, pricePlans, customerNumberPatterns });
      await saveGuardPolicy(db, { minConfidence, maskRetentionDays, fallbackRole: current.fallbackRole, rules });
      await saveGuardOptions(db, options);
      // Other processes reload within seconds (version counter); this one at once.
      invalidateGuardContext(db);
      return reply.redirect('/admin/guard?saved=1', 303);
    } catch (err) {
      if (!(err instanceof UserError) || err.status === 401 || err.status === 403) throw err;
      return policyPage(reply.code(err.status), form, { error: err.say(translatorFor(request).t) });
    }
  });

  app.get('/admin/guard/audit', async (request, reply) => {
    manager(request);
    const decisions = await listGuardDecisions(db, 200);
    const ids = [...new Set(decisions.map((d) => d.actor_id).filter((id): id is number => id !== null))];
    const users = ids.length ? await db.selectFrom('users').select(['id', 'username']).where('id', 'in', ids).execute() : [];
    const names = new Map(users.map((u) => [u.id, u.username]));
    const rows = decisions.map((d) => ({ at: d.at, who: d.actor_id === null ? null : (names.get(d.actor_id) ?? `#${d.actor_id}`), where: d.where, target: d.target, types: d.finding_types, decision: d.decision }));
    return reply.view('guard-audit', { title: translatorFor(request).t('admin:audit.title'), rows, actions: ACTIONS });
  });

  const documentsPage = async (reply: FastifyReply, extra: { error?: string | null; notice?: string | null } = {}) => {
    const docs = await listDocuments(db);
    const ids = [...new Set(docs.map((d) => d.added_by).filter((id): id is number => id !== null))];
    const users = ids.length ? await db.selectFrom('users').select(['id', 'username']).where('id', 'in', ids).execute() : [];
    const names = new Map(users.map((u) => [u.id, u.username]));
    const rows = docs.map((d) => ({ ...d, by: d.added_by === null ? null : (names.get(d.added_by) ?? `#${d.added_by}`) }));
    return reply.view('guard-documents', { title: translatorFor(reply.request).t('admin:documents.title'), docs: rows, error: null, notice: null, ...extra, csrf: reply.generateCsrf() });
  };

  app.get('/admin/guard/documents', async (request, reply) => {
    manager(request);
    return documentsPage(reply);
  });

  app.post<{ Params: { id: number } }>(
    '/admin/guard/documents/:id/remove',
    { schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } } },
    async (request, reply) => {
      manager(request);
      const { fileName } = await removeDocument(db, request.params.id);
      invalidateGuardContext(db);
      return documentsPage(reply, { notice: translatorFor(request).t('admin:documents.removed', { name: fileName }) });
    },
  );
}
