import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { limitProblems, refuseAll, runPublishPipeline } from '../publish/pipeline.ts';
import { maskRevisions, storeMaskedOriginal } from '../confidentiality/masked-originals.ts';
import { loadGuardContext } from '../confidentiality/registers.ts';
import { nowIso } from '../shared/clock.ts';
import { text as msg, UserError } from '../shared/errors.ts';
import { slugify } from '../shared/slug.ts';
import { loadVisiblePost } from './load-post.ts';
import { removeAttachments, storeAttachments } from '../attachments/store-attachments.ts';
import type { AttachmentText } from '../attachments/text-file.ts';
import { indexPost } from '../search/index-document.ts';
import { announcePost } from '../notifications/live.ts';
import { enqueueReview } from '../moderation/queue-items.ts';
import type { GuardFinding } from '../confidentiality/check.ts';
import { flagWatchedPost } from '../moderation/watched-check.ts';

export interface EditPostInput {
  postId: number;
  body: string;
  /** Only for the first post of a topic: the topic's new title. */
  title?: string;
  reason?: string;
  /** New text attachments (guarded with the new text; the ones the post has were guarded when added). */
  attachments?: AttachmentText[];
  /** Ids of the post's attachments to remove. */
  removeAttachments?: number[];
  /** A moderator's edit while deciding a review item: it is the review, so no watched-word hold or flag queues it again. */
  fromReview?: boolean;
  /** "Ask the community team": the edit is saved hidden and queued with the guard's findings, whatever they are. */
  askTeam?: { note: string };
}

/**
 * Edits a post. The text passes the publish pipeline again; the previous text is kept as a
 * revision that readers can open (who, when, what changed).
 *
 * Watched words (issue 13): a "hold" word does not refuse the edit; the edit is saved and the post
 * is hidden from other readers until a moderator reviews it (a 'post' item in the queue, decided
 * with keep / edit / hide / delete like a reported post). That is simpler and safer than holding
 * the edit apart: nothing new to approve against a post that may have changed since, and the
 * text that needs review is never public. A "flag" word queues the post after it is saved.
 */
export async function editPost(db: Kysely<DB>, actor: Actor, input: EditPostInput): Promise<{ revision: number; heldForReview: boolean; warnings?: GuardFinding[] }> {
  const { post, subject } = await loadVisiblePost(db, actor, input.postId);
  authorize(actor, 'post.edit', subject);
  const editsTitle = post.post_number === 1 && input.title !== undefined && input.title.trim() !== post.title;
  // Every field's problem at once (issue 18); the pipeline checks title and body again.
  const reasonProblem = (input.reason ?? '').trim().length > 300 ? [new UserError(msg('compose:errors.reasonTooLong'), 400, 'reason')] : [];
  refuseAll([...limitProblems({ ...(editsTitle ? { title: input.title! } : {}), body: input.body }), ...reasonProblem]);
  const removing = [...new Set(input.removeAttachments ?? [])];
  const adding = input.attachments ?? [];
  const attachedBefore = adding.length ? Number((await db.selectFrom('attachments').select((eb) => eb.fn.countAll().as('n')).where('post_id', '=', post.id).executeTakeFirst())?.n ?? 0) - removing.length : 0;
  const text = await runPublishPipeline(db, {
    actor,
    where: post.post_number === 1 ? 'topic' : 'reply',
    body: input.body,
    ...(editsTitle ? { title: input.title! } : {}),
    ...(adding.length ? { attachments: adding, attachedBefore: Math.max(0, attachedBefore) } : {}),
    edit: true,
    ...(input.fromReview ? {} : { editHeldForReview: true }),
    ...(input.askTeam ? { askedTeam: true } : {}),
    target: `post:${post.id}`,
  });
  if (text.bodyMarkdown === post.body_markdown && !editsTitle && !adding.length && !removing.length) throw new UserError(msg('compose:errors.nothingChanged'), 400, 'body');
  const reason = (input.reason ?? '').trim();
  if (reason.length > 300) throw new UserError(msg('compose:errors.reasonTooLong'), 400, 'reason');
  const at = nowIso();
  const guardContext = text.maskedOriginal ? await loadGuardContext(db) : undefined; // before the transaction (SQLite has one connection)
  const asked = !!input.askTeam && !input.fromReview;
  const held = !!text.watchedHold?.length || asked;
  const note = (input.askTeam?.note ?? '').trim();
  if (note.length > 1000) throw new UserError(msg('compose:errors.noteTooLong'), 400, 'note');
  // A title is shown in lists, feeds and mail even when the post is hidden: a title with a word
  // the moderators review first is refused instead.
  if (text.watchedHold?.some((f) => f.field === 'title')) throw new UserError(msg('compose:errors.titleWatched'), 422, 'title');
  const result = await db.transaction().execute(async (tx) => {
    const revision = post.revision_count + 1;
    await tx
      .insertInto('post_revisions')
      .values({
        post_id: post.id,
        revision,
        title: post.post_number === 1 ? post.title : null,
        body_markdown: post.body_markdown,
        editor_id: actor.id,
        reason,
        created_at: at,
      })
      .execute();
    const updated = await tx
      .updateTable('posts')
      .set({ body_markdown: text.bodyMarkdown, body_html: text.bodyHtml, body_text: text.bodyText, updated_at: at, revision_count: revision, ...(held ? { hidden_at: at, hidden_by: null } : {}) })
      .where('id', '=', post.id)
      .where('revision_count', '=', post.revision_count) // someone else saved first: refuse, lose nothing
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new UserError(msg('compose:errors.editConflict'), 409);
    await removeAttachments(tx, post.id, removing);
    await storeAttachments(tx, { postId: post.id }, text.attachments);
    if (text.maskedOriginal) {
      // No older revision may keep a value the guard masks now (issue 5, point 5).
      await storeMaskedOriginal(tx, post.id, text.maskedOriginal, text.guardPolicy!);
      await maskRevisions(tx, post.id, guardContext!, [...actor.roles], text.maskedOriginal.values);
    }
    if (editsTitle) await tx.updateTable('topics').set({ title: text.title!, slug: slugify(text.title!) }).where('id', '=', post.topic_id).execute();
    if (asked) {
      // Positions and reasons only (no values), as a held draft's findings.
      const findings = [...(text.watchedHold ?? []), ...(text.guardWarnings ?? []).map(({ type, field, attachment, attachmentName, start, end, reason }) => ({ type, field, ...(attachment !== undefined ? { attachment, attachmentName: attachmentName! } : {}), start, end, reason }))];
      await enqueueReview(tx, { kind: 'post', subjectId: post.id, boardId: post.board_id, reason: 'asked', detail: note || 'Edited by its author, who asked the community team to review it; hidden until reviewed.', findings });
    } else if (held) await enqueueReview(tx, { kind: 'post', subjectId: post.id, boardId: post.board_id, reason: 'watched_word', detail: 'Edited by its author; hidden until reviewed.', findings: text.watchedHold! });
    await indexPost(tx, post.id); // the search index holds the new text (and title) from this commit on (a hidden post leaves it)
    return { revision, heldForReview: held };
  });
  if (!held && !input.fromReview) await flagWatchedPost(db, actor, { id: post.id, boardId: post.board_id, body: input.body });
  announcePost(post, 'edit'); // open pages of the topic show the new text (src/notifications/live.ts)
  return !asked && text.guardWarnings?.length ? { ...result, warnings: text.guardWarnings } : result;
}
