// Redaction (issue 13, point 8): a moderator removes a piece of text for good from a post, every
// one of its revisions, its topic title (opening post) and the guard's masked originals, leaving a
// visible mark. Logged with the reason, never with the removed text.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, type Actor } from '../policy/policy.ts';
import { UserError, text } from '../shared/errors.ts';
import { htmlToText, mentionedUsernames, renderMarkdown } from '../shared/markdown.ts';
import { slugify } from '../shared/slug.ts';
import { loadPost } from '../community/load-post.ts';
import { logStaffAction } from './staff-log.ts';
import { indexTopic } from '../search/index-document.ts';
import { announcePost } from '../notifications/live.ts';

export const REDACTION_MARK = '[removed by a moderator]';
export const REDACT_TEXT_MAX = 1000;
export const REDACT_REASON_MAX = 300;

const removeAll = (text: string, what: string): string => text.split(what).join(REDACTION_MARK);

export async function redactPost(db: Kysely<DB>, actor: Actor, input: { postId: number; text: string; reason: string }): Promise<{ places: number }> {
  const { post, subject } = await loadPost(db, input.postId);
  authorize(actor, 'post.moderate', subject);
  const what = (input.text ?? '').replace(/\r\n?/g, '\n');
  const reason = (input.reason ?? '').trim();
  if (what.trim().length < 2) throw new UserError(text('moderation:errors.redactTextShort'), 400, 'text');
  if (what.length > REDACT_TEXT_MAX) throw new UserError(text('moderation:errors.redactTextLong', { max: REDACT_TEXT_MAX }), 400, 'text');
  if (!reason) throw new UserError(text('moderation:errors.redactReason'), 400, 'reason');
  if (reason.length > REDACT_REASON_MAX) throw new UserError(text('moderation:errors.reasonMax', { max: REDACT_REASON_MAX }), 400, 'reason');

  const body = removeAll(post.body_markdown, what);
  const names = mentionedUsernames(body);
  const known = names.length
    ? new Set((await db.selectFrom('users').select('username_lower').where('username_lower', 'in', names).where('deleted_at', 'is', null).execute()).map((u) => u.username_lower))
    : undefined;
  const done = await db.transaction().execute(async (tx) => {
    let places = 0;
    if (body !== post.body_markdown) {
      const html = renderMarkdown(body, known);
      await tx.updateTable('posts').set({ body_markdown: body, body_html: html, body_text: htmlToText(html) }).where('id', '=', post.id).execute();
      places++;
    }
    if (post.post_number === 1 && post.title.includes(what)) {
      const title = removeAll(post.title, what);
      await tx.updateTable('topics').set({ title, slug: slugify(title) }).where('id', '=', post.topic_id).execute();
      places++;
    }
    // The search index forgets the removed words with the text (title and body), in this transaction.
    if (places) await indexTopic(tx, post.topic_id);
    for (const r of await tx.selectFrom('post_revisions').select(['id', 'title', 'body_markdown']).where('post_id', '=', post.id).execute()) {
      const b = removeAll(r.body_markdown, what);
      const t = r.title === null ? null : removeAll(r.title, what);
      if (b === r.body_markdown && t === r.title) continue;
      await tx.updateTable('post_revisions').set({ body_markdown: b, title: t }).where('id', '=', r.id).execute();
      places++;
    }
    for (const m of await tx.selectFrom('masked_originals').select(['id', 'original_title', 'original_markdown']).where('post_id', '=', post.id).execute()) {
      const b = removeAll(m.original_markdown, what);
      const t = m.original_title === null ? null : removeAll(m.original_title, what);
      if (b === m.original_markdown && t === m.original_title) continue;
      await tx.updateTable('masked_originals').set({ original_markdown: b, original_title: t }).where('id', '=', m.id).execute();
      places++;
    }
    for (const a of await tx.selectFrom('attachments').select(['id', 'text']).where('post_id', '=', post.id).execute()) {
      if (!a.text.includes(what)) continue;
      const text = removeAll(a.text, what);
      await tx.updateTable('attachments').set({ text, byte_size: Buffer.byteLength(text) }).where('id', '=', a.id).execute();
      places++;
    }
    if (places === 0) throw new UserError(text('moderation:errors.redactNotFound'), 400, 'text');
    await logStaffAction(tx, actor, { action: 'post.redact', target: `post:${post.id}`, reason, detail: `${places} place${places === 1 ? '' : 's'}` });
    return { places };
  });
  announcePost(post, 'edit'); // open pages show the mark instead of the text (src/notifications/live.ts)
  return done;
}
