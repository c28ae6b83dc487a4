import { z } from 'zod';
import { displayNameProblem, usernameProblem } from './impersonation.ts';

/** A zod refinement from a check that returns a message or null. */
const refuseWith = (problem: (v: string) => string | null) => (v: string, ctx: z.RefinementCtx) => {
  const message = problem(v);
  if (message) ctx.addIssue({ code: 'custom', message });
};

export const usernameSchema = z
  .string()
  .trim()
  .min(3, 'Username must be at least 3 characters')
  .max(30, 'Username must be at most 30 characters')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, 'Username may use letters, digits, "_", "." and "-", starting with a letter or digit')
  .superRefine(refuseWith(usernameProblem));

export const emailSchema = z.string().trim().max(254, 'E-mail address is too long').pipe(z.email('Enter a valid e-mail address'));

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'Display name is required')
  .max(60, 'Display name must be at most 60 characters')
  // No control or bidi characters, not only invisible ones, no role words or badge-like symbols (src/accounts/impersonation.ts).
  .superRefine(refuseWith(displayNameProblem));

export const passwordSchema = z
  .string()
  .min(10, 'Password must be at least 10 characters')
  .max(256, 'Password must be at most 256 characters');
