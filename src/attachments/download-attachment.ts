// One attachment for download: readable by whoever may read its topic (the policy's
// attachment.download), never once its post is deleted. A held draft's attachment is not
// reachable here (the team reads it on the draft's page).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, can, type Actor } from '../policy/policy.ts';
import { NotFoundError } from '../shared/errors.ts';

export async function attachmentForDownload(db: Kysely<DB>, actor: Actor | null, id: number): Promise<{ filename: string; text: string }> {
  const row = await db
    .selectFrom('attachments')
    .innerJoin('posts', 'posts.id', 'attachments.post_id')
    .innerJoin('topics', 'topics.id', 'posts.topic_id')
    .innerJoin('boards', 'boards.id', 'topics.board_id')
    .select(['attachments.filename', 'attachments.text', 'posts.deleted_at', 'topics.locked', 'topics.closed', 'topics.deleted_at as topic_deleted', 'boards.visibility'])
    .where('attachments.id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('No such attachment');
  const subject = { board: { visibility: row.visibility }, locked: !!row.locked, closed: !!row.closed, deleted: !!row.topic_deleted, postDeleted: !!row.deleted_at };
  // A visitor is asked to sign in only where signing in would help; otherwise it does not exist.
  if (!can(actor, 'attachment.download', subject)) {
    if (actor || row.visibility !== 'members' || subject.deleted || subject.postDeleted) throw new NotFoundError('No such attachment');
    authorize(actor, 'attachment.download', subject);
  }
  return { filename: row.filename, text: row.text };
}
