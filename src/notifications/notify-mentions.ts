// E-mail to people @mentioned in a new post. It reads the post as published (after the guard
// and any masking), so no notification carries text the guard did not let through, and it only
// tells people who may read the topic.
import type { Kysely } from 'kysely';
import { loadActor } from '../accounts/find-user.ts';
import type { DB } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { can } from '../policy/policy.ts';
import { POSTS_PER_PAGE } from '../community/show-topic.ts';
import { displayCensor } from '../moderation/censor-display.ts';
import { mailTranslator } from '../mail/recipient-language.ts';

const MENTION_LINK = /<a href="\/u\/([^"]+)" class="mention"/g;
const MAX_NOTIFIED = 20;

/** The accounts a post @mentions (at most MAX_NOTIFIED), for one e-mail job each (src/web/server.ts). */
export async function mentionedUserIds(db: Kysely<DB>, postId: number): Promise<number[]> {
  const post = await db.selectFrom('posts').select(['body_html', 'deleted_at']).where('id', '=', postId).executeTakeFirst();
  if (!post || post.deleted_at) return [];
  const names = [...new Set([...post.body_html.matchAll(MENTION_LINK)].map((m) => decodeURIComponent(m[1]!).toLowerCase()))].slice(0, MAX_NOTIFIED);
  if (names.length === 0) return [];
  const users = await db.selectFrom('users').select('id').where('username_lower', 'in', names).where('deleted_at', 'is', null).execute();
  return users.map((u) => u.id);
}

/** E-mails the people a post mentions (`onlyUserId`: just that one, if mentioned). */
export async function notifyMentions(db: Kysely<DB>, mailer: Mailer, siteUrl: string, postId: number, onlyUserId?: number): Promise<string[]> {
  const post = await db
    .selectFrom('posts')
    .innerJoin('topics', 'topics.id', 'posts.topic_id')
    .innerJoin('boards', 'boards.id', 'topics.board_id')
    .innerJoin('users as author', 'author.id', 'posts.user_id')
    .select([
      'posts.user_id', 'posts.post_number', 'posts.body_html', 'posts.body_text', 'posts.deleted_at', 'topics.id as topic_id', 'topics.slug',
      'topics.title', 'topics.locked', 'topics.closed', 'topics.deleted_at as topic_deleted', 'boards.visibility', 'author.display_name as author_name',
    ])
    .where('posts.id', '=', postId)
    .executeTakeFirst();
  if (!post || post.deleted_at) return [];
  const names = [...new Set([...post.body_html.matchAll(MENTION_LINK)].map((m) => decodeURIComponent(m[1]!).toLowerCase()))].slice(0, MAX_NOTIFIED);
  if (names.length === 0) return [];
  const users = await db.selectFrom('users').select(['id', 'username', 'email', 'display_name', 'locale']).where('username_lower', 'in', names).where('deleted_at', 'is', null).execute();
  const subject = { board: { visibility: post.visibility }, locked: !!post.locked, closed: !!post.closed, deleted: !!post.topic_deleted };
  const page = Math.ceil(post.post_number / POSTS_PER_PAGE);
  const url = `${siteUrl}/t/${post.slug}/${post.topic_id}${page > 1 ? `?page=${page}` : ''}#post-${post.post_number}`;
  const censor = await displayCensor(db); // as the post is shown (watched words 'censor')
  const text = censor ? censor(post.body_text) : post.body_text;
  const excerpt = text.length > 500 ? `${text.slice(0, 500)}…` : text;
  const told: string[] = [];
  for (const u of users) {
    if (u.id === post.user_id || !u.email || (onlyUserId !== undefined && u.id !== onlyUserId)) continue;
    const reader = await loadActor(db, u.id);
    if (!can(reader, 'topic.view', subject)) continue;
    const { t } = mailTranslator(mailer, u.locale); // the recipient's language
    await mailer.send({
      to: u.email,
      subject: t('mail:mention.subject', { author: post.author_name, title: post.title }),
      text: `${t('mail:helloName', { name: u.display_name })}\n\n${t('mail:mention.intro', { author: post.author_name })}\n\n${excerpt}\n\n${t('mail:mention.readAndReply', { url })}\n`,
    });
    told.push(u.username);
  }
  return told;
}
