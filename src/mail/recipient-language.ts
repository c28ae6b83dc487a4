// E-mails speak their recipient's language (issue 18): the account's setting (users.locale, set
// at sign-up to the language the sign-up page was shown in, changed in the settings), else the
// site's DEFAULT_LOCALE. Never the language of whoever caused the e-mail.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { isLocale, translator, type Translator } from '../i18n/index.ts';
import type { Mailer } from './mailer.ts';

/** The language for an account's e-mails, from its stored setting. */
export function mailLocale(mailer: Pick<Mailer, 'defaultLocale'>, setting: string | null | undefined): string {
  if (isLocale(setting)) return setting;
  return isLocale(mailer.defaultLocale) ? mailer.defaultLocale : 'en';
}

/** The texts for an account's e-mails (read from the database by id). */
export async function recipientTranslator(db: Kysely<DB>, mailer: Pick<Mailer, 'defaultLocale'>, userId: number): Promise<Translator> {
  const row = await db.selectFrom('users').select('locale').where('id', '=', userId).executeTakeFirst();
  return translator(mailLocale(mailer, row?.locale));
}

/** The texts for one recipient whose setting is already known. */
export const mailTranslator = (mailer: Pick<Mailer, 'defaultLocale'>, setting: string | null | undefined): Translator => translator(mailLocale(mailer, setting));
