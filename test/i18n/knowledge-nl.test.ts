// Knowledge base, private messages, search and the JSON API in Dutch (issue 18): a Dutch visitor
// (Accept-Language: nl) reads the knowledge base and the search page with its filters in Dutch; a
// member whose setting is Dutch gets the inbox and a conversation's refusal in Dutch; an API caller
// with Accept-Language: nl reads a UserError's message in Dutch while `error` stays English.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { seedDemo, type DemoLogin } from '../../src/seed/seed-demo.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent, csrfToken } from '../helpers/browserless-agent.ts';
import { startConversation } from '../../src/conversations/start-conversation.ts';
import { notifyNewMessage } from '../../src/conversations/notify-new-message.ts';
import type { Mail, Mailer } from '../../src/mail/mailer.ts';
import { rolesOf } from '../../src/accounts/find-user.ts';
import { withCharacters } from '../helpers/html.ts';

const nl = { 'accept-language': 'nl-NL,nl;q=0.9,en;q=0.5' };

for (const kind of testDatabaseKinds()) {
  describe(`knowledge base, messages, search and API in Dutch on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let logins: DemoLogin[];

    const signIn = async (username: string) => {
      const agent = new Agent(app);
      const login = logins.find((l) => l.username === username)!;
      const res = await agent.post('/signin', { login: login.username, password: login.password }, '/signin');
      assert.equal(res.statusCode, 303, res.body);
      return agent;
    };

    before(async () => {
      database = await kind.open();
      logins = await seedDemo(database.db);
      app = await testServer(database);
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('a Dutch visitor reads the knowledge base in Dutch, an English one in English', async () => {
      const page = await app.inject({ url: '/kb', headers: nl });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<html lang="nl"/);
      assert.match(page.body, /<h1>Kennisbank<\/h1>/);
      assert.match(page.body, /Antwoorden die in de community zijn uitgezocht/);
      assert.match(page.body, /<title>Kennisbank · /);
      assert.doesNotMatch(page.body, /Answers worked out in the community/);
      assert.match(page.body, /Nog geen artikelen\./);
      // A community manager writes and publishes one.
      const manager = await signIn('demo-manager');
      const made = await manager.post('/kb', { title: 'Voicemail instellen', body: 'Bel **1233** en volg de stappen.' }, '/kb/new');
      assert.equal(made.statusCode, 303, made.body);
      const article = String(made.headers.location);
      assert.equal((await manager.post(`${article}/publish`, {}, article)).statusCode, 303);
      const read = await app.inject({ url: article, headers: nl });
      assert.equal(read.statusCode, 200);
      assert.match(read.body, /<h2 id="versions-h">Versies<\/h2>/);
      assert.match(read.body, />Versie 1</);
      const missing = await app.inject({ url: '/kb/no-such-article-here', headers: nl });
      assert.equal(missing.statusCode, 404);
      assert.match(missing.body, /Dit artikel staat niet in de kennisbank\./, 'a use case\'s error, in Dutch');
      const english = await app.inject({ url: '/kb', headers: { 'accept-language': 'en' } });
      assert.match(english.body, /<h1>Knowledge base<\/h1>/);
    });

    test('a Dutch visitor gets the search page, its filters and results in Dutch', async () => {
      const page = await app.inject({ url: '/search?q=voicemail&kind=question', headers: nl });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<title>Zoeken: voicemail · /);
      assert.match(page.body, /<legend>Filters<\/legend>/);
      assert.match(page.body, /<option value="">Alle fora<\/option>/);
      assert.match(page.body, /<option value="question" selected>Vragen<\/option>/);
      assert.match(page.body, /<option value="article">Kennisbankartikelen<\/option>/);
      assert.match(page.body, /Beantwoord door een medewerker/);
      assert.match(page.body, /<option value="newest">Nieuwste eerst<\/option>/);
      assert.match(page.body, /role="status">\d+ resulta(at|ten)</, 'the count, in Dutch');
      const bad = await app.inject({ url: '/search?q=voicemail&from=yesterday', headers: nl });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Schrijf datums als JJJJ-MM-DD\./);
    });

    test('a member whose setting is Dutch gets the inbox and a conversation refusal in Dutch', async () => {
      const member = await signIn('demo-member');
      await database.db.updateTable('users').set({ locale: 'nl' }).where('username', '=', 'demo-member').execute();
      const inbox = await member.get('/messages');
      assert.equal(inbox.statusCode, 200);
      assert.match(inbox.body, /<html lang="nl"/);
      assert.match(inbox.body, /<h1>Privéberichten<\/h1>/);
      assert.match(inbox.body, /Alleen de mensen in een gesprek lezen het\./);
      assert.match(inbox.body, />Nieuw bericht</);
      const form = await member.get('/messages/new');
      assert.match(form.body, /<label for="subject">Onderwerp<\/label>/);
      const refused = await member.postMultipart('/messages', { _csrf: csrfToken(form.body), to: 'nobody-by-this-name', subject: 'Hallo', body: 'Hoi daar.' });
      assert.equal(refused.statusCode, 400);
      assert.match(withCharacters(refused.body), /Er is geen lid met de naam “nobody-by-this-name”/);
      const none = await member.get('/messages/99999999');
      assert.equal(none.statusCode, 404);
      assert.match(none.body, /Dit gesprek bestaat niet/);
    });

    test('the new-message e-mail is in each recipient\'s language', async () => {
      const users = await database.db.selectFrom('users').select(['id', 'username', 'email']).where('username', 'in', ['demo-employee', 'demo-member', 'demo-moderator']).execute();
      const id = (name: string) => users.find((u) => u.username === name)!;
      await database.db.updateTable('users').set({ locale: 'nl' }).where('username', '=', 'demo-member').execute();
      await database.db.updateTable('users').set({ locale: 'en' }).where('username', '=', 'demo-moderator').execute();
      const employee = id('demo-employee');
      const started = await startConversation(database.db, { id: employee.id, roles: new Set(await rolesOf(database.db, employee.id)) }, { to: 'demo-member, demo-moderator', subject: 'Je factuur', body: 'We hebben het bekeken.' });
      const sent: Mail[] = [];
      const mailer: Mailer = { send: async (m) => void sent.push(m), close: () => {} };
      assert.equal(await notifyNewMessage(database.db, mailer, 'http://community.test', started.messageId), 2);
      const to = (name: string) => sent.find((m) => m.to === id(name).email)!;
      assert.equal(to('demo-member').subject, 'Nieuw privébericht: Je factuur');
      assert.match(to('demo-member').text, /schreef in je privégesprek ‘Je factuur’\.\n\nLees het en reageer op http:\/\/community\.test\/messages\/\d+/);
      assert.equal(to('demo-moderator').subject, 'New private message: Je factuur');
      assert.match(to('demo-moderator').text, /wrote in your private conversation “Je factuur”/);
    });

    test('the API: `message` in the caller\'s language, `error` in English', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/conversations', headers: { ...nl, 'content-type': 'application/json' }, payload: JSON.stringify({ subject: 'x', body: 'y' }) });
      assert.equal(res.statusCode, 401);
      const body = res.json() as { error: string; message: string };
      assert.equal(body.error, 'Please sign in');
      assert.equal(body.message, 'Meld je aan, of stuur "Authorization: Bearer <API-token>".');
      const token = await app.inject({ url: '/api/v1/me', headers: { ...nl, authorization: 'Bearer parley_not-a-token' } });
      assert.equal(token.statusCode, 401);
      assert.deepEqual({ error: token.json().error, message: token.json().message }, { error: 'Please sign in', message: 'Dit API-token is niet geldig.' });
      const english = await app.inject({ method: 'POST', url: '/api/v1/conversations', headers: { 'accept-language': 'en', 'content-type': 'application/json' }, payload: '{}' });
      assert.equal(english.json().message, 'Sign in, or send "Authorization: Bearer <API token>".');
    });
  });
}
