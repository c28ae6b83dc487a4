// Issue 18: the community's reading pages and errors in Dutch. A visitor whose browser asks for
// Dutch gets the home, board and topic pages in Dutch (words, dates "3 mrt 2026", numbers
// "1.234"), the same pages stay English for an English browser, and a member whose setting is
// Dutch gets a use case's error in Dutch.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';

for (const kind of testDatabaseKinds()) {
  let database: TestDatabase;
  let app: FastifyInstance;
  let topicUrl: string;
  let firstPostId: number;

  before(async () => {
    database = await kind.open();
    app = await testServer(database);
    const db = database.db;
    const asker = await makeUser(db, [], 'nl_asker');
    const employee = await makeUser(db, ['employee'], 'nl_employee');
    await createBoard(db, null, { name: 'Internet', slug: 'internet', description: 'Glasvezel en DSL' });
    const topic = await createTopic(db, asker, { boardSlug: 'internet', kind: 'question', title: 'Mijn modem knippert oranje', body: 'Sinds vanochtend geen verbinding.' });
    await createReply(db, employee, { topicId: topic.id, body: 'Herstart het modem eens, dan kijk ik mee.' });
    // A date and large counts, to see them in the Dutch formats.
    await db.updateTable('topics').set({ created_at: '2026-03-03T09:15:00.000Z', post_count: 1235 }).where('id', '=', topic.id).execute();
    await db.updateTable('posts').set({ created_at: '2026-03-03T09:15:00.000Z' }).where('topic_id', '=', topic.id).where('post_number', '=', 1).execute();
    await db.updateTable('boards').set({ post_count: 1234 }).where('slug', '=', 'internet').execute();
    firstPostId = topic.postId;
    topicUrl = `/t/${topic.slug}/${topic.id}`;
  });
  after(async () => {
    await app?.close();
    await database?.drop();
  });

  const page = (url: string, lang: string) => app.inject({ url, headers: { 'accept-language': lang } });

  test(`${kind.name}: a Dutch visitor gets the home page in Dutch`, async () => {
    const res = await page('/', 'nl-NL,nl;q=0.9');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<html lang="nl"/);
    assert.match(res.body, /<h2 id="boards-h">Fora<\/h2>/);
    assert.match(res.body, /<h2 id="latest-h">Laatste activiteit<\/h2>/);
    assert.match(res.body, /<dt>Berichten<\/dt><dd>1\.234<\/dd>/);
    assert.match(res.body, /je herkent ze aan het label <span class="badge badge-employee">Medewerker<\/span>\./);
    assert.doesNotMatch(res.body, /Latest activity|Boards</);
  });

  test(`${kind.name}: a Dutch visitor gets the board page in Dutch, with Dutch dates`, async () => {
    const res = await page('/b/internet', 'nl');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<th scope="col">Onderwerp<\/th><th scope="col" class="num">Reacties<\/th><th scope="col">Laatste activiteit<\/th>/);
    assert.match(res.body, /<span class="kind kind-question">Vraag<\/span>/);
    assert.match(res.body, /door <img|door <span class="avatar/);
    assert.match(res.body, /<time datetime="2026-03-03T09:15:00.000Z">3 mrt 2026<\/time>/);
    assert.match(res.body, /<td class="num">1\.234</);
    assert.match(res.body, /Meld je aan om een onderwerp te starten/);
    const en = await page('/b/internet', 'en');
    assert.match(en.body, /3 Mar 2026/);
    assert.match(en.body, /<td class="num">1,234</);
    assert.match(en.body, /Sign in to start a topic/);
  });

  test(`${kind.name}: a Dutch visitor gets the topic page in Dutch; what people wrote stays as written`, async () => {
    const res = await page(topicUrl, 'nl');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<span class="kind kind-question">Vraag<\/span> <span itemprop="name">Mijn modem knippert oranje<\/span>/);
    assert.match(res.body, /<p class="meta">1\.234 reacties/);
    assert.match(res.body, /3 mrt 2026, 09:15 UTC/);
    assert.match(res.body, /<span class="badge badge-employee" title="Medewerker"><span class="sr-only">Rol: <\/span>Medewerker<\/span>/);
    assert.match(res.body, /Link naar bericht #2/);
    assert.match(res.body, /<a href="\/signin\?next=[^"]+">Meld je aan<\/a> of <a href="\/signup\?next=[^"]+">maak een account<\/a> om te reageren\./);
    assert.match(res.body, /Herstart het modem eens/);
    // The scripts' words, as data attributes in the page's language.
    assert.match(res.body, /data-t-copy-link="Link kopiëren"/);
    assert.match(res.body, /data-t-new-reply="Nieuwe reactie van \{1\}\."/);
    assert.match(res.body, /<title>Mijn modem knippert oranje · /);
  });

  test(`${kind.name}: a Dutch member gets a use case's error in Dutch; English stays English`, async () => {
    await database.db.updateTable('users').set({ locale: 'nl' }).where('username', '=', 'nl_asker').execute();
    const asker = new Agent(app);
    await asker.post('/signin', { login: 'nl_asker', password: 'correct horse battery staple' }, '/signin');
    const own = await asker.post(`/p/${firstPostId}/kudos`, {}, topicUrl);
    assert.equal(own.statusCode, 403);
    assert.match(own.body, /Je kunt geen kudos geven aan je eigen bericht\./);
    await database.db.updateTable('users').set({ locale: 'en' }).where('username', '=', 'nl_asker').execute();
    const en = await asker.post(`/p/${firstPostId}/kudos`, {}, topicUrl);
    assert.match(en.body, /You cannot give kudos to your own post\./);
  });
}
