// Stored XSS over public payload lists (issue 17, point 11): every distinct payload of
// test/fixtures/xss/public (1,051, from SecLists and PayloadsAllTheThings, see its README) is
// stored through the real use cases as a post body, a topic title, a display name and a bio,
// then every page that shows them is opened in headless Chromium WITH JavaScript and with the
// Content-Security-Policy bypassed (so the sanitiser and the templates' escaping must hold on
// their own). An execution is any trapped alert/confirm/prompt/print, document.title or
// window.__x write, "XSSFIRED" console line, dialog, page error, popup, navigation, frame, or
// request to another host. Each page's markup is also checked statically (no on* attribute,
// no script other than ours, no javascript:/data: URL in post bodies).
//
// Payloads are batched: a topic page carries 20 bodies by 20 authors (their display names) and
// one title; the other titles each get a small topic; profiles carry a name and a bio. Pages
// are opened several at a time.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { createBoard } from '../../src/community/create-board.ts';
import { createReply } from '../../src/community/create-reply.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { updateProfile } from '../../src/accounts/update-profile.ts';
import { POSTS_PER_PAGE } from '../../src/community/show-topic.ts';
import { LIMITS } from '../../src/publish/pipeline.ts';
import { UserError } from '../../src/shared/errors.ts';
import { nowIso } from '../../src/shared/clock.ts';
import { viewHelpers } from '../../src/web/view-helpers.ts';
import type { Actor } from '../../src/policy/policy.ts';
import type { Role } from '../../src/db/schema.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { makeUser } from '../helpers/fixtures.ts';
import { testServer } from '../helpers/server.ts';
import { launchBrowser } from '../helpers/browser.ts';

const LISTS = ['seclists-XSS-OFJAAAH.txt', 'payloadsallthethings-IntrudersXSS.txt'];
const payloads = [...new Set(LISTS.flatMap((f) => readFileSync(new URL(`../fixtures/xss/public/${f}`, import.meta.url), 'utf8').split('\n')).map((l) => l.trim()).filter(Boolean))];
const PARALLEL_PAGES = 6;
const DISPLAY_NAME_MAX = 60;
const BIO_MAX = 2000;

/** A payload shaped to a field's length limits: cut to the maximum, padded to the minimum (the
 * hostile part stays whole at the start). */
const fit = (p: string, min: number, max: number) => (p.length > max ? p.slice(0, max) : p.length < min ? `${p} xss-field` : p);

type Field = 'body' | 'title' | 'displayName' | 'bio';
const stored: Record<Field, number> = { body: 0, title: 0, displayName: 0, bio: 0 };
const refused: Record<Field, string[]> = { body: [], title: [], displayName: [], bio: [] };

let browser: Browser | null;
let database: TestDatabase;
let app: FastifyInstance;
let base: string;
const topicPages: string[] = [];
const profilePages: string[] = [];
let controlUrl = '';

