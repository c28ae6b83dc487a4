// "Edit and resubmit" (issue 18): a draft the community team returned opens again in the composer,
// with its text, for its author only.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import { NotFoundError, text } from '../shared/errors.ts';

export async function returnedDraftToEdit(db: Kysely<DB>, actor: Actor, id: number) {
  const d = await db.selectFrom('held_drafts').select(['kind', 'topic_kind', 'title', 'body_markdown', 'tags', 'reviewer_comment']).where('id', '=', id).where('author_id', '=', actor.id).where('status', '=', 'returned').executeTakeFirst();
  // Someone else's draft, or one not returned, is simply not there for this person.
  if (!d || d.kind !== 'topic') throw new NotFoundError(text('moderation:errors.noReturnedDraft'));
  return { values: { kind: d.topic_kind ?? 'question', title: d.title ?? '', body: d.body_markdown, tags: d.tags }, comment: d.reviewer_comment };
}
