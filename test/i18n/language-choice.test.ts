// Which language a page is in (issue 18): a person's setting, else a visitor's footer choice,
// else Accept-Language, else DEFAULT_LOCALE; `lang` on the page; visitors' cached pages kept per
// language; dates and numbers in the language's format; errors in the reader's language.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { viewHelpersFor } from '../../src/web/view-helpers.ts';
import { formErrors, FieldErrors, text, UserError } from '../../src/shared/errors.ts';
import { translator } from '../../src/i18n/index.ts';

for (const kind of testDatabaseKinds()) {
  let database: TestDatabase;
  let app: FastifyInstance;

  before(async () => {
    database = await kind.open();
    app = await testServer(database, { ANON_CACHE_SECONDS: '60' });
    await makeUser(database.db, [], 'lang_member');
  });
  after(async () => {
    await app.close();
    await database.drop();
  });

  const langOf = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];

  test(`${kind.name}: Accept-Language picks Dutch or English; none Parley speaks gives the default`, async () => {
    const nl = await app.inject({ url: '/', headers: { 'accept-language': 'nl-BE,nl;q=0.9,en;q=0.5' } });
    assert.equal(langOf(nl.body), 'nl');
    assert.match(nl.body, /Kennisbank/);
    assert.match(String(nl.headers.vary), /Accept-Language/i);
    const en = await app.inject({ url: '/', headers: { 'accept-language': 'en-US,en;q=0.9' } });
    assert.equal(langOf(en.body), 'en');
    assert.match(en.body, /Knowledge base/);
    assert.doesNotMatch(en.body, /Kennisbank/);
    assert.equal(langOf((await app.inject({ url: '/', headers: { 'accept-language': 'fr-FR,de;q=0.8' } })).body), 'en');
    assert.equal(langOf((await app.inject({ url: '/' })).body), 'en');
  });

  test(`${kind.name}: visitors' cached pages are kept per language`, async () => {
    for (let i = 0; i < 3; i++) await app.inject({ url: '/kb', headers: { 'accept-language': 'nl' } });
    const nlHit = await app.inject({ url: '/kb', headers: { 'accept-language': 'nl' } });
    assert.equal(nlHit.headers['x-parley-cache'], 'hit');
    assert.equal(langOf(nlHit.body), 'nl');
    const en = await app.inject({ url: '/kb', headers: { 'accept-language': 'en' } });
    assert.equal(langOf(en.body), 'en', 'an English visitor never gets the Dutch copy');
  });

  test(`${kind.name}: a visitor's footer choice wins over the browser; only paths on this site are followed back`, async () => {
    const page = await app.inject({ url: '/kb', headers: { 'accept-language': 'en' } });
    assert.match(page.body, /href="\/language\/nl\?back=%2Fkb"/);
    const set = await app.inject({ url: '/language/nl?back=/kb' });
    assert.equal(set.statusCode, 303);
    assert.equal(set.headers.location, '/kb');
    const cookie = String(set.headers['set-cookie']).split(';')[0]!;
    const after = await app.inject({ url: '/kb', headers: { cookie, 'accept-language': 'en' } });
    assert.equal(langOf(after.body), 'nl');
    assert.equal((await app.inject({ url: '/language/nl?back=//evil.example/x' })).headers.location, '/');
    assert.equal((await app.inject({ url: '/language/nl?back=https://evil.example/' })).headers.location, '/');
    assert.equal((await app.inject({ url: '/language/fr' })).statusCode, 404);
  });

  test(`${kind.name}: a signed-in person's setting wins over the browser`, async () => {
    const member = new Agent(app);
    await member.post('/signin', { login: 'lang_member', password: 'correct horse battery staple' }, '/signin');
    assert.equal(langOf((await member.get('/kb')).body), 'en');
    await database.db.updateTable('users').set({ locale: 'nl' }).where('username', '=', 'lang_member').execute();
    const page = await member.get('/kb');
    assert.equal(langOf(page.body), 'nl');
    assert.match(page.body, /Afmelden/);
  });

  test(`${kind.name}: error pages speak the reader's language`, async () => {
    const nl = await app.inject({ url: '/no-such-page', headers: { 'accept-language': 'nl', accept: 'text/html' } });
    assert.equal(nl.statusCode, 404);
    assert.match(nl.body, /Pagina niet gevonden/);
    assert.match(nl.body, /Op dit adres staat niets/);
    const json = await app.inject({ url: '/api/v1/no-such', headers: { 'accept-language': 'nl' } });
    assert.equal(json.json().error, 'Page not found', 'the JSON status name stays English, for programs');
    assert.equal(json.json().message, 'Op dit adres staat niets.');
  });
}

test('dates and numbers follow the language', () => {
  const en = viewHelpersFor('en');
  const nl = viewHelpersFor('nl');
  assert.equal(en.date('2026-03-03T10:00:00.000Z'), '3 Mar 2026');
  assert.equal(nl.date('2026-03-03T10:00:00.000Z'), '3 mrt 2026');
  const intl = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  for (let m = 0; m < 12; m++) {
    const iso = new Date(Date.UTC(2025, m, 17)).toISOString();
    assert.equal(nl.date(iso), intl.format(new Date(iso)));
  }
  assert.equal(en.n(1234567), '1,234,567');
  assert.equal(nl.n(1234567), '1.234.567');
  assert.equal(nl.ago(new Date(Date.now() - 3 * 86_400_000).toISOString()), '3 dagen geleden');
  assert.equal(en.ago(new Date(Date.now() - 3 * 86_400_000).toISOString()), '3 d ago');
});

test('a use case names its message by key; each reader gets it in their language, logs in English', () => {
  const err = new UserError(text('common:errors.tooManyAttempts', { after: '1 minute' }), 429);
  assert.equal(err.message, 'Too many attempts from your address. Please wait 1 minute and try again.');
  assert.match(err.say(translator('nl').t), /^Te veel pogingen vanaf je adres\. Wacht 1 minute/);
  const several = new FieldErrors({ a: text('common:errors.notFound'), b: 'common:errors.notAllowed' });
  assert.equal(several.message, 'Please correct the 2 fields marked below.');
  const shown = formErrors(several, translator('nl').t);
  assert.equal(shown.error, 'Verbeter de 2 velden hieronder.');
  assert.deepEqual(shown.errors, { a: 'Niet gevonden', b: 'Dat mag je niet doen' });
  assert.equal(new UserError('Plain words stay as they are').say(translator('nl').t), 'Plain words stay as they are');
});
