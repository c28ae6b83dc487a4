// The owner hears by e-mail when two-step verification is turned on or off on their account
// (by them, or by an admin), like any change to how their account signs in. Sent after the change
// is saved: a mail server that fails does not undo it (the routes log the failure).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { mailTranslator } from '../mail/recipient-language.ts';

export async function tellOwnerAboutTwoFactor(db: Kysely<DB>, mailer: Mailer, userId: number, change: 'on' | 'off' | 'reset'): Promise<void> {
  const user = await db.selectFrom('users').select(['email', 'display_name', 'locale']).where('id', '=', userId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!user?.email) return;
  const { t } = mailTranslator(mailer, user.locale);
  await mailer.send({
    to: user.email,
    subject: t(`accounts:twoFactor.mail.${change}Subject`),
    text: `${t('accounts:twoFactor.mail.hello', { name: user.display_name })}\n\n${t(`accounts:twoFactor.mail.${change}Body`)}\n\n${t('accounts:twoFactor.mail.notYou')}\n`,
  });
}
