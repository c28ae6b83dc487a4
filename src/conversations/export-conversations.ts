// A person's conversations for the export of their data (right of access): the conversations
// they take or took part in, with every message in them (their own and those written to them),
// authors by username only.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export async function conversationsForExport(db: Kysely<DB>, userId: number) {
  const convs = await db
    .selectFrom('conversation_participants as p')
    .innerJoin('conversations as c', 'c.id', 'p.conversation_id')
    .select(['c.id', 'c.subject', 'c.team', 'c.topic_id', 'c.created_at', 'p.joined_at', 'p.left_at', 'p.muted'])
    .where('p.user_id', '=', userId)
    .orderBy('c.id')
    .execute();
  if (!convs.length) return [];
  const messages = await db
    .selectFrom('conversation_messages as m')
    .leftJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.id', 'm.conversation_id', 'm.body_markdown', 'm.created_at', 'u.username', 'm.user_id'])
    .where('m.conversation_id', 'in', convs.map((c) => c.id))
    .orderBy('m.id')
    .execute();
  const files = messages.length
    ? await db.selectFrom('conversation_attachments').select(['message_id', 'filename', 'text']).where('message_id', 'in', messages.map((m) => m.id)).orderBy('message_id').orderBy('position').execute()
    : [];
  return convs.map((c) => ({
    id: c.id,
    subject: c.subject,
    withTheTeam: !!c.team,
    topicId: c.topic_id,
    createdAt: c.created_at,
    joinedAt: c.joined_at,
    leftAt: c.left_at,
    muted: !!c.muted,
    messages: messages
      .filter((m) => m.conversation_id === c.id)
      .map((m) => ({ id: m.id, author: m.user_id === userId ? 'you' : (m.username ?? 'deleted user'), body: m.body_markdown, createdAt: m.created_at, attachments: files.filter((f) => f.message_id === m.id).map((f) => ({ name: f.filename, text: f.text })) })),
  }));
}
