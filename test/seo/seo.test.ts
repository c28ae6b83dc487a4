// Search-engine features on the seeded demo community: schema.org microdata on topic pages (read
// by an independent microdata parser; user text stays text in it), meta/Open Graph tags, rel prev/next, robots.txt, the
// sitemap and the Atom feeds. Well-formedness is checked by a real XML parser: Chromium's
// DOMParser (no XML parser is installed in node_modules); without Chromium those checks skip
// locally and fail in CI, like the other browser tests.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { seedDemo } from '../../src/seed/seed-demo.ts';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { acceptAnswer } from '../../src/community/accept-answer.ts';
import { escapeXml } from '../../src/seo/xml.ts';
import { htmlToPlainText, truncate } from '../../src/seo/plain-text.ts';
import { items, microdataItems, one, onlyItem, text, values } from '../helpers/microdata.ts';
import { boardUrls, sitemapRoot, topicUrls, SITEMAP_CHUNK } from '../../src/seo/sitemap.ts';
import { createArticle } from '../../src/knowledge/create-article.ts';
import { publishArticle } from '../../src/knowledge/publish-article.ts';
import { unpublishArticle } from '../../src/knowledge/unpublish-article.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { launchBrowser } from '../helpers/browser.ts';

const SITE = 'https://community.example';

let browser: Browser | null = null;
let page: Page | null = null;
before(async () => {
  browser = await launchBrowser();
  page = browser ? await (await browser.newContext({ javaScriptEnabled: true })).newPage() : null;
});
after(async () => {
  await browser?.close();
});

interface ParsedXml {
  root: string;
  ns: string | null;
  /** Text of every element with this local name, in document order. */
  texts: Record<string, string[]>;
  /** Attributes of every <link> element (Atom). */
  links: Record<string, string>[];
  counts: Record<string, number>;
}

/** Parses with Chromium's strict XML parser; fails the test on any well-formedness error. */
async function parseXml(t: TestContext, xml: string, names: string[] = []): Promise<ParsedXml | null> {
  if (!page) {
    t.skip('Chromium is not installed (set CI=true to make this a failure)');
    return null;
  }
  const result = await page.evaluate(
    ({ xml, names }) => {
      const doc = new DOMParser().parseFromString(xml, 'application/xml');
      const error = doc.getElementsByTagName('parsererror')[0];
      if (error) return { error: error.textContent ?? 'parse error' };
      const texts: Record<string, string[]> = {};
      const counts: Record<string, number> = {};
      for (const n of names) {
        const els = [...doc.getElementsByTagNameNS('*', n)];
        texts[n] = els.map((e) => e.textContent ?? '');
        counts[n] = els.length;
      }
      const links = [...doc.getElementsByTagNameNS('*', 'link')].map((e) => Object.fromEntries([...e.attributes].map((a) => [a.name, a.value])));
      return { root: doc.documentElement.localName, ns: doc.documentElement.namespaceURI, texts, counts, links };
    },
    { xml, names },
  );
  if ('error' in result) assert.fail(`not well-formed XML: ${result.error}\n${xml.slice(0, 500)}`);
  return result as ParsedXml;
}

const head = (html: string) => html.slice(0, html.indexOf('</head>'));

describe('XML escape and plain text (unit)', () => {
  test('escapeXml escapes the five XML specials, in text and attributes', () => {
    assert.equal(escapeXml(`<a href="x">Tom & Jerry's</a>`), '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;');
    assert.equal(escapeXml('&amp;'), '&amp;amp;'); // no "already escaped" guessing
    assert.equal(escapeXml(42), '42');
    assert.equal(escapeXml('plain — ünïcode 😀'), 'plain — ünïcode 😀');
  });

  test('escapeXml drops characters XML 1.0 cannot carry and keeps tab and line breaks', () => {
    assert.equal(escapeXml('a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg\uFFFEh\uFFFFi'), 'abcdefghi');
    assert.equal(escapeXml('a\tb\nc\rd'), 'a\tb\nc\rd');
    assert.equal(escapeXml('lone \uD83D high, lone \uDE00 low, pair \uD83D\uDE00'), 'lone  high, lone  low, pair 😀');
  });

  test('escaped text round-trips through a strict XML parser', async (t) => {
    const nasty = `</x>]]><!-- & " ' \u0000 <![CDATA[ 😀 \uD800`;
    const parsed = await parseXml(t, `<r a="${escapeXml(nasty)}"><v>${escapeXml(nasty)}</v></r>`, ['v']);
    if (!parsed) return;
    assert.equal(parsed.texts.v![0], nasty.replace('\u0000', '').replace('\uD800', ''));
  });

  test('htmlToPlainText strips tags, decodes escapes and separates blocks; truncate cuts at a word', () => {
    assert.equal(htmlToPlainText('<p>Tom &amp; <strong>Jerry</strong> &lt;3</p><ul><li>one</li><li>two</li></ul><p>a<br>b</p>'), 'Tom & Jerry <3 one two a b');
    assert.equal(htmlToPlainText('<p>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>'), '</script><script>alert(1)</script>');
    assert.equal(truncate('short', 160), 'short');
    const long = 'word '.repeat(50).trim();
    const cut = truncate(long, 160);
    assert.ok([...cut].length <= 160, cut);
    assert.match(cut, /word…$/);
    const emoji = truncate('a'.repeat(8) + '😀😀😀', 10); // the cut falls inside the second emoji
    assert.equal(emoji, 'a'.repeat(8) + '…');
    assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(truncate('😀'.repeat(100), 160)), 'no lone high surrogate');
  });
});

