import { z } from 'zod';
import { text, type Text } from '../shared/errors.ts';
import { displayNameProblem, usernameProblem } from './impersonation.ts';

/** A zod refinement from a check that returns a message (words, or a catalogue text with its values) or null. */
const refuseWith = (problem: (v: string) => string | Text | null) => (v: string, ctx: z.RefinementCtx) => {
  const message = problem(v);
  if (typeof message === 'string') ctx.addIssue({ code: 'custom', message });
  else if (message) ctx.addIssue({ code: 'custom', message: message.key, params: message.params ?? {} });
};

/** Each field's first problem, as catalogue texts with their values (zod gives a custom issue's values as `params`). */
export function fieldTexts(issues: readonly { path: readonly PropertyKey[]; message: string; params?: Record<string, unknown> }[]): Record<string, string | Text> {
  const out: Record<string, string | Text> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    if (!(field in out)) out[field] = issue.params && Object.keys(issue.params).length ? text(issue.message, issue.params) : issue.message;
  }
  return out;
}

export const usernameSchema = z
  .string()
  .trim()
  .min(3, 'accounts:errors.usernameShort')
  .max(30, 'accounts:errors.usernameLong')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'accounts:errors.usernameChars')
  .superRefine(refuseWith(usernameProblem));

export const emailSchema = z.string().trim().max(254, 'accounts:errors.emailLong').pipe(z.email('accounts:errors.emailInvalid'));

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'accounts:errors.displayNameRequired')
  .max(60, 'accounts:errors.displayNameLong')
  // No control or bidi characters, not only invisible ones, no role words or badge-like symbols (src/accounts/impersonation.ts).
  .superRefine(refuseWith(displayNameProblem));

export const passwordSchema = z
  .string()
  .min(10, 'accounts:errors.passwordShort')
  .max(256, 'accounts:errors.passwordLong');
