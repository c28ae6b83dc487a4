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
