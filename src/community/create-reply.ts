import type { GuardFinding } from '../confidentiality/check.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, can, type Actor } from '../policy/policy.ts';
import { runPublishPipeline } from '../publish/pipeline.ts';
import { storeMaskedOriginal } from '../confidentiality/masked-originals.ts';
import { nowIso } from '../shared/clock.ts';
import { ForbiddenError, NotFoundError, text as msg } from '../shared/errors.ts';
import { bumpBoardActivity } from './create-topic.ts';
import { storeAttachments } from '../attachments/store-attachments.ts';
import type { AttachmentText } from '../attachments/text-file.ts';
import { indexPost } from '../search/index-document.ts';

export interface CreateReplyInput {
  topicId: number;
  body: string;
  /** Text attachments: guarded with the body, stored with the post in the same transaction. */
  attachments?: AttachmentText[];
  /** Set when the community team approved this draft from the held queue. */
  approvedBy?: number;
  at?: string;
}

export async function createReply(db: Kysely<DB>, actor: Actor, input: CreateReplyInput): Promise<{ id: number; postNumber: number; warnings?: GuardFinding[] }> {
  const topic = await db
    .selectFrom('topics')
    .innerJoin('boards', 'boards.id', 'topics.board_id')
    .select(['topics.id', 'topics.board_id', 'topics.locked', 'topics.closed', 'topics.deleted_at', 'topics.last_post_at', 'boards.visibility'])
    .where('topics.id', '=', input.topicId)
    .executeTakeFirst();
  if (!topic) throw new NotFoundError(msg('compose:errors.noSuchTopic'));
  const subject = { board: { visibility: topic.visibility }, locked: !!topic.locked, closed: !!topic.closed, deleted: !!topic.deleted_at };
  // A topic the actor may not read is not there (404), rather than "not allowed" (403).
  if (!can(actor, 'topic.view', subject)) throw new NotFoundError(msg('compose:errors.noSuchTopic'));
  if ((subject.locked || subject.closed) && can(actor, 'topic.view', subject) && !can(actor, 'post.create', subject)) {
    throw new ForbiddenError(msg('compose:errors.topicClosed'));
  }
  authorize(actor, 'post.create', subject); // the policy lets staff answer in a locked topic
  const text = await runPublishPipeline(db, { actor, where: 'reply', body: input.body, target: `topic:${topic.id}`, ...(input.attachments?.length ? { attachments: input.attachments } : {}), ...(input.approvedBy ? { approvedBy: input.approvedBy } : {}) });
  const at = input.at ?? nowIso();

  return db.transaction().execute(async (tx) => {
    // Incrementing the counter first takes the topic's row lock, so concurrent replies get
    // consecutive numbers instead of colliding on the (topic_id, post_number) index.
    const counted = await tx
      .updateTable('topics')
      .set((eb) => ({ post_count: eb('post_count', '+', 1) }))
      .where('id', '=', topic.id)
      .returning('post_count')
      .executeTakeFirstOrThrow();
    const last = await tx
      .selectFrom('posts')
      .select((eb) => eb.fn.max('post_number').as('n'))
      .where('topic_id', '=', topic.id)
      .executeTakeFirstOrThrow();
    const postNumber = Math.max(counted.post_count, Number(last.n ?? 0) + 1);
    if (at >= topic.last_post_at) {
      await tx.updateTable('topics').set({ last_post_at: at, last_post_user_id: actor.id }).where('id', '=', topic.id).execute();
    }
    const { id } = await tx
      .insertInto('posts')
      .values({
        topic_id: topic.id,
        user_id: actor.id,
        post_number: postNumber,
        body_markdown: text.bodyMarkdown,
        body_html: text.bodyHtml,
        body_text: text.bodyText,
        created_at: at,
        updated_at: null,
        deleted_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await storeAttachments(tx, { postId: id }, text.attachments);
    await indexPost(tx, id); // searchable in the same transaction
    if (text.maskedOriginal) await storeMaskedOriginal(tx, id, text.maskedOriginal, text.guardPolicy!);
    await tx.updateTable('boards').set((eb) => ({ post_count: eb('post_count', '+', 1) })).where('id', '=', topic.board_id).execute();
    await bumpBoardActivity(tx, topic.board_id, topic.id, at);
    await tx.updateTable('users').set((eb) => ({ post_count: eb('post_count', '+', 1) })).where('id', '=', actor.id).execute();
    // What the guard warned about (types, offsets, reasons; no values), for the page that follows.
    return { id, postNumber, ...(text.guardWarnings?.length ? { warnings: text.guardWarnings } : {}) };
  });
}
