// Errors a use case raises for its caller to show: each maps to one HTTP status and a
// message fit for the person who caused it. Anything else is a bug (HTTP 500, logged).
//
// Messages are texts of the catalogues (src/i18n): a use case names one by key, with its values,
// `new UserError(text('community:errors.slugTaken', { slug }), 409, 'slug')`, and whoever
// shows it says it in the reader's language (`err.say(t)`). The Error's own `message` is the
// English text, for logs and callers that know no language. A plain string still works (shown as
// it is) while code moves to keys.
import { en, type Params, type T } from '../i18n/index.ts';

/** A text of the catalogues, with its values: said in a language when it is shown. */
export interface Text {
  key: string;
  params?: Params;
}
export const text = (key: string, params?: Params): Text => (params ? { key, params } : { key });

// "ns:key.path": a catalogue key, as zod schemas give them in their messages.
const KEY = /^[a-z][a-zA-Z]*:[A-Za-z0-9_.-]+$/;
export const isTextKey = (s: string): boolean => KEY.test(s);

/** A message in a language: a Text, a catalogue key, or (still untranslated) words. */
export function say(t: T, m: string | Text): string {
  if (typeof m !== 'string') return t(m.key, m.params);
  return KEY.test(m) ? t(m) : m;
}

export class UserError extends Error {
  override name = 'UserError';
  readonly text: Text | null;
  constructor(
    message: string | Text,
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 = 400,
    readonly field?: string,
  ) {
    super(say(en, message));
    this.text = typeof message === 'string' ? (KEY.test(message) ? { key: message } : null) : message;
  }
  /** The message in the reader's language. */
  say(t: T): string {
    return this.text ? t(this.text.key, this.text.params) : this.message;
  }
}

/**
 * A form with several wrong fields: every field's message at once (issue 18), so a person fixes
 * them in one go. `field` and the message name the first, for callers that show only one.
 */
export class FieldErrors extends UserError {
  override name = 'FieldErrors';
  constructor(readonly fields: Readonly<Record<string, string | Text>>) {
    const names = Object.keys(fields);
    super(names.length === 1 ? fields[names[0]!]! : text('common:errors.severalFields', { count: names.length }), 400, names[0]);
  }
  /** Every field's message in the reader's language. */
  sayFields(t: T): Record<string, string> {
    return Object.fromEntries(Object.entries(this.fields).map(([name, m]) => [name, say(t, m)]));
  }
}

/** What a form page shows for a refused submission, in the reader's language: the message, the
 * field it is about, and every field's message when there are several. */
export function formErrors(err: UserError, t: T): { error: string; field: string | null; errors: Record<string, string> | null } {
  return { error: err.say(t), field: err.field ?? null, errors: err instanceof FieldErrors ? err.sayFields(t) : null };
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
  constructor(message: string | Text = text('common:errors.notFound')) {
    super(message, 404);
  }
}

export class ForbiddenError extends UserError {
  override name = 'ForbiddenError';
  constructor(message: string | Text = text('common:errors.notAllowed')) {
    super(message, 403);
  }
}
