// Knowledge-base use cases on a real database (SQLite, and PostgreSQL when configured).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { acceptAnswer } from '../../src/community/accept-answer.ts';
import { createBoard } from '../../src/community/create-board.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { showTopic } from '../../src/community/show-topic.ts';
import type { DB } from '../../src/db/schema.ts';
import { createArticle } from '../../src/knowledge/create-article.ts';
import { createArticleFromTopic } from '../../src/knowledge/create-article-from-topic.ts';
import { editArticle } from '../../src/knowledge/edit-article.ts';
import { listArticles } from '../../src/knowledge/list-articles.ts';
import { publishArticle } from '../../src/knowledge/publish-article.ts';
import { showArticle } from '../../src/knowledge/show-article.ts';
import { showArticleVersion } from '../../src/knowledge/show-article-version.ts';
import type { Actor } from '../../src/policy/policy.ts';
import type { UserError } from '../../src/shared/errors.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';

const status = (code: number, message?: RegExp) => (e: UserError) => e.status === code && (!message || message.test(e.message));

async function counts(db: Kysely<DB>) {
  const a = await db.selectFrom('articles').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  const v = await db.selectFrom('article_versions').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return { articles: Number(a.n), versions: Number(v.n) };
}

/** A question with an accepted answer (or not), in the given board. */
async function question(db: Kysely<DB>, asker: Actor, helper: Actor, board: string, title: string, solved = true) {
  const t = await createTopic(db, asker, { boardSlug: board, kind: 'question', title, body: `My router **blinks red** since the update.\n\n(${title})` });
  const r = await createReply(db, helper, { topicId: t.id, body: 'Hold the reset button for *30 seconds*, then wait for the green light.' });
  if (solved) await acceptAnswer(db, asker, r.id);
  return t;
}

