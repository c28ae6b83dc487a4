// E-mail about a new private message: to the other participants who have not muted or left the
// conversation (and, in a team conversation nobody of the team has joined yet, to the community
// team). The e-mail carries no text of the message: it may hold account details, and e-mail is
// not private. Run in the background; a mail failure never fails the message.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { STAFF_ROLES } from './load-conversation.ts';
import { translator, type T } from '../i18n/index.ts';

/** Each e-mail is in its recipient's language (their setting, else `defaultLocale`, the site's). */
export async function notifyNewMessage(db: Kysely<DB>, mailer: Mailer, siteUrl: string, messageId: number, defaultLocale = 'en'): Promise<number> {
  const m = await db
    .selectFrom('conversation_messages')
    .innerJoin('conversations', 'conversations.id', 'conversation_messages.conversation_id')
    .leftJoin('users as author', 'author.id', 'conversation_messages.user_id')
    .select(['conversation_messages.user_id', 'conversations.id', 'conversations.subject', 'conversations.team', 'author.display_name'])
    .where('conversation_messages.id', '=', messageId)
    .executeTakeFirst();
  if (!m) return 0;
  const participants = await db.selectFrom('conversation_participants').select(['user_id', 'muted', 'left_at']).where('conversation_id', '=', m.id).execute();
  const ids = new Set(participants.filter((p) => !p.muted && !p.left_at).map((p) => p.user_id));
  if (m.team) {
    const teamIn = await db.selectFrom('user_roles').select('user_id').where('role', 'in', [...STAFF_ROLES]).execute();
    const staff = new Set(teamIn.map((r) => r.user_id));
    if (![...participants].some((p) => staff.has(p.user_id))) for (const s of staff) ids.add(s);
  }
  if (m.user_id !== null) ids.delete(m.user_id);
  if (!ids.size) return 0;
  return mailAboutConversation(db, mailer, [...ids], defaultLocale, (t) => ({
    subject: t('conversations:email.subject', { subject: m.subject }),
    said: t('conversations:email.wrote', { name: m.display_name ?? t('conversations:email.someone'), subject: m.subject }),
    url: `${siteUrl}/messages/${m.id}`,
  }));
}

/** One e-mail per live, verified account, in its language: hello, what happened, where to read it, why the text is not in it. */
export async function mailAboutConversation(db: Kysely<DB>, mailer: Mailer, userIds: readonly number[], defaultLocale: string, what: (t: T) => { subject: string; said: string; url: string }): Promise<number> {
  if (!userIds.length) return 0;
  const users = await db.selectFrom('users').select(['id', 'email', 'display_name', 'locale']).where('id', 'in', [...userIds]).where('deleted_at', 'is', null).where('email_verified_at', 'is not', null).execute();
  let sent = 0;
  for (const u of users) {
    if (!u.email) continue;
    const { t } = translator(u.locale ?? defaultLocale);
    const w = what(t);
    await mailer.send({
      to: u.email,
      subject: w.subject,
      text: `${t('conversations:email.hello', { name: u.display_name })}\n\n${w.said}\n\n${t('conversations:email.readAt', { url: w.url })}\n\n${t('conversations:email.privacy')}\n`,
    });
    sent++;
  }
  return sent;
}
