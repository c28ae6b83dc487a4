// Start a private conversation: with people by username, or with the community team as a group
// ("Message the team"), optionally linked to the public topic it came from. The first message
// passes the publish pipeline with a private audience; nothing is written unless everything
// (recipients, limits, guard) passed, and then all in one transaction.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authorize, can, isStaff, type Actor } from '../policy/policy.ts';
import { runPublishPipeline } from '../publish/pipeline.ts';
import { nowIso } from '../shared/clock.ts';
import { ForbiddenError, text, UserError } from '../shared/errors.ts';
import { parseUsernames, resolveRecipients } from './recipients.ts';
import { CONVERSATION_LIMITS, membersMayMessage } from './settings.ts';
import { storeMessageAttachments } from './message-attachments.ts';
import type { AttachmentText } from '../attachments/text-file.ts';

export interface StartConversationInput {
  /** Usernames (a string as typed, or a list). */
  to?: string | readonly string[];
  /** Message the community team as a group. */
  team?: boolean;
  subject: string;
  body: string;
  /** Text attachments: checked (size, count, text only) and guarded with the body. */
  attachments?: AttachmentText[];
  /** The public topic this continues (set by continueInPrivate). */
  topicId?: number;
  /** Set by continueInPrivate, which authorized the hand-over itself (the member-to-member switch does not apply). */
  handOver?: boolean;
  at?: string;
}

export interface StartedConversation {
  id: number;
  messageId: number;
  /** Everyone else in it, to tell by e-mail. */
  recipientIds: number[];
}

const DAY = 86_400_000;

export async function startConversation(db: Kysely<DB>, actor: Actor, input: StartConversationInput): Promise<StartedConversation> {
  authorize(actor, 'conversation.start', null);
  const subject = typeof input.subject === 'string' ? input.subject.trim().replace(/\s+/g, ' ') : '';
  if (!subject) throw new UserError(text('conversations:errors.noSubject'), 400, 'subject');
  if (subject.length > CONVERSATION_LIMITS.subjectMax) throw new UserError(text('conversations:errors.subjectTooLong', { max: CONVERSATION_LIMITS.subjectMax }), 400, 'subject');
  const team = !!input.team;
  const recipients = await resolveRecipients(db, actor, parseUsernames(input.to), { allowNone: team });
  // Members writing to members can be switched off (spam); writing to staff, employees and the team stays open.
  const toPlainMembers = recipients.some((r) => !r.roles.some((role) => role !== 'member'));
  if (toPlainMembers && !input.handOver && !can(actor, 'conversation.messageMembers', { membersMayMessage: await membersMayMessage(db) })) {
    throw new ForbiddenError(text('conversations:errors.membersOff'));
  }
  await limitNewMembers(db, actor);
  const participantIds = [actor.id, ...recipients.map((r) => r.id)];
  const published = await runPublishPipeline(db, { actor, where: 'message', audience: 'private', participantIds, body: input.body, ...(input.attachments?.length ? { attachments: input.attachments } : {}), target: input.topicId ? `conversation:new:topic:${input.topicId}` : 'conversation:new' });
  const at = input.at ?? nowIso();
  return db.transaction().execute(async (tx) => {
    const { id } = await tx
      .insertInto('conversations')
      .values({ subject, created_by: actor.id, team: team ? 1 : 0, topic_id: input.topicId ?? null, summary_post_id: null, reported_at: null, message_count: 1, last_message_at: at, created_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    await tx.insertInto('conversation_participants').values(participantIds.map((user_id) => ({ conversation_id: id, user_id, last_read_message_id: 0, muted: 0, left_at: null, joined_at: at }))).execute();
    const messageId = await insertMessage(tx, id, actor.id, published.bodyMarkdown, published.bodyHtml, at);
    await storeMessageAttachments(tx, messageId, published.attachments);
    return { id, messageId, recipientIds: participantIds.slice(1) };
  });
}

/** Adds a message and marks it read for its author. */
export async function insertMessage(tx: Transaction<DB>, conversationId: number, userId: number, markdown: string, html: string, at: string): Promise<number> {
  const { id } = await tx
    .insertInto('conversation_messages')
    .values({ conversation_id: conversationId, user_id: userId, body_markdown: markdown, body_html: html, created_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx.updateTable('conversation_participants').set({ last_read_message_id: id }).where('conversation_id', '=', conversationId).where('user_id', '=', userId).execute();
  await tx.updateTable('conversations').set({ last_message_id: id }).where('id', '=', conversationId).execute();
  return id;
}

// New accounts start few conversations a day: private messages are a favourite of spammers.
async function limitNewMembers(db: Kysely<DB>, actor: Actor): Promise<void> {
  if (isStaff(actor) || actor.roles.has('employee')) return;
  const user = await db.selectFrom('users').select('created_at').where('id', '=', actor.id).executeTakeFirst();
  if (!user || Date.now() - Date.parse(user.created_at) > CONVERSATION_LIMITS.newMemberDays * DAY) return;
  const since = new Date(Date.now() - DAY).toISOString();
  const row = await db.selectFrom('conversations').select((eb) => eb.fn.countAll().as('n')).where('created_by', '=', actor.id).where('created_at', '>', since).executeTakeFirstOrThrow();
  if (Number(row.n) >= CONVERSATION_LIMITS.newMemberPerDay) {
    throw new UserError(text('conversations:errors.newMemberLimit', { count: CONVERSATION_LIMITS.newMemberPerDay }), 429);
  }
}