for (const kind of testDatabaseKinds()) {
  describe(`knowledge base on ${kind.name}`, () => {
    let database: TestDatabase;
    let db: Kysely<DB>;
    let asker: Actor, helper: Actor, member: Actor, employee: Actor, moderator: Actor, manager: Actor, admin: Actor;
    before(async () => {
      database = await kind.open();
      db = database.db;
      [asker, helper, member, employee, moderator, manager, admin] = await Promise.all([
        makeUser(db), makeUser(db), makeUser(db), makeUser(db, ['employee']), makeUser(db, ['moderator']), makeUser(db, ['community_manager']), makeUser(db, ['admin']),
      ]);
      await createBoard(db, null, { name: 'Help', slug: 'help' });
      await createBoard(db, null, { name: 'Team room', slug: 'team', visibility: 'staff' });
    });
    after(() => database.drop());

    test('a community manager writes a draft; only community managers and admins may', async () => {
      const a = await createArticle(db, manager, { title: '  How to   reset your router ', body: 'Hold **reset** for 30 seconds.\r\n', note: 'first draft' });
      assert.equal(a.slug, 'how-to-reset-your-router');
      const row = await db.selectFrom('articles').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
      assert.equal(row.status, 'draft');
      assert.equal(row.title, 'How to reset your router');
      assert.equal(row.current_version, 1);
      assert.equal(row.published_at, null);
      const v = await db.selectFrom('article_versions').selectAll().where('article_id', '=', a.id).executeTakeFirstOrThrow();
      assert.equal(v.body_markdown, 'Hold **reset** for 30 seconds.');
      assert.match(v.body_html, /<strong>reset<\/strong>/);
      assert.equal(v.author_id, manager.id);
      assert.equal(v.note, 'first draft');
      assert.match(v.created_at, /^\d{4}-\d\d-\d\dT/);

      const same = await createArticle(db, admin, { title: 'How to reset your router', body: 'Another take.' });
      assert.equal(same.slug, 'how-to-reset-your-router-2');
      assert.equal((await createArticle(db, manager, { title: 'New!!', body: 'Reserved address.' })).slug, 'new-2', '/kb/new is the form, not an article');

      const before = await counts(db);
      for (const who of [member, employee, moderator]) {
        await assert.rejects(createArticle(db, who, { title: 'Not allowed here', body: 'Nope.' }), status(403));
      }
      assert.deepEqual(await counts(db), before);
    });

    test('bad input is refused with a clear message and writes nothing', async () => {
      const before = await counts(db);
      const bad: [Parameters<typeof createArticle>[2], number, RegExp, string][] = [
        [{ title: '', body: 'Body text' }, 400, /Title must be at least 5/, 'title'],
        [{ title: '    ', body: 'Body text' }, 400, /Title must be at least 5/, 'title'],
        [{ title: 'x'.repeat(151), body: 'Body text' }, 400, /at most 150/, 'title'],
        [{ title: 'A good title', body: '  ' }, 400, /empty/, 'body'],
        [{ title: 'A good title', body: 'y'.repeat(50_001) }, 413, /at most 50000/, 'body'],
        [{ title: 'A good title', body: 'Body text', note: 'n'.repeat(201) }, 400, /note must be at most 200/, 'note'],
      ];
      for (const [input, code, message, field] of bad) {
        await assert.rejects(createArticle(db, manager, input), (e: UserError) => e.status === code && message.test(e.message) && e.field === field, JSON.stringify(input).slice(0, 60));
      }
      const { slug } = await createArticle(db, manager, { title: 'Edited with bad input', body: 'Fine body.' });
      await assert.rejects(editArticle(db, manager, { slug, title: 'Edited with bad input', body: '' }), status(400));
      await assert.rejects(editArticle(db, manager, { slug, title: 'Edited with bad input', body: 'z'.repeat(50_001) }), status(413));
      await assert.rejects(editArticle(db, manager, { slug, title: 'Tiny', body: 'Fine body.' }), status(400, /Title/));
      await assert.rejects(editArticle(db, manager, { slug: 'no-such-article', title: 'Whatever title', body: 'Fine body.' }), status(404));
      await assert.rejects(publishArticle(db, manager, 'no-such-article'), status(404));
      await assert.rejects(showArticle(db, manager, 'no-such-article'), status(404));
      const after = await counts(db);
      assert.deepEqual(after, { articles: before.articles + 1, versions: before.versions + 1 });
    });

    test('drafts are invisible to members and visitors; editing and publishing need the role', async () => {
      const { slug } = await createArticle(db, manager, { title: 'Draft about fibre', body: 'Work in progress.' });
      for (const who of [null, member, employee, moderator]) {
        await assert.rejects(showArticle(db, who, slug), status(404));
        await assert.rejects(showArticleVersion(db, who, slug, 1), status(404));
        assert.ok(!(await listArticles(db, who)).articles.some((a) => a.slug === slug));
      }
      // A draft is not there at all for a member (404); a published article refuses edits (403).
      await assert.rejects(editArticle(db, member, { slug, title: 'Draft about fibre', body: 'Changed.' }), status(404));
      await assert.rejects(publishArticle(db, member, slug), status(404));
      const cmList = await listArticles(db, manager);
      assert.ok(cmList.canCreate);
      assert.equal(cmList.articles.find((a) => a.slug === slug)?.status, 'draft');
      assert.equal(cmList.articles[0]!.status, 'draft', 'drafts are listed first for the team');

      assert.deepEqual(await publishArticle(db, manager, slug), { slug, published: true });
      assert.deepEqual(await publishArticle(db, manager, slug), { slug, published: false }, 'publishing twice is harmless');
      const seen = await showArticle(db, null, slug);
      assert.equal(seen.article.status, 'published');
      assert.match(seen.article.published_at!, /^\d{4}-/);
      assert.equal(seen.canEdit, false);
      assert.ok((await listArticles(db, null)).articles.some((a) => a.slug === slug));
      assert.ok(!(await listArticles(db, member)).canCreate);
      const before = await counts(db);
      await assert.rejects(editArticle(db, member, { slug, title: 'Draft about fibre', body: 'Vandalism.' }), status(403));
      await assert.rejects(editArticle(db, employee, { slug, title: 'Draft about fibre', body: 'Vandalism.' }), status(403));
      await assert.rejects(editArticle(db, moderator, { slug, title: 'Draft about fibre', body: 'Vandalism.' }), status(403));
      assert.deepEqual(await counts(db), before);
    });

    test('every save is a new version with its note; readers open the published ones, with who and when', async () => {
      const { slug } = await createArticle(db, manager, { title: 'Setting up voicemail', body: 'Draft with a customer name: Jan Jansen.', at: '2026-01-01T10:00:00.000Z' });
      const v2 = await editArticle(db, manager, { slug, title: 'Setting up voicemail', body: 'Dial 1233 and follow the steps.', note: 'removed the customer name', baseVersion: 1, at: '2026-01-02T10:00:00.000Z' });
      assert.equal(v2.version, 2);
      assert.equal((await editArticle(db, manager, { slug, title: 'Setting up voicemail', body: 'Dial 1233 and follow the steps.' })).version, 2, 'saving the same text adds no version');
      await publishArticle(db, manager, slug, '2026-01-03T10:00:00.000Z');
      const v3 = await editArticle(db, admin, { slug, title: 'Setting up your voicemail', body: 'Dial **1233** and follow the steps.', note: 'bold number', baseVersion: 2, at: '2026-01-04T10:00:00.000Z' });
      assert.equal(v3.version, 3);

      // Someone else saved meanwhile: the stale save is refused and nothing is written.
      const before = await counts(db);
      await assert.rejects(editArticle(db, manager, { slug, title: 'Setting up voicemail', body: 'My stale copy.', baseVersion: 2 }), status(409, /newer version/));
      assert.deepEqual(await counts(db), before);

      const page = await showArticle(db, member, slug);
      assert.equal(page.version.version, 3);
      assert.equal(page.version.title, 'Setting up your voicemail');
      assert.equal(page.article.title, 'Setting up your voicemail');
      assert.match(page.version.body_html, /<strong>1233<\/strong>/);
      assert.deepEqual(page.versions.map((v) => v.version), [3, 2], 'the draft before publication stays private');
      assert.ok(page.versions.every((v) => v.note === ''), 'edit notes are for the team');
      assert.equal(page.versions[0]!.author_id, admin.id);

      const old = await showArticleVersion(db, null, slug, 2);
      assert.equal(old.isCurrent, false);
      assert.equal(old.version.title, 'Setting up voicemail');
      assert.equal(old.version.author_id, manager.id);
      assert.equal(old.version.created_at, '2026-01-02T10:00:00.000Z');
      await assert.rejects(showArticleVersion(db, member, slug, 1), status(404));
      await assert.rejects(showArticleVersion(db, null, slug, 4), status(404));

      const team = await showArticle(db, manager, slug);
      assert.deepEqual(team.versions.map((v) => [v.version, v.note]), [[3, 'bold number'], [2, 'removed the customer name'], [1, '']]);
      assert.match((await showArticleVersion(db, manager, slug, 1)).version.body_html, /Jan Jansen/);
    });

    test('a solved question becomes a prefilled draft in one action, once; the thread and article link each other', async () => {
      const t = await question(db, asker, helper, 'help', 'Router blinks red after update');
      const before = await counts(db);
      await assert.rejects(createArticleFromTopic(db, member, t.id), status(403));
      await assert.rejects(createArticleFromTopic(db, moderator, t.id), status(403));
      await assert.rejects(createArticleFromTopic(db, manager, 987_654), status(404));
      assert.deepEqual(await counts(db), before);
      assert.equal((await showTopic(db, manager, t.id, 1)).canMakeArticle, true);
      assert.equal((await showTopic(db, member, t.id, 1)).canMakeArticle, false);

      const a = await createArticleFromTopic(db, manager, t.id);
      const draft = await showArticle(db, manager, a.slug);
      assert.equal(draft.article.status, 'draft');
      assert.equal(draft.article.source_topic_id, t.id);
      assert.equal(draft.version.title, 'Router blinks red after update');
      assert.match(draft.version.body_markdown, /My router \*\*blinks red\*\* since the update[\s\S]*## Answer[\s\S]*Hold the reset button for \*30 seconds\*/);
      assert.match(draft.version.body_html, /<h2>Answer<\/h2>/);
      assert.match(draft.version.body_html, new RegExp(`Answered by <a href="/u/${(helper as Actor & { username: string }).username}"[^>]*>`), 'the answer is credited');
      assert.deepEqual(draft.source, { id: t.id, slug: t.slug, title: 'Router blinks red after update' });

      // Until it is published the thread shows the draft to the team only.
      assert.equal((await showTopic(db, member, t.id, 1)).article, null);
      assert.deepEqual((await showTopic(db, manager, t.id, 1)).article, { slug: a.slug, title: 'Router blinks red after update', status: 'draft' });
      assert.equal((await showTopic(db, manager, t.id, 1)).canMakeArticle, false);

      const again = await counts(db);
      await assert.rejects(createArticleFromTopic(db, admin, t.id), (e: UserError & { existing?: { slug: string } }) => e.status === 409 && e.existing?.slug === a.slug && e.message.includes(`/kb/${a.slug}`));
      assert.deepEqual(await counts(db), again);

      await publishArticle(db, manager, a.slug);
      assert.deepEqual((await showTopic(db, null, t.id, 1)).article, { slug: a.slug, title: 'Router blinks red after update', status: 'published' });
      assert.deepEqual((await showArticle(db, null, a.slug)).source, { id: t.id, slug: t.slug, title: 'Router blinks red after update' });
    });

    test('discussions, unsolved questions and hidden threads are refused, writing nothing', async () => {
      const discussion = await createTopic(db, asker, { boardSlug: 'help', kind: 'discussion', title: 'Your favourite router?', body: 'Tell us.' });
      const unsolved = await question(db, asker, helper, 'help', 'Still waiting for an answer', false);
      const before = await counts(db);
      await assert.rejects(createArticleFromTopic(db, manager, discussion.id), status(400, /discussion/));
      await assert.rejects(createArticleFromTopic(db, manager, unsolved.id), status(400, /no accepted answer/));
      assert.equal((await showTopic(db, manager, unsolved.id, 1)).canMakeArticle, false);
      assert.equal((await showTopic(db, manager, discussion.id, 1)).canMakeArticle, false);
      assert.deepEqual(await counts(db), before);

      // A staff-only thread can become an article, but readers do not get a link they cannot open.
      const staffOnly = await question(db, moderator, manager, 'team', 'Internal: resetting a locked account');
      await assert.rejects(createArticleFromTopic(db, member, staffOnly.id), status(404));
      const a = await createArticleFromTopic(db, manager, staffOnly.id);
      await publishArticle(db, manager, a.slug);
      assert.equal((await showArticle(db, null, a.slug)).source, null);
      assert.equal((await showArticle(db, moderator, a.slug)).source?.id, staffOnly.id);
    });
  });
}
