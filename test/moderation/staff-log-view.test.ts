// The staff action log (/moderation/log) reads as words in the reader's language: actions
// translated, targets by title or name and linked where the reader may see them, dates formatted
// for the language (not ISO codes); the CSV keeps the codes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { restrictUser } from '../../src/moderation/restrict-user.ts';
import { logStaffAction } from '../../src/moderation/staff-log.ts';
import { saveLimits } from '../../src/moderation/settings.ts';
import { addWatchedWord, removeWatchedWord } from '../../src/moderation/watched-words.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { withCharacters } from '../helpers/html.ts';

const PASSWORD = 'correct horse battery staple';

for (const kind of testDatabaseKinds()) {
  describe(`the staff log in words on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    const as: Record<string, Agent> = {};
    const ids: Record<string, number> = {};
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Ideas & Feedback', slug: 'ideas' });
      await createBoard(database.db, null, { name: 'Mobile & SIM', slug: 'mobile' });
      const member = await makeUser(database.db, [], 'sl_member');
      const mod = await makeUser(database.db, ['moderator'], 'sl_mod');
      const cm = await makeUser(database.db, ['community_manager'], 'sl_cm');
      await makeUser(database.db, ['community_manager'], 'sl_cm_nl');
      await database.db.updateTable('users').set({ locale: 'nl' }).where('username', '=', 'sl_cm_nl').execute();
      for (const name of ['sl_mod', 'sl_cm', 'sl_cm_nl']) {
        const a = new Agent(app);
        assert.equal((await a.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
        as[name] = a;
      }
      const t = await createTopic(database.db, member, { boardSlug: 'ideas', kind: 'discussion', title: 'Dark mode for the app', body: 'Please add a dark mode.' });
      const reply = await createReply(database.db, member, { topicId: t.id, body: 'And a bigger font.' });
      ids.topic = t.id;
      ids.member = member.id;
      const url = (await app.inject({ url: `/t/${t.id}` })).headers.location as string;
      assert.equal((await as.sl_mod!.post(`/t/${t.id}/move`, { board: 'mobile' }, url)).statusCode, 303);
      await restrictUser(database.db, mod, { userId: member.id, action: 'suspend', until: '2027-01-31', reason: 'spam' });
      await logStaffAction(database.db, mod, { action: 'post.hide', target: `post:${reply.id}`, reason: 'rude', detail: 'review:2' });
      // Settings and watched words: logged as keys and JSON ("settings:moderation", {"firstPostsHeld":2,…}).
      await saveLimits(database.db, cm, { firstPostsHeld: '2', newPerMinute: '5' });
      const word = await addWatchedWord(database.db, cm, { pattern: 'cheap watches', isRegex: false, action: 'censor' });
      await addWatchedWord(database.db, cm, { pattern: 'free\\s+iphone', isRegex: true, action: 'block' });
      await removeWatchedWord(database.db, cm, word.id);
    });
    after(async () => {
      await app.close();
      await database.drop();
    });
    const log = async (who: string) => {
      const res = await as[who]!.get('/moderation/log');
      assert.equal(res.statusCode, 200);
      return withCharacters(res.body).replaceAll('&amp;', '&');
    };

    test('in English: actions in words, titles and names linked, the date formatted', async () => {
      const body = await log('sl_cm');
      assert.match(body, /<td data-action="topic\.move">Moved a topic<\/td><td data-target="topic:\d+"><a href="\/t\/dark-mode-for-the-app\/\d+">Dark mode for the app<\/a><\/td>/);
      assert.match(body, /Ideas & Feedback → Mobile & SIM/);
      assert.match(body, /<td data-action="user\.suspend">Suspended a member<\/td><td data-target="user:\d+"><a href="\/u\/sl_member">[^<(]+<\/a><\/td><td>spam<div class="meta">until [^<]*2027[^<]*<\/div>/);
      assert.doesNotMatch(body, /2027-01-31T/);
      assert.match(body, /<td data-action="post\.hide">Hid a post<\/td><td data-target="post:\d+"><a href="\/t\/dark-mode-for-the-app\/\d+#post-2">post #2 in “Dark mode for the app”<\/a><\/td><td>rude<div class="meta"><a href="\/moderation\/items\/2">review item #2<\/a>/);
      assert.doesNotMatch(body, />topic\.move<|>user:\d+<|>post:\d+</);
    });

    test('settings and watched-word changes in words, in English and Dutch: no keys, no JSON', async () => {
      const en = await log('sl_cm');
      assert.match(en, /<td data-action="settings\.limits">Changed the new-member limits<\/td><td data-target="settings:moderation"><a href="\/moderation\/settings">the new-member limits<\/a><\/td><td><div class="meta">First posts of a new member held for approval: 2; Posts per minute, new members: 5; Posts per hour, new members: 60; [^<]*Links per post, new members: 3 <\/div>/);
      assert.match(en, /<td data-action="watched_word\.add">Added a watched word<\/td><td data-target="watched_word:\d+"><a href="\/moderation\/settings">watched word #\d+<\/a><\/td><td><div class="meta">“cheap watches” \(word or phrase\), action: censor <\/div>/);
      assert.match(en, /“free\\s\+iphone” \(regular expression\), action: block/);
      assert.match(en, /<td data-action="watched_word\.remove">Removed a watched word<\/td><td data-target="watched_word:\d+"><a href="\/moderation\/settings">watched word #\d+<\/a>/);
      assert.doesNotMatch(en, /firstPostsHeld|\{&quot;|\{"|>settings:|>watched_word:|censor: cheap|\(regex\)/);

      const nl = await log('sl_cm_nl');
      assert.match(nl, /data-action="settings\.limits">Limieten voor nieuwe leden gewijzigd<\/td><td data-target="settings:moderation"><a href="\/moderation\/settings">de limieten voor nieuwe leden<\/a>/);
      assert.match(nl, /“cheap watches” \(woord of zin\), actie: censureren/);
      assert.match(nl, /“free\\s\+iphone” \(reguliere expressie\), actie: blokkeren/);
      assert.match(nl, />bewaakt woord #\d+</);
      assert.doesNotMatch(nl, /firstPostsHeld|\{&quot;|\{"|>settings:|>watched_word:|the new-member limits|action: /);
    });

    test('in Dutch: the same in Dutch words and a Dutch date', async () => {
      const body = await log('sl_cm_nl');
      assert.match(body, /<html lang="nl"/);
      assert.match(body, /data-action="topic\.move">Onderwerp verplaatst</);
      assert.match(body, /data-action="user\.suspend">Lid geschorst</);
      assert.match(body, /<div class="meta">tot [^<]*2027[^<]*<\/div>/);
      assert.doesNotMatch(body, /2027-01-31T|until /);
      assert.match(body, /bericht #2 in “Dark mode for the app”/);
      assert.match(body, />beoordeling #2</);
    });

    test('the CSV keeps the codes', async () => {
      const csv = (await as.sl_cm!.get('/moderation/log.csv')).body;
      assert.match(csv, /,topic\.move,topic:\d+,/);
      assert.match(csv, /,user\.suspend,user:\d+,spam,until 2027-01-31T23:59:59\.999Z/);
      assert.match(csv, /,settings\.limits,settings:moderation,,"?\{/);
      assert.match(csv, /,watched_word\.add,watched_word:\d+,,censor: cheap watches/);
    });
  });
}
