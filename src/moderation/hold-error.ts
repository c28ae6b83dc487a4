// A publish-pipeline check that wants a draft reviewed before it is public (a new member's first
// posts, a watched word set to "hold") throws this; publishOrHold (post-or-hold.ts) turns it,
// like the guard's "hold", into a held draft and a review-queue item instead of a refusal.
import { UserError, type Text } from '../shared/errors.ts';
import type { HeldFinding } from './hold-draft.ts';

export type HoldReason = 'guard' | 'first_post' | 'watched_word';

export class HoldForReviewError extends UserError {
  override name = 'HoldForReviewError';
  constructor(
    readonly reason: HoldReason,
    message: string | Text,
    readonly findings: HeldFinding[] = [],
  ) {
    super(message, 422, 'body');
  }
}
