// Warnings after a form post, without JavaScript (#16.5): a reply, topic or edit the guard lets
// through with a warning (a member's address) is published, and the page the author lands on says
// so in plain English, without the value; a visitor opening the same address sees no notice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { warnedMessage, withWarnings } from '../../src/confidentiality/warned-notice.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';

const PASSWORD = 'correct horse battery staple';
const ADDRESS = 'Please send the new modem to Kerkstraat 12, 1017 GC Amsterdam, thanks.';

test('the warned query: types only, validated; anything else shows nothing', () => {
  assert.equal(withWarnings('/t/a/1?page=2#post-30', 'reply', [{ type: 'address' }, { type: 'address' }, { type: 'phone' }]), '/t/a/1?page=2&warned=reply.address.phone#post-30');
  assert.equal(withWarnings('/t/a/1', 'topic', []), '/t/a/1');
  assert.equal(warnedMessage('reply.address'), 'Your reply was published, but it contains a postal address. Check that this is meant to be public; you can still edit or delete it.');
  assert.equal(warnedMessage('edit.address.phone'), 'Your edit was saved, but it contains a postal address and a phone number. Check that this is meant to be public; you can still edit or delete it.');
  for (const bad of ['reply', 'reply.<script>', 'bio.address', '', undefined, 'reply.address.nonsense']) assert.equal(warnedMessage(bad), null, String(bad));
});

for (const kind of testDatabaseKinds()) {
  describe(`warnings after a form post on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let topic: { id: number; slug: string };
    const member = () => new Agent(app);
    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      await createBoard(database.db, null, { name: 'Help', slug: 'help' });
      const olga = await makeUser(database.db, [], 'olga_w');
      topic = await createTopic(database.db, olga, { boardSlug: 'help', kind: 'question', title: 'Modem swap', body: 'My modem died.' });
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    test('a reply with an address: published, and the next page names what was found (no value)', async () => {
      const olga = member();
      assert.equal((await olga.post('/signin', { login: 'olga_w', password: PASSWORD }, '/signin')).statusCode, 303);
      const topicUrl = `/t/${topic.slug}/${topic.id}`;
      const res = await olga.postMultipart(`/t/${topic.id}/replies`, { body: ADDRESS }, [], topicUrl);
      assert.equal(res.statusCode, 303, res.body);
      const location = String(res.headers.location);
      assert.match(location, /\?warned=reply\.address#post-2$/);
      const page = await olga.get(location);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /class="notice guard-warned"[^]*Your reply was published, but it contains a postal address\./);
      assert.match(page.body, /Kerkstraat 12/, 'the reply is published (a warning, not a block)');
      // The notice text itself never carries the value.
      const notice = /<div class="notice guard-warned"[^]*?<\/div>/.exec(page.body)![0];
      assert.doesNotMatch(notice, /Kerkstraat/);
      // A visitor with the same address sees no notice.
      const visitor = await app.inject({ method: 'GET', url: location });
      assert.doesNotMatch(visitor.body, /guard-warned/);
    });

    test('an edit that adds an address: saved, and the post page says so', async () => {
      const olga = member();
      assert.equal((await olga.post('/signin', { login: 'olga_w', password: PASSWORD }, '/signin')).statusCode, 303);
      const post = await database.db.selectFrom('posts').select('id').where('topic_id', '=', topic.id).where('post_number', '=', 1).executeTakeFirstOrThrow();
      const res = await olga.postMultipart(`/p/${post.id}/edit`, { title: 'Modem swap', body: `My modem died. ${ADDRESS}`, reason: 'address' }, [], `/p/${post.id}/edit`);
      assert.equal(res.statusCode, 303, res.body);
      assert.match(String(res.headers.location), /warned=edit\.address/);
      const page = await olga.get(String(res.headers.location));
      assert.match(page.body, /Your edit was saved, but it contains a postal address\./);
    });

    test('a reply with nothing to warn about: no warned query, no notice', async () => {
      const olga = member();
      assert.equal((await olga.post('/signin', { login: 'olga_w', password: PASSWORD }, '/signin')).statusCode, 303);
      const res = await olga.postMultipart(`/t/${topic.id}/replies`, { body: 'Thanks, it works again after the reset.' }, [], `/t/${topic.slug}/${topic.id}`);
      assert.equal(res.statusCode, 303, res.body);
      assert.doesNotMatch(String(res.headers.location), /warned/);
      assert.doesNotMatch((await olga.get(String(res.headers.location))).body, /guard-warned/);
    });
  });
}
