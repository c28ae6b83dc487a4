// E-mail to people added to a conversation: who added them and where to read it. Like a new
// message's e-mail it carries no text of the conversation (e-mail is not private). In the
// background; a mail failure never fails the addition.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { mailAboutConversation } from './notify-new-message.ts';

export async function notifyAdded(db: Kysely<DB>, mailer: Mailer, siteUrl: string, conversationId: number, addedBy: number, addedIds: readonly number[], defaultLocale = 'en'): Promise<number> {
  const c = await db.selectFrom('conversations').select(['id', 'subject']).where('id', '=', conversationId).executeTakeFirst();
  if (!c || !addedIds.length) return 0;
  const by = await db.selectFrom('users').select('display_name').where('id', '=', addedBy).executeTakeFirst();
  return mailAboutConversation(db, mailer, addedIds, defaultLocale, (t) => ({
    subject: t('conversations:email.addedSubject', { subject: c.subject }),
    said: t('conversations:email.addedYou', { name: by?.display_name ?? t('conversations:email.someone'), subject: c.subject }),
    url: `${siteUrl}/messages/${c.id}`,
  }));
}
