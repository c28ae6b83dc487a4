// "New sign-in to your account": when a browser the account has not signed in with before (no
// device cookie for it, device-cookie.ts) signs in with the password, on an account that has
// signed in before, the owner gets an e-mail naming the browser, with what to do if it was not
// them. Someone who has the password alone is then noticed the first time they use it. The
// account's very first sign-in says nothing (there is no "before"). No address is sent or kept.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { mailTranslator } from '../mail/recipient-language.ts';
import { nowIso } from '../shared/clock.ts';
import { describeDevice } from './list-sessions.ts';

/** Notes the sign-in; returns whether the owner is to be told (a new browser on an account used before). */
export async function noteSignIn(db: Kysely<DB>, userId: number, knownBrowser: boolean, at = nowIso()): Promise<boolean> {
  const before = await db.selectFrom('users').select('last_sign_in_at').where('id', '=', userId).executeTakeFirst();
  await db.updateTable('users').set({ last_sign_in_at: at }).where('id', '=', userId).execute();
  return !!before?.last_sign_in_at && !knownBrowser;
}

export async function tellOwnerAboutNewSignIn(db: Kysely<DB>, mailer: Mailer, siteUrl: string, userId: number, userAgent: string | null | undefined, at = new Date()): Promise<void> {
  const user = await db.selectFrom('users').select(['email', 'display_name', 'locale']).where('id', '=', userId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!user?.email) return;
  const { t } = mailTranslator(mailer, user.locale);
  const d = describeDevice(userAgent ?? null);
  const device = d.browser && d.os ? t('accounts:settings.sessionDevice', { browser: d.browser, os: d.os }) : (d.browser ?? d.os ?? t('accounts:settings.sessionUnknownDevice'));
  const when = `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  await mailer.send({
    to: user.email,
    subject: t('accounts:newSignIn.subject'),
    text: [
      t('accounts:twoFactor.mail.hello', { name: user.display_name }),
      t('accounts:newSignIn.body', { device, when }),
      t('accounts:newSignIn.ifYou'),
      t('accounts:newSignIn.ifNot', { settings: `${siteUrl}/settings`, reset: `${siteUrl}/password/forgot` }),
    ].join('\n\n') + '\n',
  });
}