before(async () => {
  browser = await launchBrowser();
  if (!browser) return;
  database = await testDatabaseKinds()[0]!.open();
  const db = database.db;
  await createBoard(db, null, { name: 'Public payloads', slug: 'xss-public', description: 'SecLists and PayloadsAllTheThings' });
  const writer = await makeUser(db, [], 'xss_writer');
  const { password_hash } = await db.selectFrom('users').select('password_hash').where('id', '=', writer.id).executeTakeFirstOrThrow();

  // One author per payload, made in bulk (hashing 1,051 passwords would take minutes); their
  // display name and bio then go through the real use case, with its validation and guard.
  const at = nowIso();
  const authors: Actor[] = [];
  for (let i = 0; i < payloads.length; i += 200) {
    const rows = payloads.slice(i, i + 200).map((_, j) => {
      const username = `xss_author_${i + j}`;
      return { username, username_lower: username, email: `${username}@example.com`, email_lower: `${username}@example.com`, email_verified_at: at, display_name: username, password_hash, bio: '', created_at: at, deleted_at: null };
    });
    const ids = await db.insertInto('users').values(rows).returning('id').execute();
    await db.insertInto('user_roles').values(ids.map(({ id }) => ({ user_id: id, role: 'member' as Role, granted_at: at, granted_by: null }))).execute();
    authors.push(...ids.map(({ id }) => ({ id, roles: new Set<Role>(['member']) })));
  }
  for (const [i, p] of payloads.entries()) {
    // The payload as the name; if refused (e.g. as too like another member's name), the payload
    // with a number after it; then a plain name, so that the bio is still stored.
    const names = [fit(p, 1, DISPLAY_NAME_MAX), `${fit(p, 1, DISPLAY_NAME_MAX - 7)} #${i}`, `xss author ${i}`];
    for (const [k, displayName] of names.entries()) {
      try {
        await updateProfile(db, authors[i]!, { displayName, bio: fit(p, 0, BIO_MAX) }, 'NL');
        if (k < 2) stored.displayName++;
        stored.bio++;
        profilePages.push(viewHelpers.userUrl(`xss_author_${i}`));
        break;
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        // A refused display name or bio is safe by definition; it is counted, not rendered.
        if (err.field === 'bio') {
          refused.bio.push(`${err.message}: ${JSON.stringify(p).slice(0, 80)}`);
          break;
        }
        if (k === 1) refused.displayName.push(`${err.message}: ${JSON.stringify(p).slice(0, 80)}`);
      }
    }
  }

  // Bodies, 20 to a topic page, each by the author whose display name is that payload; every
  // topic's title is a payload too (the first topics' titles, then one small topic per title).
  let nextTitle = 0;
  const newTopic = async (author: Actor, body: string): Promise<{ id: number; slug: string } | null> => {
    while (nextTitle < payloads.length) {
      const title = fit(payloads[nextTitle++]!, LIMITS.titleMin, LIMITS.titleMax);
      try {
        const t = await createTopic(db, author, { boardSlug: 'xss-public', kind: 'discussion', title, body });
        stored.title++;
        stored.body += body === 'Title carrier.' ? 0 : 1;
        return t;
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        if (err.field !== 'title') return null; // the body was refused: counted by the caller
        refused.title.push(`${err.message}: ${JSON.stringify(title).slice(0, 80)}`);
      }
    }
    return createTopic(db, writer, { boardSlug: 'xss-public', kind: 'discussion', title: `Spare topic ${topicPages.length}`, body }).then((t) => { stored.body++; return t; });
  };
  for (let i = 0; i < payloads.length; i += POSTS_PER_PAGE) {
    let topic: { id: number; slug: string } | null = null;
    for (let j = i; j < Math.min(i + POSTS_PER_PAGE, payloads.length); j++) {
      const body = payloads[j]!;
      try {
        if (!topic) {
          topic = await newTopic(authors[j]!, body);
          if (!topic) refused.body.push(JSON.stringify(body).slice(0, 80));
        } else {
          await createReply(db, authors[j]!, { topicId: topic.id, body });
          stored.body++;
        }
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        refused.body.push(`${err.message}: ${JSON.stringify(body).slice(0, 80)}`);
      }
    }
    if (topic) topicPages.push(viewHelpers.topicUrl(topic));
  }
  while (nextTitle < payloads.length) {
    const t = await newTopic(writer, 'Title carrier.');
    if (t) topicPages.push(viewHelpers.topicUrl(t));
  }

  // The control: unsanitised HTML written straight into the database must be caught.
  const control = await createTopic(db, writer, { boardSlug: 'xss-public', kind: 'discussion', title: 'Detector control', body: 'replaced below' });
  await db.updateTable('posts').set({ body_html: `<p><img src="x" onerror="alert('control')"></p><p><a href="javascript:alert(1)">x</a></p>` }).where('id', '=', control.postId).execute();
  controlUrl = viewHelpers.topicUrl(control);

  app = await testServer(database);
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await browser?.close();
  await app?.close();
  await database?.drop();
});

/** Runs in every frame before any page script: traps the sinks the payloads use. */
const TRAPS = `(() => {
  const hit = (what) => {
    try { (window.__xss = window.__xss || []).push(String(what)); } catch {}
    try { console.log('XSSFIRED ' + what); } catch {}
  };
  window.__xss = [];
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    window[name] = (...args) => { hit(name + '(' + args.join(',') + ')'); return null; };
  }
  const title = Object.getOwnPropertyDescriptor(Document.prototype, 'title');
  Object.defineProperty(Document.prototype, 'title', {
    configurable: true,
    get() { return title.get.call(this); },
    set(v) { hit('document.title=' + v); title.set.call(this, v); },
  });
})();`;

/** Dangerous markup in the given elements (post bodies) and anywhere in the page. Runs in the page. */
function inspectMarkup(roots: Element[]): string[] {
  const bad: string[] = [];
  const forbidden = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'style', 'link', 'form', 'input', 'button', 'textarea', 'select',
    'base', 'meta', 'svg', 'math', 'template', 'noscript', 'video', 'audio', 'source', 'picture', 'details', 'marquee', 'xmp', 'title', 'image', 'use', 'animate', 'set']);
  const urlAttrs = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'codebase', 'cite']);
  for (const root of roots) {
    const where = root.closest('article')?.id ?? 'body';
    for (const el of root.querySelectorAll('*')) {
      const tag = el.tagName.toLowerCase();
      if (forbidden.has(tag)) bad.push(`${where}: <${tag}>`);
      for (const a of el.attributes) {
        const name = a.name.toLowerCase();
        if (name === 'style' || name === 'srcdoc' || name === 'srcset') bad.push(`${where}: <${tag} ${name}>`);
        if (urlAttrs.has(name)) {
          let protocol: string;
          try { protocol = new URL(a.value, document.baseURI).protocol; } catch { protocol = 'unparseable'; }
          if (!['http:', 'https:', 'mailto:'].includes(protocol)) bad.push(`${where}: <${tag} ${name}="${a.value}">`);
        }
      }
    }
  }
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) if (a.name.toLowerCase().startsWith('on')) bad.push(`page: <${el.tagName.toLowerCase()} ${a.name}>`);
  }
  for (const s of document.querySelectorAll('script')) if (!['/assets/composer.js', '/assets/live.js', '/assets/post-tools.js'].includes(s.getAttribute('src') ?? '')) bad.push(`page: <script> ${s.outerHTML.slice(0, 80)}`);
  for (const m of document.querySelectorAll('meta[http-equiv], base')) bad.push(`page: ${m.outerHTML}`);
  return bad;
}

