// Who hears of a new post, in the app: the people it quotes, the people it @mentions, the
// topic's author (a reply to their topic), and whoever watches the topic or its board or took
// part in it (watching is the default for topics one started or replied to). Muting a topic
// silences everything about its new posts, @mentions and quotes included (as Discourse does).
// One notification per person per post, the most specific kind winning (quote, mention, reply,
// watched); whether it is also e-mailed is the person's choice for that kind, decided by the
// e-mail sweep (send-notification-emails.ts).
import type { Kysely } from 'kysely';
import type { DB, NotificationKind } from '../db/schema.ts';
import { createNotifications, subjectOf, topicOfPost, type NewNotification } from './create-notifications.ts';
import { mentionedNames, quotedNames } from './quotes-and-mentions.ts';

const MAX_NAMED = 20;

export async function notifyNewPost(db: Kysely<DB>, postId: number): Promise<NewNotification[]> {
  const post = await topicOfPost(db, postId);
  if (!post || post.deleted_at || post.topic_deleted) return [];
  const muted = new Set(
    (await db.selectFrom('watches').select('user_id').where('target', '=', 'topic').where('target_id', '=', post.topic_id).where('level', '=', 'muted').execute()).map((w) => w.user_id),
  );
  const recipients: NewNotification[] = [];
  const byName = async (names: string[], kind: NotificationKind) => {
    const wanted = [...new Set(names.map((n) => n.toLowerCase()))].slice(0, MAX_NAMED);
    if (!wanted.length) return;
    const users = await db.selectFrom('users').select('id').where('username_lower', 'in', wanted).where('deleted_at', 'is', null).execute();
    for (const u of users) if (!muted.has(u.id)) recipients.push({ userId: u.id, kind });
  };
  // A quote's attribution and quoted lines are not mentions, in any language (quotes-and-mentions.ts).
  await byName(quotedNames(post.body_markdown), 'quote');
  await byName(mentionedNames(post.body_html), 'mention');
  if (post.post_number > 1 && !muted.has(post.topic_author)) recipients.push({ userId: post.topic_author, kind: 'reply' });

  // Watchers: explicit (topic or board) and, by default, everyone who posted in the topic.
  const explicit = await db
    .selectFrom('watches')
    .select(['user_id', 'target'])
    .where('level', '=', 'watching')
    .where((eb) => eb.or([eb.and([eb('target', '=', 'topic'), eb('target_id', '=', post.topic_id)]), eb.and([eb('target', '=', 'board'), eb('target_id', '=', post.board_id)])]))
    .execute();
  const participants = post.post_number > 1
    ? await db.selectFrom('posts').select('user_id').distinct().where('topic_id', '=', post.topic_id).where('deleted_at', 'is', null).where('id', '<>', post.id).execute()
    : [];
  const boardMuted = new Set(
    (await db.selectFrom('watches').select('user_id').where('target', '=', 'board').where('target_id', '=', post.board_id).where('level', '=', 'muted').execute()).map((w) => w.user_id),
  );
  const defaults = await defaultWatchers(db, participants.map((p) => p.user_id));
  for (const w of explicit) if (!muted.has(w.user_id)) recipients.push({ userId: w.user_id, kind: 'watched' });
  for (const id of defaults) if (!muted.has(id) && !boardMuted.has(id)) recipients.push({ userId: id, kind: 'watched' });

  // createNotifications keeps the first entry per person: the order above is the priority.
  return createNotifications(db, { actorId: post.user_id, topic: subjectOf(post), postId: post.id }, recipients);
}

/** Of these people, those who watch topics they took part in (the default; a setting can turn it off). */
async function defaultWatchers(db: Kysely<DB>, userIds: number[]): Promise<number[]> {
  if (!userIds.length) return [];
  const off = await db.selectFrom('notification_settings').select('user_id').where('user_id', 'in', userIds).where('autowatch', '=', 0).execute();
  const optedOut = new Set(off.map((o) => o.user_id));
  return userIds.filter((id) => !optedOut.has(id));
}
