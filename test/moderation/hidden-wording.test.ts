// A post hidden by reports waits for review and says so; once a moderator decided to hide it, it
// says a moderator hid it (to its author and to other readers), in English and Dutch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { reportPost } from '../../src/moderation/report-post.ts';
import { decidePostItem } from '../../src/moderation/decide-item.ts';
import type { Role } from '../../src/db/schema.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';

const PASSWORD = 'correct horse battery staple';

for (const kind of testDatabaseKinds()) {
  describe(`hidden post wording on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    const as: Record<string, Agent> = {};
    let url = '';
    let replyId = 0;
    let mod: Awaited<ReturnType<typeof makeUser>>;
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Billing', slug: 'billing' });
      const author = await makeUser(database.db, [], 'hw_author');
      await makeUser(database.db, [], 'hw_auteur_nl');
      const reporter = await makeUser(database.db, [], 'hw_reporter');
      mod = await makeUser(database.db, ['moderator'], 'hw_mod');
      await database.db.updateTable('users').set({ locale: 'nl' }).where('username', '=', 'hw_auteur_nl').execute();
      for (const name of ['hw_author']) {
        const a = new Agent(app);
        assert.equal((await a.post('/signin', { login: name, password: PASSWORD }, '/signin')).statusCode, 303);
        as[name] = a;
      }
      const t = await createTopic(database.db, author, { boardSlug: 'billing', kind: 'discussion', title: 'My invoice', body: 'The invoice is wrong.' });
      replyId = (await createReply(database.db, author, { topicId: t.id, body: 'Buy cheap watches here' })).id;
      await reportPost(database.db, { id: reporter.id, roles: new Set<Role>(['member']) }, { postId: replyId, reason: 'spam', hideThreshold: 0 });
      // Hidden as enough trusted members' reports hide it (report-post.ts): waiting for review.
      await database.db.updateTable('posts').set({ hidden_at: new Date().toISOString() }).where('id', '=', replyId).execute();
      url = (await app.inject({ url: `/t/${t.id}` })).headers.location as string;
    });
    after(async () => {
      await app.close();
      await database.drop();
    });
    const visitor = async (lang: string) => (await app.inject({ url, headers: { 'accept-language': lang } })).body;

    test('hidden by reports: waiting for review', async () => {
      assert.match(await visitor('en'), /This post is hidden while the moderators review it\./);
      assert.match((await as.hw_author!.get(url)).body, /Hidden from other readers until a moderator has reviewed it\./);
    });

    test('after a moderator decided to hide it: hidden by a moderator, for its author and visitors, in English and Dutch', async () => {
      const item = await database.db.selectFrom('review_items').select('id').where('kind', '=', 'post').where('subject_id', '=', replyId).executeTakeFirstOrThrow();
      await decidePostItem(database.db, mod, { id: item.id, decision: 'hide', reason: 'Spam' });
      const en = await visitor('en');
      assert.match(en, /A moderator has hidden this post\./);
      assert.doesNotMatch(en, /while the moderators review it/);
      const own = (await as.hw_author!.get(url)).body;
      assert.match(own, /Hidden from other readers by a moderator\./);
      assert.doesNotMatch(own, /until a moderator has reviewed it/);
      const nl = await visitor('nl');
      assert.match(nl, /Een moderator heeft dit bericht verborgen\./);
      assert.doesNotMatch(nl, /zolang de moderators het beoordelen/);
    });
  });
}