/** Opens the URLs PARALLEL_PAGES at a time in one context and returns every problem seen. */
async function visitAll(context: BrowserContext, paths: string[]): Promise<{ problems: string[]; executions: number; visited: number }> {
  const problems: string[] = [];
  let executions = 0;
  let visited = 0;
  const origin = new URL(base).origin;
  await context.addInitScript(TRAPS);
  const current = new Map<Page, string>();
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === origin) return route.continue();
    executions++;
    problems.push(`request to another host: ${url.href} (from ${current.get(route.request().frame().page()) ?? '?'})`);
    return route.abort();
  });
  const queue = [...paths];
  const worker = async () => {
    const page = await context.newPage();
    const where = () => current.get(page) ?? '?';
    page.on('dialog', (d) => { executions++; problems.push(`dialog ${d.type()}: ${d.message()} (on ${where()})`); void d.dismiss().catch(() => {}); });
    page.on('console', (m) => { if (m.text().includes('XSSFIRED')) problems.push(`console: ${m.text()} (on ${where()})`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message} (on ${where()})`));
    page.on('popup', (p) => { executions++; problems.push(`popup: ${p.url()} (on ${where()})`); });
    page.on('framenavigated', (f) => {
      if (f !== page.mainFrame()) { executions++; problems.push(`a frame loaded ${f.url()} (on ${where()})`); } else if (f.url() !== `${base}${where()}`) { executions++; problems.push(`navigated to ${f.url()} (from ${where()})`); }
    });
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      current.set(page, path);
      const res = await page.goto(`${base}${path}`, { waitUntil: 'load' });
      if (res?.status() !== 200) problems.push(`${path}: HTTP ${res?.status()}`);
      await page.waitForTimeout(150); // timers, autofocus, image errors
      const seen = await page.evaluate(() => {
        const w = window as unknown as { __xss?: string[]; __x?: unknown };
        return { xss: w.__xss ?? ['traps missing'], x: w.__x, frames: window.frames.length };
      });
      for (const s of seen.xss) { executions++; problems.push(`executed: ${s} (on ${path})`); }
      if (seen.x !== undefined) { executions++; problems.push(`window.__x was set (on ${path})`); }
      if (seen.frames) problems.push(`${seen.frames} frame(s) (on ${path})`);
      for (const f of await page.locator('article.post .post-body, .bio').evaluateAll(inspectMarkup)) problems.push(`${path}: ${f}`);
      visited++;
    }
    await page.close();
  };
  await Promise.all(Array.from({ length: PARALLEL_PAGES }, worker));
  return { problems, executions, visited };
}

test('1,000+ public payloads in bodies, titles, display names and bios execute nothing in Chromium', { timeout: 900_000 }, async (t) => {
  if (!browser) return t.skip('Chromium is not installed (set CI=true to make this a failure)');
  assert.ok(payloads.length >= 1000, `${payloads.length} distinct payloads`);
  t.diagnostic(`payloads: ${payloads.length}; stored: ${JSON.stringify(stored)}; refused: ${JSON.stringify(Object.fromEntries(Object.entries(refused).map(([k, v]) => [k, v.length])))}`);
  // Refusals are safe, but the test must still render at least 1,000 payloads in every field.
  for (const field of Object.keys(stored) as Field[]) assert.ok(stored[field] >= 1000, `${field}: ${stored[field]} stored; refused e.g. ${refused[field].slice(0, 5).join(' | ')}`);

  const started = Date.now();
  const context = await browser.newContext({ javaScriptEnabled: true, bypassCSP: true });
  try {
    const boardPages = Math.ceil((topicPages.length + 1) / 30);
    const lists = ['/', ...Array.from({ length: boardPages }, (_, i) => viewHelpers.boardUrl('xss-public', i + 1))];
    const { problems, executions, visited } = await visitAll(context, [...topicPages, ...profilePages, ...lists]);
    t.diagnostic(`${visited} pages (${topicPages.length} topics, ${profilePages.length} profiles, ${lists.length} lists) in ${((Date.now() - started) / 1000).toFixed(0)} s; executions: ${executions}`);
    assert.equal(executions, 0, problems.slice(0, 30).join('\n'));
    assert.deepEqual(problems.slice(0, 30), []);
  } finally {
    await context.close();
  }

  // The detectors notice an execution and unsafe markup (a test that cannot fail proves nothing).
  const control = await browser.newContext({ javaScriptEnabled: true, bypassCSP: true });
  try {
    const { problems, executions } = await visitAll(control, [controlUrl]);
    assert.ok(executions >= 1, 'the control post executed and was counted');
    assert.ok(problems.some((p) => p.includes('executed: alert(control)')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('javascript:alert(1)')), problems.join('\n'));
  } finally {
    await control.close();
  }
});
