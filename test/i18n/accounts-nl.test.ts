// Accounts, notifications and e-mail in Dutch (issue 18): a Dutch visitor's sign-in and sign-up
// pages and every field's error; the language setting in the account settings; a person who signed
// up in Dutch gets the verification e-mail (text and HTML) in Dutch over real SMTP; a notification
// in the app and by e-mail in the reader's language.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { notifyNewPost } from '../../src/notifications/notify-new-post.ts';
import { sendNotificationEmails } from '../../src/notifications/send-notification-emails.ts';
import { findUserByLogin } from '../../src/accounts/find-user.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { Agent, csrfToken } from '../helpers/browserless-agent.ts';
import { withCharacters } from '../helpers/html.ts';

const langOf = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];
const cookiesOf = (res: { cookies: { name: string; value: string }[] }) => res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');

for (const kind of testDatabaseKinds()) {
  describe(`accounts in Dutch on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let smtp: TestSmtp;
    before(async () => {
      database = await kind.open();
      smtp = await startSmtp();
      app = await testServer(database, { SMTP_URL: smtp.url, PUBLIC_URL: 'http://community.test', SIGNIN_RATE_LIMIT: '50' });
    });
    after(async () => {
      await app.close();
      await smtp.close();
      await database.drop();
    });

    test('a Dutch visitor gets sign-in and sign-up in Dutch, and every wrong field is told in Dutch at once', async () => {
      const nl = { 'accept-language': 'nl-NL,nl;q=0.9' };
      const signin = await app.inject({ url: '/signin', headers: nl });
      assert.equal(langOf(signin.body), 'nl');
      assert.match(signin.body, /<h1>Aanmelden<\/h1>/);
      assert.match(signin.body, /Gebruikersnaam of e-mailadres/);
      assert.match(signin.body, /Wachtwoord vergeten\?/);
      assert.doesNotMatch(signin.body, /Forgot your password/);

      const form = await app.inject({ url: '/signup', headers: nl });
      assert.match(form.body, /<h1>Maak een account<\/h1>/);
      const res = await app.inject({
        method: 'POST',
        url: '/signup',
        headers: { ...nl, cookie: cookiesOf(form), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrfToken(form.body), email: 'not-an-address', username: 'x', displayName: 'Admin', password: 'short' }).toString(),
      });
      assert.equal(res.statusCode, 400);
      assert.equal(langOf(res.body), 'nl');
      assert.match(res.body, /Verbeter de 4 velden hieronder\./);
      assert.match(res.body, /id="email-error">Vul een geldig e-mailadres in</);
      assert.match(res.body, /id="username-error">Je gebruikersnaam moet minstens 3 tekens hebben</);
      assert.match(withCharacters(res.body), /id="displayName-error">De weergavenaam “Admin” is gereserveerd\. Kies een andere\.</);
      assert.match(res.body, /id="password-error">Je wachtwoord moet minstens 10 tekens hebben</);
      assert.match(res.body, /value="not-an-address"/, 'what was typed is kept');

      // The password's strength, from zxcvbn, in Dutch too.
      const weak = await app.inject({
        method: 'POST',
        url: '/signup',
        headers: { ...nl, cookie: cookiesOf(form), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrfToken(form.body), email: 'weak@example.com', username: 'weak_one', displayName: 'Weak One', password: 'password123' }).toString(),
      });
      assert.match(weak.body, /id="password-error">Dit wachtwoord is te makkelijk te raden\. [A-Z][^<]*wachtwoord[^<]*</);

      const english = await app.inject({ url: '/signin', headers: { 'accept-language': 'en' } });
      assert.match(english.body, /Forgot your password\?/, 'English stays as it was');
    });

    test('someone who signs up on the Dutch page gets the verification e-mail in Dutch, text and HTML', async () => {
      const agent = new Agent(app);
      await agent.get('/language/nl?back=/signup'); // the visitor picks Nederlands in the footer
      const seen = smtp.messages.length;
      const res = await agent.post('/signup', { email: 'femke@example.com', username: 'femke_nl', displayName: 'Femke de Vries', password: 'velvet Lantern orbit 42' }, '/signup');
      assert.equal(res.statusCode, 200, res.body);
      assert.match(res.body, /Kijk in je mailbox/);
      assert.equal((await findUserByLogin(database.db, 'femke_nl'))!.locale, 'nl', 'the account keeps the language it signed up in');

      const mail = await smtp.next(seen);
      assert.equal(mail.subject, 'Bevestig je e-mailadres');
      assert.match(mail.text!, /^Hallo,\n\nBevestig je e-mailadres voor de community door binnen 48 uur deze link te openen:\n\nhttp:\/\/community\.test\/verify-email\?token=[\w-]+\n/);
      assert.match(mail.text!, /Dan kun je dit bericht negeren\./);
      const html = String(mail.html);
      assert.match(html, /<html lang="nl">/);
      assert.match(html, />Mijn e-mailadres bevestigen<\/a>/);
      assert.match(html, /Of open dit adres:/);
      assert.doesNotMatch(html + mail.text, /Confirm|Please|Hello/);

      // A later e-mail (a password reset) follows the account, whatever the browser asking.
      const before = smtp.messages.length;
      const english = new Agent(app);
      await english.post('/password/forgot', { email: 'femke@example.com' }, '/password/forgot');
      const reset = await smtp.next(before);
      assert.equal(reset.subject, 'Stel je wachtwoord opnieuw in');
    });

    test('a member who chooses Nederlands in the settings gets Dutch pages; Automatic follows the browser again', async () => {
      await makeUser(database.db, [], 'lang_chooser');
      const agent = new Agent(app);
      await agent.post('/signin', { login: 'lang_chooser', password: 'correct horse battery staple' }, '/signin');
      const settings = await agent.get('/settings');
      assert.equal(langOf(settings.body), 'en');
      assert.match(settings.body, /<h2 id="language-h">Language<\/h2>/);
      assert.match(settings.body, /name="locale" value="auto" checked/);

      const posted = await agent.post('/settings/language', { locale: 'nl' }, '/settings');
      assert.equal(posted.statusCode, 303);
      const saved = await agent.follow(posted);
      assert.equal(langOf(saved.body), 'nl', 'the page it leads to is in the new language');
      assert.match(saved.body, /Je taal is opgeslagen\./);
      assert.match(saved.body, /name="locale" value="nl" checked/);
      const user = await database.db.selectFrom('users').select('locale').where('username', '=', 'lang_chooser').executeTakeFirstOrThrow();
      assert.equal(user.locale, 'nl');
      const page = await agent.get('/notifications');
      assert.equal(langOf(page.body), 'nl');
      assert.match(page.body, /<h1>Meldingen<\/h1>/);
      assert.match(page.body, /Afmelden/);

      assert.equal((await agent.post('/settings/language', { locale: 'fr' }, '/settings')).statusCode, 400);
      const auto = await agent.follow(await agent.post('/settings/language', { locale: 'auto' }, '/settings'));
      assert.equal(langOf(auto.body), 'en');
      assert.match(auto.body, /Your language is saved\./);
      assert.equal((await database.db.selectFrom('users').select('locale').where('username', '=', 'lang_chooser').executeTakeFirstOrThrow()).locale, null);
    });

    test('a notification in the app is said in the reader\'s language', async () => {
      const db = database.db;
      await createBoard(db, null, { name: 'Help', slug: 'help-nl' });
      const ann = await makeUser(db, [], 'ann_nl');
      const bob = await makeUser(db, [], 'bob_en');
      const cat = await makeUser(db, [], 'cat_en');
      await db.updateTable('users').set({ locale: 'nl' }).where('id', '=', ann.id).execute();
      const topic = await createTopic(db, ann, { boardSlug: 'help-nl', kind: 'question', title: 'Modem herstart steeds', body: 'Elk uur ongeveer.' });
      await notifyNewPost(db, (await createReply(db, bob, { topicId: topic.id, body: 'Welke firmware heb je?' })).id);
      await notifyNewPost(db, (await createReply(db, cat, { topicId: topic.id, body: 'Bij mij ook, sinds de update.' })).id);

      // Replies are e-mailed by default: in Ann's language, whoever wrote them.
      const seen = smtp.messages.length;
      const swept = await sendNotificationEmails(db, app.mailer, { siteUrl: 'http://community.test', siteName: 'Parley', secret: 'test-secret', delayMs: 0, now: Date.now() + 1000 });
      assert.equal(swept.sent, 2);
      const mail = await smtp.next(seen);
      assert.match(mail.subject!, /reageerde op je onderwerp: “Modem herstart steeds”$/);
      assert.match(mail.text!, /^Hallo /);
      assert.match(mail.text!, /Je krijgt dit omdat "Reacties op mijn onderwerpen" op e-mail staat\./);
      assert.match(String(mail.html), />Stop deze e-mails<\/a>/);

      const agent = new Agent(app);
      await agent.post('/signin', { login: 'ann_nl', password: 'correct horse battery staple' }, '/signin');
      const page = await agent.get('/notifications');
      assert.equal(langOf(page.body), 'nl');
      assert.match(page.body, /<span class="tag">Nieuw<\/span> 2 nieuwe reacties op je onderwerp <a href="[^"]+">Modem herstart steeds<\/a>/);
      assert.match(page.body, /<th scope="row">Reacties op mijn onderwerpen<\/th>/);
    });
  });
}
