// The authorization walk (issue 17, points 1 and 11): every GET route the server registers —
// read from Fastify's own route table (src/web/route-table.ts), never from a hand-kept list, so a
// new route is walked without editing this file — is requested as a visitor, a member and an
// employee, with every path parameter filled from the ids, slugs, usernames and file names in
// the database and every declared query parameter (?quote=N, ?page, ?sort, ?tag…) filled too.
// The database holds things those three must never read, each carrying a unique marker: a
// staff-only board's topic (with its tag, file name and edit history), a topic a moderator
// deleted, drafts held for the community team, a deleted post (with an earlier revision and an
// attachment), knowledge-base drafts, and another member's private profile fields. Any 2xx
// answer (or redirect address) that shows a marker fails. Writes to those things answer 404.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { editPost } from '../../src/community/edit-post.ts';
import { deletePost } from '../../src/community/delete-post.ts';
import { holdDraft } from '../../src/moderation/hold-draft.ts';
import { createArticle } from '../../src/knowledge/create-article.ts';
import { editArticle } from '../../src/knowledge/edit-article.ts';
import { publishArticle } from '../../src/knowledge/publish-article.ts';
import { updateProfile } from '../../src/accounts/update-profile.ts';
import type { RegisteredRoute } from '../../src/web/route-table.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';

const PASSWORD = 'correct horse battery staple';
type Walker = 'visitor' | 'member' | 'employee';

/** Marker → who must never read it. Markers are plain letters, so no escaping hides them. */
const HIDDEN_FROM_ALL: Walker[] = ['visitor', 'member', 'employee'];
const MARKERS: Record<string, Walker[]> = {
  // A staff-only board: its name, a topic's title, body, reply, attachment and earlier revision.
  Zqstaffboardname: HIDDEN_FROM_ALL,
  Zqstafftitle: HIDDEN_FROM_ALL,
  zqstaffbody: HIDDEN_FROM_ALL,
  zqstaffreply: HIDDEN_FROM_ALL,
  zqstaffattach: HIDDEN_FROM_ALL,
  zqstaffrevision: HIDDEN_FROM_ALL,
  zqstafftag: HIDDEN_FROM_ALL,
  zqstafffile: HIDDEN_FROM_ALL,
  // A topic deleted by a moderator.
  Zqdeltitle: HIDDEN_FROM_ALL,
  zqdelbody: HIDDEN_FROM_ALL,
  zqdelreply: HIDDEN_FROM_ALL,
  zqdelattach: HIDDEN_FROM_ALL,
  zqdeltag: HIDDEN_FROM_ALL,
  // A deleted reply in a public topic: its text, an earlier revision, its attachment.
  zqdelpostbody: HIDDEN_FROM_ALL,
  zqdelpostrevision: HIDDEN_FROM_ALL,
  zqdelpostattach: HIDDEN_FROM_ALL,
  // Drafts held for the community team (a new topic, and a reply), by someone else.
  Zqheldtitle: HIDDEN_FROM_ALL,
  zqheldbody: HIDDEN_FROM_ALL,
  zqheldattach: HIDDEN_FROM_ALL,
  zqheldnote: HIDDEN_FROM_ALL,
  zqheldreply: HIDDEN_FROM_ALL,
  zqheldtag: HIDDEN_FROM_ALL,
  // Knowledge base: an unpublished article, and the draft version before an article's publication.
  Zqdraftarticle: HIDDEN_FROM_ALL,
  zqdraftarticlebody: HIDDEN_FROM_ALL,
  zqprepublication: HIDDEN_FROM_ALL,
  // Another member's private profile fields.
  zqprivmail: HIDDEN_FROM_ALL,
  Zqprivrealname: HIDDEN_FROM_ALL,
  ZQPRIVCUST: HIDDEN_FROM_ALL,
  // A members-only board's topic: for signed-in people, not for visitors.
  Zqmemberstitle: ['visitor'],
  zqmembersbody: ['visitor'],
};