for (const kind of testDatabaseKinds()) {
  describe(`search-engine pages on ${kind.name}, seeded demo community`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    before(async () => {
      database = await kind.open();
      await seedDemo(database.db);
      app = await testServer(database, { PUBLIC_URL: SITE });
    });
    after(async () => {
      await app.close();
      await database.drop();
    });

    const get = (url: string) => app.inject({ url });
    const pathOf = (loc: string) => {
      assert.ok(loc.startsWith(`${SITE}/`), `absolute URL on PUBLIC_URL: ${loc}`);
      return loc.slice(SITE.length);
    };

    test('a solved question is a QAPage in microdata, with the accepted answer, plus description and Open Graph tags', async () => {
      const topic = await database.db
        .selectFrom('topics')
        .innerJoin('posts', 'posts.id', 'topics.solved_post_id')
        .select(['topics.id', 'topics.slug', 'topics.title', 'topics.post_count', 'posts.post_number as answer_number', 'posts.id as answer_id'])
        .where('topics.kind', '=', 'question')
        .orderBy('topics.id')
        .executeTakeFirstOrThrow();
      // Kudos are the answer's upvotes.
      await database.db.updateTable('posts').set({ kudos_count: 3 }).where('id', '=', topic.answer_id).execute();
      const url = `/t/${topic.slug}/${topic.id}`;
      const res = await get(url);
      assert.equal(res.statusCode, 200);
      assert.doesNotMatch(res.body, /application\/ld\+json/); // the text is not repeated in a JSON copy
      const page = onlyItem(res.body, SITE + url, 'QAPage');
      const q = one(page, 'mainEntity', 'Question');
      assert.equal(text(q, 'name'), topic.title);
      assert.equal(text(q, 'url'), SITE + url);
      assert.equal(text(q, 'answerCount'), String(topic.post_count - 1));
      assert.ok(text(q, 'text').trim().length > 0, "the question's text");
      assert.match(text(q, 'dateCreated'), /^\d{4}-\d\d-\d\dT/);
      assert.equal(text(q, 'datePublished'), text(q, 'dateCreated'));
      const asker = one(q, 'author', 'Person');
      assert.ok(text(asker, 'name').length > 0);
      assert.match(text(asker, 'url'), new RegExp(`^${SITE}/u/`));
      const accepted = one(q, 'acceptedAnswer', 'Answer');
      assert.equal(text(accepted, 'upvoteCount'), '3');
      assert.ok(text(accepted, 'text').trim().length > 0);
      assert.equal(text(accepted, 'url'), `${SITE}${url}#post-${topic.answer_number}`);
      one(accepted, 'author', 'Person');
      // Every other reply on the page is a suggested answer; the accepted one is not listed twice.
      const suggested = items(q, 'suggestedAnswer', 'Answer');
      assert.equal(suggested.length + 1, Math.min(topic.post_count, 20) - 1);
      assert.ok(!suggested.some((a) => text(a, 'url') === text(accepted, 'url')));
      for (const a of suggested) {
        assert.match(text(a, 'url'), new RegExp(`^${SITE}${url}#post-\\d+$`));
        assert.match(text(a, 'upvoteCount'), /^\d+$/);
        one(a, 'author', 'Person');
      }

      const h = head(res.body);
      const description = /<meta name="description" content="([^"]*)">/.exec(h)?.[1];
      assert.ok(description && description.length <= 160 + 30, description); // + entity escapes
      assert.match(h, new RegExp(`<meta property="og:url" content="${SITE}${url}">`));
      assert.match(h, /<meta property="og:type" content="article">/);
      assert.match(h, /<meta property="og:title" content="[^"]+">/);
      assert.doesNotMatch(h, /rel="(prev|next)"/); // one page only
    });

    test('a discussion is a DiscussionForumPosting in microdata, with its replies as comments', async () => {
      const topic = await database.db
        .selectFrom('topics')
        .innerJoin('boards', 'boards.id', 'topics.board_id')
        .select(['topics.id', 'topics.slug', 'topics.title', 'topics.post_count'])
        .where('topics.kind', '=', 'discussion')
        .where('topics.post_count', '>', 1)
        .where('boards.visibility', '=', 'public')
        .orderBy('topics.id')
        .executeTakeFirstOrThrow();
      const url = `/t/${topic.slug}/${topic.id}`;
      // Edited replies carry dateModified.
      const edited = '2026-03-04T05:06:07.000Z';
      await database.db.updateTable('posts').set({ updated_at: edited }).where('topic_id', '=', topic.id).where('post_number', '=', 2).execute();
      const d = onlyItem((await get(url)).body, SITE + url, 'DiscussionForumPosting');
      assert.equal(text(d, 'headline'), topic.title);
      assert.equal(text(d, 'url'), SITE + url);
      assert.equal(text(d, 'mainEntityOfPage'), SITE + url);
      assert.equal(text(d, 'commentCount'), String(topic.post_count - 1));
      assert.match(text(d, 'datePublished'), /^\d{4}-/);
      assert.ok(text(one(d, 'author', 'Person'), 'name'));
      assert.ok(text(d, 'text').trim().length > 0);
      assert.deepEqual(values(d, 'upvoteCount'), []); // upvotes are for questions and answers
      const comments = items(d, 'comment', 'Comment');
      assert.equal(comments.length, Math.min(topic.post_count, 20) - 1);
      comments.forEach((c, i) => {
        assert.equal(text(c, 'url'), `${SITE}${url}#post-${i + 2}`);
        assert.ok(text(c, 'text').trim() && text(one(c, 'author', 'Person'), 'name') && text(c, 'datePublished'));
        assert.deepEqual(values(c, 'dateModified'), i === 0 ? [edited] : []);
      });
    });

    test('user text stays text in the microdata, and the page runs no script of its own', async () => {
      const evil = '</script><script>alert(1)</script>';
      const author = await makeUser(database.db);
      const t = await createTopic(database.db, author, { boardSlug: 'ideas', kind: 'question', title: `Title ${evil} "quoted" <span itemprop="name">x</span>`, body: `Body ${evil} <!-- & more <span itemprop="url">y</span>` });
      await createReply(database.db, await makeUser(database.db), { topicId: t.id, body: `Reply ${evil}` });
      const url = `/t/${t.slug}/${t.id}`;
      const res = await get(url);
      assert.equal(res.statusCode, 200);
      // Visitors get only first-party files on a topic page (copy link, live updates), no inline script.
      assert.deepEqual(res.body.match(/<script[^>]*>/gi), ['<script src="/assets/post-tools.js" defer>', '<script src="/assets/live.js" defer>']);
      const q = one(onlyItem(res.body, SITE + url, 'QAPage'), 'mainEntity', 'Question');
      assert.equal(text(q, 'name'), `Title ${evil} "quoted" <span itemprop="name">x</span>`);
      assert.equal(text(q, 'text').trim(), `Body ${evil} <!-- & more <span itemprop="url">y</span>`);
      assert.equal(text(q, 'url'), SITE + url); // the user's markup added no property
      assert.equal(text(one(q, 'suggestedAnswer', 'Answer'), 'text').trim(), `Reply ${evil}`);
    });

    test('deleted accounts and deleted posts leak neither names nor text', async () => {
      const asker = await makeUser(database.db, [], `asker_${kind.name}`);
      const answerer = await makeUser(database.db, [], `answerer_${kind.name}`);
      const t = await createTopic(database.db, asker, { boardSlug: 'ideas', kind: 'question', title: 'Who am I?', body: 'Question text here' });
      const secret = await createReply(database.db, answerer, { topicId: t.id, body: 'Secret answer text' });
      await createReply(database.db, answerer, { topicId: t.id, body: 'A visible reply' });
      await acceptAnswer(database.db, asker, secret.id);
      const now = new Date().toISOString();
      await database.db.updateTable('users').set({ deleted_at: now }).where('id', '=', asker.id).execute();
      await database.db.updateTable('posts').set({ deleted_at: now }).where('id', '=', secret.id).execute();
      const url = `/t/${t.slug}/${t.id}`;
      const res = await get(url);
      const q = one(onlyItem(res.body, SITE + url, 'QAPage'), 'mainEntity', 'Question');
      const asked = one(q, 'author', 'Person');
      assert.deepEqual(asked.properties, { name: ['deleted user'] });
      assert.deepEqual(values(q, 'acceptedAnswer'), []);
      assert.deepEqual(items(q, 'suggestedAnswer', 'Answer').map((a) => text(a, 'text').trim()), ['A visible reply']);
      const all = JSON.stringify(q);
      assert.ok(!all.includes(asker.username) && !all.includes('Secret answer text'), all);
      const h = head(res.body);
      assert.ok(!h.includes(asker.username) && !h.includes(asker.username.replace(/_/g, ' ')), 'asker name in head');
      assert.ok(!h.includes('Secret answer text'));
      assert.ok(!res.body.includes('Secret answer text'));
      const feed = (await get('/b/ideas/feed.atom')).body;
      assert.ok(!feed.includes(asker.username) && !feed.includes(asker.username.replace(/_/g, ' ')), 'asker name in feed');
      assert.match(feed, /<author><name>deleted user<\/name><\/author>/);
    });

    test('paginated topic and board pages link prev/next in <head>, and canonical keeps ?page=N', async () => {
      const author = await makeUser(database.db);
      await createBoard(database.db, null, { name: `Paged ${kind.name}`, slug: 'paged' });
      const t = await createTopic(database.db, author, { boardSlug: 'paged', kind: 'discussion', title: 'A long thread', body: 'Let us talk.' });
      for (let i = 2; i <= 45; i++) await createReply(database.db, author, { topicId: t.id, body: `Reply number ${i}` });
      for (let i = 0; i < 30; i++) await createTopic(database.db, author, { boardSlug: 'paged', kind: 'discussion', title: `Filler ${i}`, body: 'Filler.' });
      const base = `/t/${t.slug}/${t.id}`;
      const links = (html: string) => ({
        canonical: /<link rel="canonical" href="([^"]+)">/.exec(head(html))?.[1],
        prev: /<link rel="prev" href="([^"]+)">/.exec(head(html))?.[1],
        next: /<link rel="next" href="([^"]+)">/.exec(head(html))?.[1],
      });
      const p1 = (await get(base)).body;
      assert.deepEqual(links(p1), { canonical: SITE + base, prev: undefined, next: `${SITE}${base}?page=2` });
      const p2 = await get(`${base}?page=2`);
      assert.deepEqual(links(p2.body), { canonical: `${SITE}${base}?page=2`, prev: SITE + base, next: `${SITE}${base}?page=3` });
      assert.deepEqual(microdataItems(p2.body, `${SITE}${base}?page=2`), []); // structured data describes page 1, where the question is
      assert.match(head(p2.body), /<meta name="description" content="Reply number 21">/);
      assert.deepEqual(links((await get(`${base}?page=3`)).body), { canonical: `${SITE}${base}?page=3`, prev: `${SITE}${base}?page=2`, next: undefined });
      const wrongSlug = await get(`/t/old-slug/${t.id}?page=2`);
      assert.equal(wrongSlug.statusCode, 301);
      assert.equal(wrongSlug.headers.location, `${base}?page=2`);

      // A board's Next link starts after the page's last topic (a keyed page, constant cost at any depth).
      const b1 = links((await get('/b/paged')).body);
      assert.deepEqual({ ...b1, next: undefined }, { canonical: `${SITE}/b/paged`, prev: undefined, next: undefined });
      assert.match(b1.next!, new RegExp(`^${SITE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/b/paged\\?page=2&amp;after=[A-Za-z0-9_-]+$`));
      assert.deepEqual(links((await get('/b/paged?page=2')).body), { canonical: `${SITE}/b/paged?page=2`, prev: `${SITE}/b/paged`, next: undefined });
    });

    test('robots.txt allows all, keeps crawlers out of account pages and names the sitemap', async () => {
      const res = await get('/robots.txt');
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^text\/plain/);
      const lines = res.body.split('\n');
      assert.ok(lines.includes('User-agent: *'));
      for (const p of ['/settings', '/admin', '/signin', '/signup', '/password', '/auth']) assert.ok(lines.includes(`Disallow: ${p}`), p);
      assert.ok(!lines.includes('Disallow: /'));
      assert.ok(lines.includes(`Sitemap: ${SITE}/sitemap.xml`));
    });

    test('sitemap.xml is well-formed, lists home, public boards, published articles and public topics, and every URL answers 200', async (t) => {
      // The knowledge base: one published article, a draft, and one taken down again.
      const manager = await makeUser(database.db, ['community_manager']);
      const published = await createArticle(database.db, manager, { title: 'Setting up the fibre modem', body: 'Plug it in and wait for the **green** light.' });
      await publishArticle(database.db, manager, published.slug);
      const draft = await createArticle(database.db, manager, { title: 'Unreleased router notes', body: 'Not yet.' });
      const takenDown = await createArticle(database.db, manager, { title: 'Old modem firmware steps', body: 'Outdated.' });
      await publishArticle(database.db, manager, takenDown.slug);
      await unpublishArticle(database.db, manager, takenDown.slug, 'outdated');
      const deleted = await database.db
        .selectFrom('topics').innerJoin('boards', 'boards.id', 'topics.board_id')
        .select(['topics.id', 'topics.slug']).where('boards.visibility', '=', 'public').orderBy('topics.id', 'desc')
        .executeTakeFirstOrThrow();
      await database.db.updateTable('topics').set({ deleted_at: new Date().toISOString() }).where('id', '=', deleted.id).execute();
      const res = await get('/sitemap.xml');
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^application\/xml/);
      const xml = await parseXml(t, res.body, ['url', 'loc', 'lastmod']);
      if (!xml) return;
      assert.equal(xml.root, 'urlset');
      assert.equal(xml.ns, 'http://www.sitemaps.org/schemas/sitemap/0.9');
      const expected = await database.db
        .selectFrom('topics').innerJoin('boards', 'boards.id', 'topics.board_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('boards.visibility', '=', 'public').where('topics.deleted_at', 'is', null)
        .executeTakeFirstOrThrow();
      const boards = await database.db.selectFrom('boards').select('slug').where('visibility', '=', 'public').execute();
      assert.equal(xml.counts.url, 1 + boards.length + 2 + Number(expected.n), 'home, boards, /kb and one article, topics');
      assert.equal(xml.counts.lastmod, xml.counts.url);
      const staffTopics = await database.db
        .selectFrom('topics').innerJoin('boards', 'boards.id', 'topics.board_id')
        .select(['topics.id', 'topics.slug']).where('boards.visibility', '=', 'staff').execute();
      assert.ok(staffTopics.length > 0);
      const locs = xml.texts.loc!;
      for (const s of staffTopics) assert.ok(!locs.some((l) => l.endsWith(`/${s.slug}/${s.id}`)), `staff topic ${s.id} listed`);
      assert.ok(!locs.some((l) => l.includes('/b/staff-lounge')));
      assert.ok(!locs.includes(`${SITE}/t/${deleted.slug}/${deleted.id}`), 'deleted topic listed');
      assert.ok(locs.includes(`${SITE}/kb`) && locs.includes(`${SITE}/kb/${published.slug}`));
      assert.ok(!locs.includes(`${SITE}/kb/${draft.slug}`) && !locs.includes(`${SITE}/kb/${takenDown.slug}`), 'drafts and articles taken down are not listed');
      for (const loc of locs) assert.equal((await get(pathOf(loc))).statusCode, 200, loc);
      for (const m of xml.texts.lastmod!) assert.match(m, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

      assert.equal((await get('/sitemap-topics-1.xml')).statusCode, 200);
      assert.equal((await get('/sitemap-topics-99.xml')).statusCode, 404);
      assert.equal((await get('/sitemap-topics-0.xml')).statusCode, 400);
    });

    test('past one file of topics, sitemap.xml becomes an index of files that together list every public topic', async (t) => {
      const chunk = 7; // stands in for 50,000
      const index = await parseXml(t, await sitemapRoot(database.db, SITE, chunk), ['sitemap', 'loc']);
      if (!index) return;
      assert.equal(index.root, 'sitemapindex');
      const locs = index.texts.loc!;
      assert.equal(locs[0], `${SITE}/sitemap-boards.xml`);
      const files = locs.slice(1).map((l) => Number(/sitemap-topics-(\d+)\.xml$/.exec(l)![1]));
      assert.ok(files.length >= 2);
      const listed: string[] = [];
      for (const n of files) {
        const urls = await topicUrls(database.db, SITE, n, chunk);
        assert.ok(urls.length > 0 && urls.length <= chunk);
        listed.push(...urls.map((u) => u.loc));
      }
      const all = await topicUrls(database.db, SITE, 1, SITEMAP_CHUNK);
      assert.deepEqual(listed, all.map((u) => u.loc));
      // One file holds at most 50,000 URLs: home, boards and the knowledge base count too.
      const justFits = all.length + (await boardUrls(database.db, SITE)).length;
      const maxId = Number(/\/(\d+)$/.exec(all.at(-1)!.loc)![1]);
      assert.match(await sitemapRoot(database.db, SITE, Math.max(justFits, maxId)), /<urlset /);
      assert.match(await sitemapRoot(database.db, SITE, justFits - 1), /<sitemapindex /);
      const boardsFile = await parseXml(t, (await get('/sitemap-boards.xml')).body, ['url']);
      assert.equal(boardsFile?.root, 'urlset');
    });

    test('each public board has a well-formed Atom feed, linked from its page; other boards have none', async (t) => {
      const boardPage = (await get('/b/home-internet')).body;
      assert.match(head(boardPage), new RegExp(`<link rel="alternate" type="application/atom\\+xml" title="[^"]+" href="${SITE}/b/home-internet/feed.atom">`));
      const res = await get('/b/home-internet/feed.atom');
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^application\/atom\+xml/);
      const feed = await parseXml(t, res.body, ['entry', 'id', 'title', 'updated', 'published', 'author', 'name', 'content']);
      if (!feed) return;
      assert.equal(feed.root, 'feed');
      assert.equal(feed.ns, 'http://www.w3.org/2005/Atom');
      const topics = await database.db
        .selectFrom('topics').innerJoin('boards', 'boards.id', 'topics.board_id')
        .select(['topics.id', 'topics.title']).where('boards.slug', '=', 'home-internet').where('topics.deleted_at', 'is', null)
        .orderBy('topics.created_at', 'desc').orderBy('topics.id', 'desc').execute();
      const entries = feed.counts.entry!;
      assert.equal(entries, Math.min(30, topics.length));
      assert.ok(entries > 0);
      assert.equal(feed.counts.id, entries + 1); // feed id + one per entry
      assert.equal(feed.counts.updated, entries + 1);
      assert.equal(feed.counts.content, entries);
      assert.equal(feed.texts.title![1], topics[0]!.title); // newest first
      assert.match(feed.texts.content![0]!, /^<p>/); // HTML content, escaped once
      assert.ok(feed.links.some((l) => l.rel === 'self' && l.href === `${SITE}/b/home-internet/feed.atom`));
      for (const l of feed.links.filter((l) => l.rel === 'alternate')) assert.equal((await get(pathOf(l.href!))).statusCode, 200, l.href);

      await createBoard(database.db, null, { name: 'Members corner', slug: 'members-corner', visibility: 'members' });
      for (const url of ['/b/staff-lounge/feed.atom', '/b/members-corner/feed.atom', '/b/no-such-board/feed.atom']) {
        assert.equal((await get(url)).statusCode, 404, url);
      }
    });
  });
}

describe('anonymous cache', () => {
  test('serves cached sitemaps and feeds again with their own content type', async () => {
    const database = await testDatabaseKinds()[0]!.open();
    const app = await testServer(database, { ANON_CACHE_SECONDS: '60' });
    try {
      await seedDemo(database.db);
      for (const [url, type] of [['/sitemap.xml', /^application\/xml/], ['/b/ideas/feed.atom', /^application\/atom\+xml/], ['/robots.txt', /^text\/plain/]] as const) {
        const first = await app.inject({ url });
        await app.inject({ url }); // stored on the second visit
        const second = await app.inject({ url });
        assert.equal(second.headers['x-parley-cache'], 'hit', url);
        assert.match(first.headers['content-type'] as string, type);
        assert.match(second.headers['content-type'] as string, type);
        assert.equal(second.body, first.body);
      }
    } finally {
      await app.close();
      await database.drop();
    }
  });
});
