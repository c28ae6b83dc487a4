import type { GuardFinding } from '../confidentiality/check.ts';
import type { Kysely } from 'kysely';
import type { DB, TopicKind } from '../db/schema.ts';
import { authorize, hidesBoard, type Actor } from '../policy/policy.ts';
import { limitProblems, refuseAll, runPublishPipeline } from '../publish/pipeline.ts';
import { storeMaskedOriginal } from '../confidentiality/masked-originals.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, text as msg, UserError } from '../shared/errors.ts';
import { slugify } from '../shared/slug.ts';
import { parseTags } from './tags.ts';
import { storeAttachments } from '../attachments/store-attachments.ts';
import type { AttachmentText } from '../attachments/text-file.ts';
import { indexPost } from '../search/index-document.ts';

export interface CreateTopicInput {
  boardSlug: string;
  kind: TopicKind | string;
  title: string;
  body: string;
  /** Comma-separated or a list; see parseTags. */
  tags?: string | string[];
  /** Text attachments: guarded with the body, stored with the post in the same transaction. */
  attachments?: AttachmentText[];
  /** Set when the community team approved this draft from the held queue. */
  approvedBy?: number;
  /** Only for seeding and imports: when the topic was written. */
  at?: string;
}

/** Opens a topic (a question or a discussion) with its first post. */
export async function createTopic(db: Kysely<DB>, actor: Actor, input: CreateTopicInput): Promise<{ id: number; slug: string; postId: number; warnings?: GuardFinding[] }> {
  // Every field's problem at once (issue 18), in the form's order; the pipeline checks title and body again.
  const problems: UserError[] = [];
  if (input.kind !== 'question' && input.kind !== 'discussion') problems.push(new UserError(msg('compose:errors.chooseKind'), 400, 'kind'));
  problems.push(...limitProblems({ title: input.title, body: input.body }));
  let tags: string[] = [];
  try {
    tags = parseTags(input.tags);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    problems.push(err);
  }
  refuseAll(problems);
  const kind = input.kind as TopicKind;
  const board = await db.selectFrom('boards').select(['id', 'visibility', 'topic_creators']).where('slug', '=', input.boardSlug).executeTakeFirst();
  if (!board || hidesBoard(actor, board)) throw new NotFoundError(msg('compose:errors.noSuchBoard'));
  authorize(actor, 'topic.create', board);

  const text = await runPublishPipeline(db, { actor, where: 'topic', title: input.title, body: input.body, target: `board:${input.boardSlug}`, ...(input.attachments?.length ? { attachments: input.attachments } : {}), ...(input.approvedBy ? { approvedBy: input.approvedBy } : {}) });
  const title = text.title!;
  const at = input.at ?? nowIso();
  const slug = slugify(title);

  return db.transaction().execute(async (tx) => {
    const { id } = await tx
      .insertInto('topics')
      .values({
        board_id: board.id,
        user_id: actor.id,
        kind,
        title,
        slug,
        solved_post_id: null,
        post_count: 1,
        last_post_at: at,
        last_post_user_id: actor.id,
        created_at: at,
        deleted_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const post = await tx
      .insertInto('posts')
      .values({
        topic_id: id,
        user_id: actor.id,
        post_number: 1,
        body_markdown: text.bodyMarkdown,
        body_html: text.bodyHtml,
        body_text: text.bodyText,
        created_at: at,
        updated_at: null,
        deleted_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await storeAttachments(tx, { postId: post.id }, text.attachments);
    if (text.maskedOriginal) await storeMaskedOriginal(tx, post.id, text.maskedOriginal, text.guardPolicy!);
    await indexPost(tx, post.id); // searchable in the same transaction
    if (tags.length) await tx.insertInto('topic_tags').values(tags.map((tag) => ({ topic_id: id, tag }))).execute();
    await tx
      .updateTable('boards')
      .set((eb) => ({ topic_count: eb('topic_count', '+', 1), post_count: eb('post_count', '+', 1) }))
      .where('id', '=', board.id)
      .execute();
    await bumpBoardActivity(tx, board.id, id, at);
    await tx.updateTable('users').set((eb) => ({ post_count: eb('post_count', '+', 1) })).where('id', '=', actor.id).execute();
    // What the guard warned about (types, offsets, reasons; no values), for the page that follows.
    return { id, slug, postId: post.id, ...(text.guardWarnings?.length ? { warnings: text.guardWarnings } : {}) };
  });
}

/** Moves a board's "latest activity" forward (never backward, as imports may be out of order). */
export async function bumpBoardActivity(tx: Kysely<DB>, boardId: number, topicId: number, at: string): Promise<void> {
  await tx
    .updateTable('boards')
    .set({ last_post_at: at, last_topic_id: topicId })
    .where('id', '=', boardId)
    .where((eb) => eb.or([eb('last_post_at', 'is', null), eb('last_post_at', '<=', at)]))
    .execute();
}
