// A returned draft goes on (issue 18, "edit and resubmit"; policy point 7): its author posts the
// edited text, which passes the publish pipeline like any post (a block comes back on the form, a
// hold sends this same draft back to the team), or sends it to the team again. The draft's own
// attachments go with it. Authorized by the policy ('draft.resubmit', in loadReturnedDraft).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../policy/policy.ts';
import type { CreateTopicInput } from '../community/create-topic.ts';
import type { CreateReplyInput } from '../community/create-reply.ts';
import { isHeld, publishReplyOrHold, publishTopicOrHold } from './post-or-hold.ts';
import { askTeam } from './ask-team.ts';
import { loadReturnedDraft, markReturnedDraftPublished, withDraftAttachments } from './returned-draft.ts';

/** Post a returned topic draft as a topic (or, if a check holds it, send this draft back to the team). */
export async function postReturnedTopic(db: Kysely<DB>, actor: Actor, draftId: number, input: CreateTopicInput) {
  await loadReturnedDraft(db, actor, draftId);
  const attachments = await withDraftAttachments(db, draftId, input.attachments);
  const r = await publishTopicOrHold(db, actor, { ...input, attachments }, { replacesDraft: draftId });
  if (!isHeld(r)) await markReturnedDraftPublished(db, draftId, r.postId);
  return r;
}

/** Post a returned reply draft in its topic (or, if a check holds it, send this draft back to the team). */
export async function postReturnedReply(db: Kysely<DB>, actor: Actor, draftId: number, input: CreateReplyInput) {
  await loadReturnedDraft(db, actor, draftId);
  const attachments = await withDraftAttachments(db, draftId, input.attachments);
  const r = await publishReplyOrHold(db, actor, { ...input, attachments }, { replacesDraft: draftId });
  if (!isHeld(r)) await markReturnedDraftPublished(db, draftId, r.id);
  return r;
}

/** "Ask the community team" again: the same draft, edited, waits in the team's queue again. */
export async function sendReturnedDraftAgain(db: Kysely<DB>, actor: Actor, draftId: number, input: Parameters<typeof askTeam>[2]): Promise<{ id: number }> {
  await loadReturnedDraft(db, actor, draftId);
  const attachments = await withDraftAttachments(db, draftId, input.attachments);
  return askTeam(db, actor, { ...input, attachments, replaces: draftId } as Parameters<typeof askTeam>[2]);
}
