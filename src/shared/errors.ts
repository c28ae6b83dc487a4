// Errors a use case raises for its caller to show: each maps to one HTTP status and a
// message fit for the person who caused it. Anything else is a bug (HTTP 500, logged).
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 = 400,
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * A form with several wrong fields: every field's message at once (issue 18), so a person fixes
 * them in one go. `field` and the message name the first, for callers that show only one.
 */
export class FieldErrors extends UserError {
  override name = 'FieldErrors';
  constructor(readonly fields: Readonly<Record<string, string>>) {
    const names = Object.keys(fields);
    super(names.length === 1 ? fields[names[0]!]! : `Please correct the ${names.length} fields marked below.`, 400, names[0]);
  }
}

/** Adds a zod error's first message per field to `into` (the form's field names are the paths). */
export function fieldMessages(issues: readonly { path: readonly PropertyKey[]; message: string }[], into: Record<string, string> = {}): Record<string, string> {
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    if (!(field in into)) into[field] = issue.message;
  }
  return into;
}

export class NotFoundError extends UserError {
  override name = 'NotFoundError';
  constructor(message = 'Not found') {
    super(message, 404);
  }
}

export class ForbiddenError extends UserError {
  override name = 'ForbiddenError';
  constructor(message = 'You are not allowed to do that') {
    super(message, 403);
  }
}