for (const kind of testDatabaseKinds()) {
  describe(`route walk: nothing hidden shows on any GET route, on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    const walkers: Record<Walker, Agent | null> = { visitor: null, member: null, employee: null };

    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      const db = database.db;
      const mod = await makeUser(db, ['moderator'], 'mod_mia');
      const cm = await makeUser(db, ['community_manager'], 'cm_cora');
      const writer = await makeUser(db, [], 'writer_wes');
      const drafter = await makeUser(db, [], 'drafter_dan');
      const secretive = await makeUser(db, [], 'secretive_sue');
      await makeUser(db, [], 'member_max');
      await makeUser(db, ['employee'], 'emp_eli');

      await createBoard(db, null, { name: 'Home Internet', slug: 'home-internet' });
      await createBoard(db, null, { name: 'Customers lounge', slug: 'lounge', visibility: 'members' });
      await createBoard(db, null, { name: 'Team room Zqstaffboardname', slug: 'team-room', visibility: 'staff', description: 'For the team' });

      // A public topic with ordinary replies, a deleted reply (edited first) and a held reply.
      const pub = await createTopic(db, writer, { boardSlug: 'home-internet', kind: 'question', title: 'Router keeps rebooting at night', body: 'Every night around two.', tags: 'router' });
      await createReply(db, mod, { topicId: pub.id, body: 'Which firmware do you run?' });
      const doomed = await createReply(db, writer, { topicId: pub.id, body: 'Firmware zqdelpostrevision here.', attachments: [{ name: 'log.txt', text: 'zqdelpostattach line' }] });
      await editPost(db, writer, { postId: doomed.id, body: 'Firmware zqdelpostbody now.', reason: 'typo' });
      await deletePost(db, mod, doomed.id);
      await createReply(db, writer, { topicId: pub.id, body: 'Still happening after the update.' });
      await holdDraft(db, drafter, { kind: 'reply', topicId: pub.id, body: 'My reply zqheldreply for the team.', reason: 'asked' });

      // Staff-only board: topic with a reply, an attachment and an edit history.
      const staff = await createTopic(db, mod, { boardSlug: 'team-room', kind: 'question', title: 'Zqstafftitle rota for December', body: 'First text zqstaffrevision.', tags: 'zqstafftag', attachments: [{ name: 'zqstafffile.txt', text: 'zqstaffattach rota' }] });
      await editPost(db, mod, { postId: staff.postId, body: 'Rota zqstaffbody for the holidays.', reason: 'update' });
      await createReply(db, cm, { topicId: staff.id, body: 'I take zqstaffreply the weekend.' });

      // A topic a moderator deleted (by deleting its first post), with a reply and an attachment.
      const del = await createTopic(db, writer, { boardSlug: 'home-internet', kind: 'discussion', title: 'Zqdeltitle angry rant about billing', body: 'Rant zqdelbody text.', tags: 'zqdeltag', attachments: [{ name: 'rant.txt', text: 'zqdelattach text' }] });
      await createReply(db, writer, { topicId: del.id, body: 'More zqdelreply ranting.' });
      const delFirst = await database.db.selectFrom('posts').select('id').where('topic_id', '=', del.id).where('post_number', '=', 1).executeTakeFirstOrThrow();
      await deletePost(db, mod, delFirst.id);

      // A new topic held for the team, with a note and an attachment.
      await holdDraft(db, drafter, { kind: 'topic', boardSlug: 'home-internet', topicKind: 'question', title: 'Zqheldtitle question for the team', body: 'Draft zqheldbody text.', tags: 'zqheldtag', note: 'Note zqheldnote please', reason: 'asked', attachments: [{ name: 'held.txt', text: 'zqheldattach text' }] });

      // Members-only board topic.
      await createTopic(db, writer, { boardSlug: 'lounge', kind: 'discussion', title: 'Zqmemberstitle meetup in spring', body: 'Meet zqmembersbody there.' });

      // Knowledge base: a draft, and a published article whose first version was a draft.
      await createArticle(db, cm, { title: 'Zqdraftarticle reset guide', body: 'Steps zqdraftarticlebody here.' });
      const art = await createArticle(db, cm, { title: 'Resetting the router', body: 'Old zqprepublication steps.' });
      await editArticle(db, cm, { slug: art.slug, title: 'Resetting the router', body: 'Hold the button for ten seconds.' });
      await publishArticle(db, cm, art.slug);

      // Another member's private profile.
      await updateProfile(db, secretive, { displayName: 'Sue', bio: 'I like routers.', realName: 'Zqprivrealname Smith', customerNumber: 'ZQPRIVCUST-77' }, 'NL');
      await db.updateTable('users').set({ email: 'zqprivmail@example.com' }).where('id', '=', secretive.id).execute();

      walkers.visitor = new Agent(app);
      for (const [who, username] of [['member', 'member_max'], ['employee', 'emp_eli']] as const) {
        const a = new Agent(app);
        assert.equal((await a.post('/signin', { login: username, password: PASSWORD }, '/signin')).statusCode, 303);
        walkers[who] = a;
      }
    });
    after(async () => {
      await app?.close();
      await database?.drop();
    });

    test('every GET route, every candidate, as visitor, member and employee', { timeout: 180_000 }, async (t) => {
      const db = database.db;
      const routes = app.routeTable.filter((r) => r.method === 'GET');
      assert.ok(routes.length > 30, `the route table lists the GET routes (found ${routes.length})`);
      for (const must of ['/t/:id/reply', '/p/:id/edit', '/t/:slug/:id', '/api/v1/topics/:id', '/kb/:slug', '/u/:username/private', '/attachments/:id/:name']) {
        assert.ok(routes.some((r) => r.url === must), `${must} is in the route table`);
      }

      // Candidates for parameters, from what is in the database.
      const ids = (rows: { id: number }[]) => rows.map((r) => Number(r.id));
      const numbers = new Set<number>([
        ...ids(await db.selectFrom('topics').select('id').execute()),
        ...ids(await db.selectFrom('posts').select('id').execute()),
        ...ids(await db.selectFrom('attachments').select('id').execute()),
        ...ids(await db.selectFrom('held_drafts').select('id').execute()),
        ...ids(await db.selectFrom('articles').select('id').execute()),
        ...ids(await db.selectFrom('boards').select('id').execute()),
        ...ids(await db.selectFrom('users').select('id').execute()),
        1, 2, 3,
      ]);
      const strings = new Set<string>([
        ...(await db.selectFrom('boards').select('slug').execute()).map((r) => r.slug),
        ...(await db.selectFrom('articles').select('slug').execute()).map((r) => r.slug),
        ...(await db.selectFrom('users').select('username').execute()).map((r) => r.username),
        ...(await db.selectFrom('attachments').select('filename').execute()).map((r) => r.filename),
      ]);
      const tags = (await db.selectFrom('topic_tags').select('tag').distinct().execute()).map((r) => r.tag);
      const queryValues = (spec: RegisteredRoute['query'][string]): string[] => {
        if (spec.enum) return spec.enum.map(String);
        if (spec.type === 'integer' || spec.type === 'number') return ['1', '2', '3', '4', '5'];
        if (spec.type === 'boolean') return ['true', 'false'];
        return [...tags, ...strings];
      };

      const failures: string[] = [];
      let requests = 0;
      const seen: Record<Walker, Set<string>> = { visitor: new Set(), member: new Set(), employee: new Set() };
      const check = (who: Walker, url: string, res: LightMyRequestResponse, echoed: string[]) => {
        const location = String(res.headers.location ?? '');
        const shown = res.statusCode >= 200 && res.statusCode < 300 ? res.body : '';
        // What the request itself carried (a slug, a user name) may be echoed back; that is no leak.
        let text = `${shown}\n${location}`.toLowerCase();
        for (const e of echoed) text = text.split(e.toLowerCase()).join('').split(encodeURIComponent(e).toLowerCase()).join('');
        for (const [marker, hiddenFrom] of Object.entries(MARKERS)) {
          if (hiddenFrom.includes(who) && text.includes(marker.toLowerCase())) failures.push(`${who} GET ${url} → ${res.statusCode} shows ${marker}`);
        }
      };
      const visit = async (who: Walker, url: string, echoed: string[], hops = 0, stream = false): Promise<void> => {
        if (seen[who].has(url)) return;
        seen[who].add(url);
        requests++;
        // An endless response (server-sent events) is read for its status and first moments only.
        const res = (stream ? await walkers[who]!.getStreamStart(url) : await walkers[who]!.get(url)) as LightMyRequestResponse;
        if (res.statusCode >= 500) failures.push(`${who} GET ${url} → ${res.statusCode}`);
        check(who, url, res, echoed);
        // Follow redirects within the site (a topic's short address leads to its page).
        const location = res.headers.location;
        if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string' && location.startsWith('/') && hops < 3) {
          await visit(who, location.split('#')[0]!, echoed, hops + 1);
        }
      };

      const started = Date.now();
      let urls = 0;
      for (const route of routes) {
        if (route.url.includes('*')) continue; // static files (/assets/*, /avatars/*): no database content
        const params = [...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
        const intParams = new Set(Object.entries(route.params).filter(([, s]) => s.type === 'integer' || s.type === 'number').map(([k]) => k));
        const valuesFor = (p: string) => (intParams.has(p) ? [...numbers].map(String) : route.params[p]?.type === 'string' ? [...strings] : [...strings, ...[...numbers].map(String)]);
        let fills: Record<string, string>[] = [{}];
        for (const p of params) fills = fills.flatMap((f) => valuesFor(p).map((v) => ({ ...f, [p]: v })));
        for (const fill of fills) {
          // Fastify's parametric segments may be followed by a suffix (/sitemap-topics-:n.xml).
          const path = route.url.replace(/:([A-Za-z0-9_]+)/g, (_, p: string) => encodeURIComponent(fill[p]!));
          const echoed = Object.values(fill).filter((v) => !/^\d+$/.test(v));
          const variants: [string, string[]][] = [[path, echoed]];
          for (const [name, spec] of Object.entries(route.query)) {
            for (const v of queryValues(spec)) variants.push([`${path}?${name}=${encodeURIComponent(v)}`, /^\d+$/.test(v) ? echoed : [...echoed, v]]);
          }
          for (const [url, echo] of variants) {
            urls++;
            for (const who of ['visitor', 'member', 'employee'] as const) await visit(who, url, echo, 0, route.stream);
          }
        }
      }
      const seconds = (Date.now() - started) / 1000;
      t.diagnostic(`${routes.length} GET routes, ${urls} addresses, ${requests} requests in ${seconds.toFixed(1)} s`);
      assert.deepEqual(failures.slice(0, 50), [], `${failures.length} leaks or errors`);

      // The walk reached the hidden things' addresses and saw them refused (a walk that never
      // reached them would prove nothing): the quote page of the staff topic, its edit page.
      const staffTopic = await db.selectFrom('topics').select('id').where('title', 'like', 'Zqstafftitle%').executeTakeFirstOrThrow();
      assert.ok(seen.member.has(`/t/${staffTopic.id}/reply?quote=1`), 'the walk asked for the staff topic quoted');
    });

    test('a post or topic the caller may not read is not there (404), not "not allowed" (403)', async () => {
      const db = database.db;
      const topicOf = async (title: string) => (await db.selectFrom('topics').select('id').where('title', 'like', `${title}%`).executeTakeFirstOrThrow()).id;
      const postOf = async (topicId: number, n: number) => (await db.selectFrom('posts').select('id').where('topic_id', '=', topicId).where('post_number', '=', n).executeTakeFirstOrThrow()).id;
      const staff = await topicOf('Zqstafftitle');
      const deleted = await topicOf('Zqdeltitle');
      const pub = await topicOf('Router keeps');
      const deletedReply = (await db.selectFrom('posts').select('id').where('topic_id', '=', pub).where('deleted_at', 'is not', null).executeTakeFirstOrThrow()).id;
      for (const who of ['member', 'employee'] as const) {
        const a = walkers[who]!;
        for (const url of [`/p/${await postOf(staff, 1)}/edit`, `/p/${await postOf(staff, 2)}/edit`, `/p/${await postOf(deleted, 1)}/edit`, `/p/${deletedReply}/edit`,
          `/p/${await postOf(staff, 1)}/revisions`, `/p/${deletedReply}/revisions`, `/t/${staff}/reply`, `/t/${staff}/reply?quote=1`, `/t/${deleted}/reply?quote=2`]) {
          assert.equal((await a.get(url)).statusCode, 404, `${who} GET ${url}`);
        }
        // Saving an edit to an invisible post: 404 too, and nothing changes.
        const staffPost = await postOf(staff, 1);
        const before = await db.selectFrom('posts').select('body_markdown').where('id', '=', staffPost).executeTakeFirstOrThrow();
        assert.equal((await a.post(`/p/${staffPost}/edit`, { body: 'Overwritten by a member', reason: '' }, '/settings')).statusCode, 404, `${who} POST edit`);
        assert.deepEqual(await db.selectFrom('posts').select('body_markdown').where('id', '=', staffPost).executeTakeFirstOrThrow(), before);
        // Writes to what they cannot read: 404 as well, nothing shown, nothing changed.
        const staffReply = await postOf(staff, 2);
        const writes: [string, Record<string, string>][] = [
          [`/t/${staff}/replies`, { body: 'A reply into the staff room' }],
          [`/t/${staff}/replies`, { body: 'A draft for the team', askTeam: '1' }],
          [`/t/${deleted}/replies`, { body: 'A reply into a deleted topic' }],
          [`/p/${staffReply}/delete`, {}],
          [`/p/${deletedReply}/delete`, {}],
          [`/p/${staffReply}/kudos`, {}],
          [`/p/${staffReply}/kudos`, { undo: '1' }],
          [`/p/${staffReply}/accept`, {}],
          [`/t/${staff}/moderate`, { action: 'lock' }],
        ];
        const countRows = async () => [
          Number((await db.selectFrom('posts').select((eb) => eb.fn.countAll().as('n')).where('deleted_at', 'is', null).executeTakeFirstOrThrow()).n),
          Number((await db.selectFrom('held_drafts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
          Number((await db.selectFrom('kudos').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
          JSON.stringify(await db.selectFrom('topics').select(['locked', 'solved_post_id']).where('id', '=', staff).executeTakeFirstOrThrow()),
        ];
        const rowsBefore = await countRows();
        for (const [url, form] of writes) {
          const res = await a.post(url, form, '/settings');
          assert.equal(res.statusCode, 404, `${who} POST ${url} ${JSON.stringify(form)}`);
          for (const marker of Object.keys(MARKERS)) assert.ok(!res.body.toLowerCase().includes(marker.toLowerCase()), `${who} POST ${url} shows ${marker}`);
        }
        assert.deepEqual(await countRows(), rowsBefore, `${who}: nothing was written`);
        // A post they can read but not edit stays a 403 (it is there; they may not change it).
        assert.equal((await a.get(`/p/${await postOf(pub, 1)}/edit`)).statusCode, 403, `${who} edits someone else's visible post`);
      }
      // Visitors are asked to sign in first, as for any form.
      assert.equal((await walkers.visitor!.get(`/t/${staff}/reply?quote=1`)).statusCode, 401);
    });

    test('the markers are really there for those allowed to read them (the walk can see a leak)', async () => {
      const mia = new Agent(app);
      assert.equal((await mia.post('/signin', { login: 'mod_mia', password: PASSWORD }, '/signin')).statusCode, 303);
      const staffTopic = await database.db.selectFrom('topics').select('id').where('title', 'like', 'Zqstafftitle%').executeTakeFirstOrThrow();
      const quote = await mia.get(`/t/${staffTopic.id}/reply?quote=1`);
      assert.equal(quote.statusCode, 200);
      assert.match(quote.body, /zqstaffbody/);
      const members = await walkers.member!.get('/b/lounge');
      assert.match(members.body, /Zqmemberstitle/);
    });
  });
}
