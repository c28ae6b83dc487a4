/**
 * Guard policy: an action per role × finding type. Community managers edit it; these are the
 * defaults of issue 5, point 4:
 *  - an employee's (or other staff member's) post with customer data or confidential text is
 *    blocked, with the choice "ask the community team", which holds it for review;
 *  - a member's own phone number, e-mail address, IBAN or card number is masked with a
 *    visible note (the original kept only where moderators can see it, purged after
 *    `maskRetentionDays`).
 */
import { FINDING_TYPES, type Finding, type FindingType } from './types.ts';

export const ACTIONS = ['allow', 'warn', 'mask', 'hold', 'block'] as const;
export type GuardAction = (typeof ACTIONS)[number];
const SEVERITY: Record<GuardAction, number> = { allow: 0, warn: 1, mask: 2, hold: 3, block: 4 };

export type RoleRules = Partial<Record<FindingType, GuardAction>>;

export interface GuardPolicy {
  /** Findings below this confidence are ignored by the policy. */
  minConfidence: number;
  /** role → finding type → action. A role not listed here has no say. */
  rules: Record<string, RoleRules>;
  /** Rules used when none of the author's roles is listed (e.g. a plain member). */
  fallbackRole: string;
  /** Days the unmasked original of a masked post is kept for moderators. */
  maskRetentionDays: number;
}

const ALL_BLOCK = Object.fromEntries(FINDING_TYPES.map((t) => [t, 'block'])) as RoleRules;

const MEMBER_RULES: RoleRules = {
  phone: 'mask',
  email: 'mask',
  iban: 'mask',
  card: 'mask',
  bank_account: 'mask',
  called_numbers: 'mask',
  customer_record: 'mask',
  customer_number: 'warn',
  address: 'warn',
  contract_date: 'allow',
  price_plan: 'allow',
  person: 'allow',
  confidential_document: 'hold',
};

export const DEFAULT_POLICY: GuardPolicy = {
  minConfidence: 0.4,
  rules: {
    employee: { ...ALL_BLOCK },
    moderator: { ...ALL_BLOCK },
    community_manager: { ...ALL_BLOCK },
    admin: { ...ALL_BLOCK },
    member: { ...MEMBER_RULES },
  },
  fallbackRole: 'member',
  maskRetentionDays: 30,
};

export interface FindingDecision {
  finding: Finding;
  action: GuardAction;
  /** The role whose rule decided. */
  role: string | null;
}

export interface GuardDecision {
  /** The strictest action over all findings ('allow' when there are none). */
  action: GuardAction;
  perFinding: FindingDecision[];
  /** Findings to mask when the post is published masked. */
  toMask: Finding[];
  /** True when the author may send the draft to the community team instead ("ask the community team"). */
  canAskCommunityTeam: boolean;
}

export function isGuardAction(x: unknown): x is GuardAction {
  return typeof x === 'string' && (ACTIONS as readonly string[]).includes(x);
}

/** Validate an edited policy (e.g. from a settings form or the database). Throws on errors. */
export function validatePolicy(p: unknown): GuardPolicy {
  if (!p || typeof p !== 'object') throw new Error('policy must be an object');
  const o = p as Record<string, unknown>;
  const minConfidence = o.minConfidence ?? DEFAULT_POLICY.minConfidence;
  if (typeof minConfidence !== 'number' || minConfidence < 0 || minConfidence > 1) throw new Error('minConfidence must be between 0 and 1');
  const rules: Record<string, RoleRules> = {};
  const rawRules = (o.rules ?? {}) as Record<string, unknown>;
  if (typeof rawRules !== 'object') throw new Error('rules must be an object');
  for (const [role, rr] of Object.entries(rawRules)) {
    if (!rr || typeof rr !== 'object') throw new Error(`rules.${role} must be an object`);
    const r: RoleRules = {};
    for (const [t, a] of Object.entries(rr as Record<string, unknown>)) {
      if (!(FINDING_TYPES as readonly string[]).includes(t)) throw new Error(`unknown finding type ${t}`);
      if (!isGuardAction(a)) throw new Error(`unknown action ${String(a)} for ${role}.${t}`);
      r[t as FindingType] = a;
    }
    rules[role] = r;
  }
  const fallbackRole = typeof o.fallbackRole === 'string' ? o.fallbackRole : DEFAULT_POLICY.fallbackRole;
  const maskRetentionDays = typeof o.maskRetentionDays === 'number' ? o.maskRetentionDays : DEFAULT_POLICY.maskRetentionDays;
  return { minConfidence, rules, fallbackRole, maskRetentionDays };
}

/** Policy with the defaults, overridden per role and type by `overrides`. */
export function mergePolicy(overrides: Partial<GuardPolicy> = {}): GuardPolicy {
  const rules: Record<string, RoleRules> = {};
  for (const [r, rr] of Object.entries(DEFAULT_POLICY.rules)) rules[r] = { ...rr };
  for (const [r, rr] of Object.entries(overrides.rules ?? {})) rules[r] = { ...(rules[r] ?? {}), ...rr };
  return { ...DEFAULT_POLICY, ...overrides, rules };
}

/**
 * Decide what happens to a post. Each finding gets the strictest action among the author's
 * roles that have rules (an employee who is also a member is treated as an employee); a type
 * a role does not mention is 'warn'. The post's action is the strictest over its findings.
 */
export function decide(findings: readonly Finding[], ctx: { roles: readonly string[]; policy?: GuardPolicy }): GuardDecision {
  const policy = ctx.policy ?? DEFAULT_POLICY;
  let roles = ctx.roles.filter((r) => policy.rules[r]);
  if (roles.length === 0) roles = policy.rules[policy.fallbackRole] ? [policy.fallbackRole] : [];
  const perFinding: FindingDecision[] = [];
  let action: GuardAction = 'allow';
  let staffBlock = false;
  for (const f of findings) {
    if (f.confidence < policy.minConfidence) {
      perFinding.push({ finding: f, action: 'allow', role: null });
      continue;
    }
    let a: GuardAction = roles.length ? 'allow' : 'warn';
    let by: string | null = null;
    for (const r of roles) {
      const ra = policy.rules[r]![f.type] ?? 'warn';
      if (by === null || SEVERITY[ra] > SEVERITY[a]) {
        a = ra;
        by = r;
      }
    }
    perFinding.push({ finding: f, action: a, role: by });
    if (SEVERITY[a] > SEVERITY[action]) action = a;
    if (a === 'block') staffBlock = true;
  }
  const toMask = action === 'mask' ? perFinding.filter((d) => d.action === 'mask').map((d) => d.finding) : [];
  return { action, perFinding, toMask, canAskCommunityTeam: staffBlock };
}
