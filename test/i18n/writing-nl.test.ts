// Writing in Dutch (issue 18): a member whose browser asks for Dutch gets the composer in Dutch, a
// refused topic's field errors in Dutch (every field's at once, next to its field, values kept),
// and the confidentiality guard's words in Dutch on the page and in the live check's JSON. The
// same requests in English keep their English texts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { addWatchedWord } from '../../src/moderation/watched-words.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { testServer } from '../helpers/server.ts';
import { Agent, csrfToken } from '../helpers/browserless-agent.ts';

const PASSWORD = 'correct horse battery staple';
const PHONE = '06 41 27 93 58';

for (const kind of testDatabaseKinds()) {
  describe(`writing in Dutch on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    const agents: Record<string, Agent> = {};

    /** A request as this person's browser sends it, asking for `lang`. */
    const send = async (who: string, lang: string, method: 'GET' | 'POST', url: string, form?: Record<string, string>, json?: object): Promise<LightMyRequestResponse> => {
      const agent = agents[who]!;
      // The form's token first (it may set the CSRF cookie the agent keeps).
      const csrf = form || json ? csrfToken((await agent.get('/b/help/new')).body) : '';
      const cookie = [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const headers: Record<string, string> = { cookie, 'accept-language': lang };
      if (!form && !json) return app.inject({ method, url, headers });
      if (json) return app.inject({ method, url, headers: { ...headers, 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf }, payload: JSON.stringify(json) });
      const body = new URLSearchParams({ ...form, _csrf: csrf });
      return app.inject({ method, url, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
    };

    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Help', slug: 'help' });
      await makeUser(database.db, [], 'nl_member');
      await makeUser(database.db, ['employee'], 'nl_employee');
      for (const name of ['nl_member', 'nl_employee']) {
        const agent = new Agent(app);
        assert.equal((await agent.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
        agents[name] = agent;
      }
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('the composer is in Dutch for a Dutch browser, in English for an English one', async () => {
      const nl = await send('nl_member', 'nl', 'GET', '/b/help/new');
      assert.equal(nl.statusCode, 200);
      assert.match(nl.body, /<html lang="nl"/);
      assert.match(nl.body, /<title>Nieuw onderwerp in Help · /);
      assert.match(nl.body, /<h1>Nieuw onderwerp in Help<\/h1>/);
      assert.match(nl.body, /<legend>Wat is het\?<\/legend>/);
      assert.match(nl.body, /<label for="title">Titel<\/label>/);
      assert.match(nl.body, /<button type="submit">Onderwerp plaatsen<\/button>/);
      assert.match(nl.body, /Twijfel je of dit openbaar kan\? Vraag het aan het communityteam/);
      assert.match(nl.body, /Tekstbestanden bijvoegen/);
      // The live check's words for the composer's script, in Dutch too.
      assert.match(nl.body, /data-t="[^"]*Dit kan niet zo worden geplaatst/);
      assert.doesNotMatch(nl.body, /Post topic|What is it\?|Attach text files/);

      const en = await send('nl_member', 'en', 'GET', '/b/help/new');
      assert.match(en.body, /<h1>New topic in Help<\/h1>/);
      assert.match(en.body, /<button type="submit">Post topic<\/button>/);
    });

    test('a refused topic: every field\'s error at once, in Dutch, next to its field, with the values kept', async () => {
      const res = await send('nl_member', 'nl', 'POST', '/b/help/topics', { kind: 'question', title: 'Hoi', body: ' ', tags: 'wifi,x' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /<p class="form-error" role="alert">Verbeter de 3 velden hieronder\.<\/p>/);
      assert.match(res.body, /<p class="field-error" id="title-error">De titel moet minstens 5 tekens lang zijn<\/p>/);
      assert.match(res.body, /<p class="field-error" id="body-error">Schrijf eerst iets: het bericht is leeg<\/p>/);
      assert.match(res.body, /<p class="field-error" id="tags-error">Elke tag heeft minstens twee letters of cijfers nodig\.<\/p>/);
      assert.match(res.body, /<input id="title" name="title"[^>]*value="Hoi"[^>]*aria-invalid="true"/);
      assert.match(res.body, /<input id="tags" name="tags"[^>]*value="wifi,x"[^>]*aria-invalid="true" aria-describedby="tags-error"/);

      const en = await send('nl_member', 'en', 'POST', '/b/help/topics', { kind: 'question', title: 'Hoi', body: ' ', tags: 'wifi,x' });
      assert.match(en.body, /Please correct the 3 fields marked below\./);
      assert.match(en.body, /id="title-error">Title must be at least 5 characters</);
      assert.match(en.body, /id="body-error">Write something first: the message is empty</);
      assert.match(en.body, /id="tags-error">Each tag needs at least two letters or digits\.</);
    });

    test('the guard\'s finding in Dutch: on the refused topic\'s page and in the live check\'s JSON', async () => {
      const body = `Bel me terug op ${PHONE}, dan regelen we het.`;
      const page = await send('nl_employee', 'nl', 'POST', '/b/help/topics', { kind: 'question', title: 'Storing in Utrecht', body });
      assert.equal(page.statusCode, 422);
      assert.match(page.body, /Dit onderwerp bevat een telefoonnummer en kan niet worden geplaatst\. Haal het weg, of vraag het communityteam om ernaar te kijken\./);
      // One findings panel with its quick fix, in Dutch.
      assert.match(page.body, /<strong>Een telefoonnummer<\/strong>: <mark>06 41 27 93 58<\/mark> <button type="submit" name="fix" value="\d+:\d+"[^>]*>Vervangen door een plaatshouder<\/button>/);
      assert.match(page.body, new RegExp(`<textarea id="body"[^>]*>${body}</textarea>`), 'the text is kept');

      const check = await send('nl_member', 'nl', 'POST', '/check', undefined, { body, where: 'reply' });
      assert.equal(check.statusCode, 200, check.body);
      const result = check.json();
      assert.equal(result.action, 'mask');
      assert.equal(result.message, 'Deze reactie bevat een telefoonnummer.');
      const phone = result.findings.find((f: { type: string }) => f.type === 'phone');
      assert.equal(phone.label, 'telefoonnummer');
      assert.equal(phone.what, 'een telefoonnummer');
      assert.equal(phone.why, 'lijkt op een telefoonnummer');
      assert.ok(phone.reason.length > 0, 'the guard\'s own reason stays for tools');

      const blocked = await send('nl_employee', 'nl', 'POST', '/check', undefined, { body, where: 'reply' });
      assert.equal(blocked.json().message, 'Deze reactie bevat een telefoonnummer en kan niet worden geplaatst. Haal het weg, of vraag het communityteam om ernaar te kijken.');
      const english = await send('nl_employee', 'en', 'POST', '/check', undefined, { body, where: 'reply' });
      assert.equal(english.json().message, 'This reply contains a phone number and cannot be published. Remove it, or ask the community team to review it.');
    });

    test('the live check\'s watched-word and tone messages in the writer\'s language', async () => {
      const admin = await makeUser(database.db, ['admin']);
      await addWatchedWord(database.db, admin, { pattern: 'scamword', isRegex: false, action: 'block' });
      const body = 'This router works as intended, scamword included.';
      const nl = (await send('nl_employee', 'nl', 'POST', '/check', undefined, { body, where: 'reply' })).json();
      assert.equal(nl.watched[0].message, '“scamword” is niet toegestaan in deze community; formuleer het anders.');
      assert.match(nl.tone.message, /^Een vriendelijke herinnering/);
      const en = (await send('nl_employee', 'en', 'POST', '/check', undefined, { body, where: 'reply' })).json();
      assert.equal(en.watched[0].message, '“scamword” is not allowed in this community; please rephrase it.');
      assert.match(en.tone.message, /^A gentle reminder/);
      await database.db.deleteFrom('watched_words').execute();
    });

    test('the JSON API: several wrong fields each with its message, and the guard\'s 422, in Dutch', async () => {
      const api = async (who: string, payload: object) => {
        const agent = agents[who]!;
        const me = await agent.get('/api/v1/me');
        const headers = { cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': me.json().csrfToken, 'accept-language': 'nl', 'content-type': 'application/json' };
        return app.inject({ method: 'POST', url: '/api/v1/boards/help/topics', headers, payload: JSON.stringify(payload) });
      };
      const bad = await api('nl_member', { kind: 'question', title: '  Hoi  ', body: '  ' });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.equal(bad.json().message, 'Verbeter de 2 velden hieronder.');
      assert.deepEqual(bad.json().fields, { title: 'De titel moet minstens 5 tekens lang zijn', body: 'Schrijf eerst iets: het bericht is leeg' });

      const stopped = await api('nl_employee', { kind: 'question', title: 'Storing in Utrecht', body: `Bel me op ${PHONE}.` });
      assert.equal(stopped.statusCode, 422, stopped.body);
      assert.match(stopped.json().message, /^Dit onderwerp bevat een telefoonnummer en kan niet worden geplaatst\./);
      assert.equal(stopped.json().guard.findings[0].type, 'phone');
    });
  });
}
