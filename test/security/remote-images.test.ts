// Remote images (issue 17, point 10): an image from another host in a post would make every
// reader's browser call that host, which learns who reads what and when. By default such images
// become links and the CSP allows images from this site only; ALLOW_REMOTE_IMAGES=true shows them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { renderMarkdown } from '../../src/shared/markdown.ts';
import { loadConfig } from '../../src/config.ts';
import { createBoard } from '../../src/community/create-board.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';

const PASSWORD = 'correct horse battery staple';
const imgTags = (html: string) => [...html.matchAll(/<img\b[^>]*>/gi)].map((m) => m[0]);

test('Markdown: remote images become links unless allowed; the site\'s own images stay images', () => {
  const own = { ownOrigin: 'https://community.example' };
  const source = [
    '![router lights](https://tracker.example/pixel.png)',
    '![](https://tracker.example/no-alt.png)',
    '![proto](//tracker.example/proto.png)',
    '![caps](HTTPS://tracker.example/caps.png)',
    // A backslash is percent-encoded by the parser (%5C…): a relative address on this site, no host.
    '![back](\\\\tracker.example/back.png)',
    '![plain](http://tracker.example/plain.png)',
    '[![in a link](https://tracker.example/nested.png)](https://example.org/page)',
    '| t |\n|---|\n| ![cell](https://tracker.example/cell.png) |',
    '![logo](/assets/logo.svg) ![abs](https://community.example/avatars/a.webp)',
  ].join('\n\n');
  const html = renderMarkdown(source, undefined, own);
  assert.deepEqual(imgTags(html), ['<img src="%5Ctracker.example/back.png" alt="back" />', '<img src="/assets/logo.svg" alt="logo" />', '<img src="https://community.example/avatars/a.webp" alt="abs" />'], 'only this site\'s images are images');
  assert.match(html, /<a href="https:\/\/tracker.example\/pixel.png" class="remote-image" rel="nofollow ugc noopener">Image: router lights<\/a>/);
  assert.match(html, /<a href="https:\/\/tracker.example\/no-alt.png"[^>]*>Image: https:\/\/tracker.example\/no-alt.png<\/a>/, 'no alt text: the address');
  assert.match(html, /<a href="https:\/\/example.org\/page" rel="nofollow ugc noopener">Image: in a link<\/a>/, 'inside a link: its text only, no nested link');
  assert.match(html, /<td><a href="https:\/\/tracker.example\/cell.png"/);
  // The default (no options at all, e.g. text written by the CLI) is just as safe.
  assert.deepEqual(imgTags(renderMarkdown('![a](https://tracker.example/x.png)')), []);

  const allowed = renderMarkdown(source, undefined, { ...own, remoteImages: true });
  assert.ok(imgTags(allowed).includes('<img src="https://tracker.example/pixel.png" alt="router lights" />'), 'allowed: shown inline');
  assert.ok(imgTags(allowed).every((t) => !/src="(http:|\/\/|\\)/.test(t)), 'allowed still means https only');
});

test('ALLOW_REMOTE_IMAGES is off by default and reads true/false', () => {
  assert.equal(loadConfig({}).ALLOW_REMOTE_IMAGES, false);
  assert.equal(loadConfig({ ALLOW_REMOTE_IMAGES: 'true' }).ALLOW_REMOTE_IMAGES, true);
  assert.throws(() => loadConfig({ ALLOW_REMOTE_IMAGES: 'maybe' }), /ALLOW_REMOTE_IMAGES/);
});

for (const kind of testDatabaseKinds()) {
  describe(`remote images in posts, pages and CSP on ${kind.name}`, () => {
    let database: TestDatabase;
    before(async () => {
      database = await kind.open();
      await createBoard(database.db, null, { name: 'Home Internet', slug: 'home-internet' });
      await makeUser(database.db, [], 'poster_pat');
    });
    after(async () => database.drop());

    const postWithImage = async (app: FastifyInstance, title: string) => {
      const a = new Agent(app);
      assert.equal((await a.post('/signin', { login: 'poster_pat', password: PASSWORD }, '/signin')).statusCode, 303);
      const res = await a.post('/b/home-internet/topics', { kind: 'discussion', title, body: 'Look: ![my router](https://images.example/router.jpg)' }, '/b/home-internet/new');
      assert.equal(res.statusCode, 303);
      const page = await app.inject({ url: res.headers.location as string });
      assert.equal(page.statusCode, 200);
      const preview = await a.post('/preview', { body: '![p](https://images.example/p.png)' }, '/b/home-internet/new');
      return { page, preview: preview.statusCode === 200 ? (JSON.parse(preview.body) as { html: string }).html : preview.body, csp: String(page.headers['content-security-policy']) };
    };

    test('by default: a link on the page and in the preview, and CSP img-src without https:', async () => {
      const app = await testServer(database);
      try {
        const { page, preview, csp } = await postWithImage(app, 'Default remote image handling');
        assert.doesNotMatch(page.body, /<img[^>]+images\.example/);
        assert.match(page.body, /<a href="https:\/\/images.example\/router.jpg" class="remote-image" rel="nofollow ugc noopener">Image: my router<\/a>/);
        assert.doesNotMatch(preview, /<img/);
        const imgSrc = /img-src ([^;]*)/.exec(csp)?.[1];
        assert.equal(imgSrc, "'self' data:");
      } finally {
        await app.close();
      }
    });

    test('ALLOW_REMOTE_IMAGES=true: the image is shown, and CSP allows https: images', async () => {
      const app = await testServer(database, { ALLOW_REMOTE_IMAGES: 'true' });
      try {
        const { page, preview, csp } = await postWithImage(app, 'Allowed remote image handling');
        assert.match(page.body, /<img src="https:\/\/images.example\/router.jpg" alt="my router" \/>/);
        assert.match(preview, /<img src="https:\/\/images.example\/p.png"/);
        assert.equal(/img-src ([^;]*)/.exec(csp)?.[1], "'self' data: https:");
      } finally {
        await app.close();
      }
    });
  });
}
