// A conversation page: its messages (a page of them, the latest by default), who is in it, the
// topic it came from, and what the reader may do. Reading marks it read for a participant.
import type { Kysely } from 'kysely';
import { authorCards } from '../accounts/find-user.ts';
import type { DB } from '../db/schema.ts';
import { can, isStaff, type Actor } from '../policy/policy.ts';
import { nowIso } from '../shared/clock.ts';
import { NotFoundError, text } from '../shared/errors.ts';
import { loadConversation, logStaffAccess } from './load-conversation.ts';
import { CONVERSATION_LIMITS } from './settings.ts';
import { attachmentsOfMessages } from './message-attachments.ts';

export async function showConversation(db: Kysely<DB>, actor: Actor, id: number, page?: number) {
  const loaded = await loadConversation(db, actor, id);
  const { conversation, me, subject } = loaded;
  const perPage = CONVERSATION_LIMITS.perPage;
  const pageCount = Math.max(1, Math.ceil(conversation.message_count / perPage));
  const p = page ?? pageCount;
  if (p > pageCount) throw new NotFoundError(text('conversations:errors.noSuchPage'));
  if (loaded.staffReader) await logStaffAccess(db, actor, loaded);
  // Messages in id order; a page is a range of that order (conversations are short next to topics).
  const messages = await db
    .selectFrom('conversation_messages')
    .select(['id', 'user_id', 'body_html', 'created_at'])
    .where('conversation_id', '=', conversation.id)
    .orderBy('id')
    .limit(perPage)
    .offset((p - 1) * perPage)
    .execute();
  const participants = await db
    .selectFrom('conversation_participants')
    .select(['user_id', 'left_at', 'muted', 'added_by', 'joined_at'])
    .where('conversation_id', '=', conversation.id)
    .orderBy('joined_at')
    .orderBy('user_id')
    .execute();
  // "Anna added Bob", shown among the messages of the page its time falls in.
  const nextFirst = p < pageCount
    ? await db.selectFrom('conversation_messages').select('created_at').where('conversation_id', '=', conversation.id).orderBy('id').limit(1).offset(p * perPage).executeTakeFirst()
    : undefined;
  const from = p > 1 ? (messages[0]?.created_at ?? '') : '';
  const added = participants.filter((x) => x.added_by !== null && x.joined_at >= from && (!nextFirst || x.joined_at < nextFirst.created_at));
  const cards = await authorCards(db, [...messages.map((m) => m.user_id ?? 0), ...participants.map((x) => x.user_id), ...added.map((x) => x.added_by ?? 0)]);
  const topic = conversation.topic_id
    ? await db.selectFrom('topics').select(['id', 'slug', 'title', 'kind', 'solved_post_id', 'user_id']).where('id', '=', conversation.topic_id).where('deleted_at', 'is', null).executeTakeFirst()
    : undefined;
  const attachments = await attachmentsOfMessages(db, messages.map((m) => m.id));
  const lastOnPage = messages.at(-1)?.id ?? 0;
  // A member of the community team who opens a team conversation joins it: from then on it has
  // read state, e-mail (mutable) and can be left like any other.
  if (!me && subject.team && isStaff(actor)) {
    await db.insertInto('conversation_participants').values({ conversation_id: conversation.id, user_id: actor.id, last_read_message_id: lastOnPage, muted: 0, left_at: null, joined_at: nowIso() })
      .onConflict((oc) => oc.columns(['conversation_id', 'user_id']).doNothing()).execute();
  } else if (me && !me.left_at && lastOnPage > me.last_read_message_id) {
    await db.updateTable('conversation_participants').set({ last_read_message_id: lastOnPage }).where('conversation_id', '=', conversation.id).where('user_id', '=', actor.id).execute();
  }
  const name = (userId: number | null) => {
    const c = userId === null ? undefined : cards.get(userId);
    return { username: c && !c.user_deleted ? c.username : null, display_name: c && !c.user_deleted ? c.display_name : 'deleted user', roles: c?.roles ?? [] };
  };
  return {
    conversation: { id: conversation.id, subject: conversation.subject, team: !!conversation.team, created_by: conversation.created_by, reported: !!conversation.reported_at, summary_post_id: conversation.summary_post_id },
    messages: messages.map((m) => ({ id: m.id, body_html: m.body_html, created_at: m.created_at, author: name(m.user_id), mine: m.user_id === actor.id, attachments: attachments.get(m.id) ?? [] })),
    participants: participants.filter((x) => !x.left_at).map((x) => ({ id: x.user_id, ...name(x.user_id) })),
    added: added.map((x) => ({ at: x.joined_at, who: name(x.user_id), by: name(x.added_by) })),
    topic: topic ?? null,
    page: p,
    pageCount,
    me: me ? { muted: !!me.muted } : subject.team && isStaff(actor) ? { muted: false } : null,
    canReply: can(actor, 'conversation.reply', subject),
    canAddPeople: can(actor, 'conversation.addPeople', subject),
    canReport: can(actor, 'conversation.report', subject) && !conversation.reported_at,
    // The one who continued a public case here may post a summary back to the thread (once).
    canSummarize: !!topic && conversation.created_by === actor.id && !conversation.summary_post_id && !!me && !me.left_at,
  };
}
