// Bad input at every door (issue 17, point 6), on SQLite and PostgreSQL: every form and API
// field gets a NUL, a lone surrogate, a C1 control, an RTL override and a 1 MB string, and every
// GET route gets %00 in each path parameter and in the query. The routes come from Fastify's own
// route table, the form fields from the forms on the pages and the API fields from the OpenAPI
// description, so a new route or field is covered without editing this test. Expected: never a
// 500; NUL, surrogates and controls a 400 with a message; anything refused stores nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { createBoard } from '../../src/community/create-board.ts';
import { createTopic } from '../../src/community/create-topic.ts';
import { createArticle } from '../../src/knowledge/create-article.ts';
import { createApiToken } from '../../src/api/tokens/create-token.ts';
import { testDatabaseKinds, type TestDatabase } from '../helpers/databases.ts';
import { testServer } from '../helpers/server.ts';
import { Agent, csrfToken } from '../helpers/browserless-agent.ts';
import { makeUser } from '../helpers/fixtures.ts';

const PASSWORD = 'correct horse battery staple';
const MB = 'x'.repeat(1_000_000);
/** Values that must be refused wherever they appear (400 with a message). */
const REFUSED: Record<string, string> = {
  nul: 'a\u0000b',
  'C1 control': 'a\u0085b',
  'escape char': 'a\u001bb',
};
/** An attachment's text may hold a trace of controls (ESC in a coloured log), as an uploaded file may: NUL and lone
 * surrogates are refused there by the attachment check, with 415 "not a text file" naming the file. */
const ATTACHMENT_TEXT = /^(attachments\.\d+\.content|kept_text)$/;
const mustRefuse = (label: string, field: string) => label === 'nul' || label === 'lone surrogate' || (label in REFUSED && !ATTACHMENT_TEXT.test(field));
const refusedClearly = (res: LightMyRequestResponse, field: string) =>
  ATTACHMENT_TEXT.test(field) ? [400, 415].includes(res.statusCode) && /not allowed|not a text file/.test(messageOf(res)) : res.statusCode === 400 && /not allowed|not valid/.test(messageOf(res));
/** JSON can carry a lone surrogate (as \ud800); a form cannot (UTF-8 encoding makes it U+FFFD), so forms get the raw bytes, which arrive as U+FFFD. */
const LONE_SURROGATE = 'a\ud800b';
/** Values that may be accepted by some fields (bodies keep bidi text; many fields ignore length) but never 500. */
const TOLERATED: Record<string, string> = {
  'RTL override': 'Tom \u202eroderatoM\u202c',
  '1 MB string': MB,
};

/** Tables whose rows are what people wrote; a refused request must leave their counts alone. */
const CONTENT_TABLES = ['users', 'user_roles', 'boards', 'topics', 'posts', 'post_revisions', 'kudos', 'topic_tags', 'articles', 'article_versions', 'attachments', 'held_drafts', 'masked_originals', 'api_tokens', 'email_tokens', 'guard_documents', 'user_identities', 'guideline_versions', 'guideline_acks', 'settings'];

/** Forms that would end the test's session or take the admin's rights if they succeeded: only the refused values go there. */
const ENDS_SESSION = /^\/(signout|settings\/delete|settings\/password|settings\/email|settings\/tokens\/:id\/revoke|admin\/users\/:username\/roles)$/;

interface Route { method: string; path: string }

/** Fastify's route table, read from printRoutes() (a tree: each line adds to its parent's path). */
export function routeTable(app: FastifyInstance): Route[] {
  const out: Route[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)(?:[├└]── )?(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line.replace(/\s+$/, ''));
    if (!m || !m[2]) continue;
    const depth = Math.floor(m[1]!.length / 4);
    stack.length = depth;
    const full = (stack[depth - 1] ?? '') + m[2];
    stack[depth] = full;
    for (const method of (m[3] ?? '').split(', ').filter(Boolean)) out.push({ method, path: full.replace(/\/{2,}/g, '/') });
  }
  return out;
}

/** The forms on a page: action, method, enctype and the names of their fields. */
function formsOn(html: string): Array<{ action: string; multipart: boolean; fields: string[] }> {
  const forms: Array<{ action: string; multipart: boolean; fields: string[] }> = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = m[1]!;
    if (!/method="post"/i.test(attrs)) continue;
    const action = (/action="([^"]*)"/.exec(attrs)?.[1] ?? '').replace(/&amp;/g, '&');
    const fields = [...new Set([...m[2]!.matchAll(/<(?:input|textarea|select)\b[^>]*\bname="([^"]+)"[^>]*>/g)].filter((f) => !/type="file"/.test(f[0])).map((f) => f[1]!).filter((n) => n !== '_csrf'))];
    forms.push({ action, multipart: /multipart\/form-data/.test(attrs), fields });
  }
  return forms;
}

function messageOf(res: LightMyRequestResponse): string {
  try {
    return String((JSON.parse(res.body) as { message?: unknown }).message ?? '');
  } catch {
    return /<main[\s\S]*?<\/main>/.exec(res.body)?.[0].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() ?? res.body.slice(0, 300);
  }
}

for (const kind of testDatabaseKinds()) {
  describe(`bad input at every route on ${kind.name}`, () => {
    let database: TestDatabase;
    let app: FastifyInstance;
    let admin: Agent;
    let csrf = '';
    let bearer = '';
    let ids = { topic: 0, post: 0, board: '', article: '', username: '' };
    let routes: Route[] = [];

    const counts = async (): Promise<Record<string, number>> => {
      const query = CONTENT_TABLES.map((t) => `select '${t}' as t, count(*) as n from ${t}`).join(' union all ');
      const rows = (await sql<{ t: string; n: number | string }>`${sql.raw(query)}`.execute(database.db)).rows;
      return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
    };

    /** A route path with its parameters filled with existing things (or `override` for one of them). */
    const fill = (path: string, override?: { name: string; value: string }) =>
      path.replace(/:(\w+)(?:\|:\w+)*|\*/g, (whole, name: string | undefined) => {
        const key = name ?? '*';
        if (override && override.name === key) return override.value;
        if (whole.includes('|') || key === 'topicId') return String(ids.topic); // /t/:slug|:id: the topic's id
        if (key === 'n') return '1';
        if (key === 'id') return /\/(p|posts|attachments)\//.test(path) ? String(ids.post) : String(ids.topic);
        if (key === 'slug') return /\/(kb|articles)\b/.test(path) ? ids.article : ids.board;
        if (key === 'username') return ids.username;
        if (key === 'name') return 'notes.txt';
        return 'style.css';
      });

    before(async () => {
      database = await kind.open();
      app = await testServer(database);
      const boss = await makeUser(database.db, ['admin', 'community_manager', 'moderator', 'employee'], 'boss_bea');
      ids.username = boss.username;
      const board = await createBoard(database.db, null, { name: 'Probe Board', slug: 'probe-board' });
      ids.board = board.slug;
      const topic = await createTopic(database.db, boss, { boardSlug: board.slug, kind: 'question', title: 'A topic to probe', body: 'Some text to reply to.', attachments: [{ name: 'notes.txt', text: 'a note' }] });
      ids.topic = topic.id;
      ids.post = topic.postId;
      ids.article = (await createArticle(database.db, boss, { title: 'An article to probe', body: 'Article text.' })).slug;
      bearer = (await createApiToken(database.db, boss, { name: 'probe' })).token;
      admin = new Agent(app);
      assert.equal((await admin.post('/signin', { login: boss.username, password: PASSWORD }, '/signin')).statusCode, 303);
      csrf = csrfToken((await admin.get('/settings')).body);
      routes = routeTable(app);
    });
    after(async () => {
      await app?.close();
      await database?.drop();
    });

    test('the route table is read (so that new routes are walked without editing this test)', () => {
      const has = (method: string, path: string) => routes.some((r) => r.method === method && r.path === path);
      assert.ok(has('GET', '/u/:username'), JSON.stringify(routes.slice(0, 20)));
      assert.ok(has('POST', '/signin'));
      assert.ok(has('PATCH', '/api/v1/posts/:id'));
      assert.ok(routes.filter((r) => r.method === 'POST').length >= 30, `only ${routes.length} routes found`);
    });

    test('%00 in any path parameter or in the query of any GET route: 400 with a message', async () => {
      const failures: string[] = [];
      let tried = 0;
      for (const r of routes.filter((x) => x.method === 'GET')) {
        const params = [...r.path.matchAll(/:(\w+)(?:\|:\w+)*|\*/g)].map((m) => m[1] ?? '*');
        const urls = [`${fill(r.path)}?q=a%00b&tag=a%00b&page=1%00`, ...params.map((p) => fill(r.path, { name: p, value: 'a%00b' }))];
        for (const url of urls) {
          tried++;
          const res = await admin.get(url);
          if (res.statusCode !== 400 || !/not allowed|not valid/i.test(messageOf(res))) failures.push(`GET ${url} → ${res.statusCode} ${messageOf(res).slice(0, 120)}`);
        }
      }
      assert.ok(tried > 40, `only ${tried} GET requests`);
      assert.deepEqual(failures, []);
    });

    test('every form field: NUL, surrogates and controls are refused with 400; RTL overrides and 1 MB never cause a 500 or a half-written record', async () => {
      // The forms as the pages show them to someone who may use them all.
      const pages = ['/signin', '/signup', '/forgot', '/settings', `/b/${ids.board}/new`, `/t/${ids.topic}/reply`, `/p/${ids.post}/edit`, `/t/${ids.topic}/x`,
        '/admin/boards', `/admin/boards/${ids.board}/edit`, `/admin/users/${ids.username}`, '/admin/guard', '/kb/new', `/kb/${ids.article}/edit`, '/guidelines', '/guidelines/edit', '/queue', '/held'];
      const known = new Map<string, { multipart: boolean; fields: Set<string> }>();
      for (const page of pages) {
        const res = await admin.get(page);
        if (res.statusCode !== 200) continue;
        for (const f of formsOn(res.body)) {
          const path = f.action.split('?')[0]!;
          const entry = known.get(path) ?? { multipart: f.multipart, fields: new Set<string>() };
          f.fields.forEach((n) => entry.fields.add(n));
          known.set(path, entry);
        }
      }
      assert.ok(known.size >= 8, `forms found: ${[...known.keys()].join(', ')}`);
      // Every non-API write route from the route table, with the fields its form has (or common names).
      const common = ['title', 'body', 'name', 'username', 'display_name', 'email', 'login', 'password', 'tags', 'reason', 'q'];
      const failures: string[] = [];
      let tried = 0;
      let stored = await counts();
      for (const r of routes.filter((x) => x.method === 'POST' && !x.path.startsWith('/api/'))) {
        const path = fill(r.path);
        const form = known.get(path);
        // A multipart form is read by its route alone (the avatar: one image), so only its own fields go there.
        const fields = [...new Set([...(form?.fields ?? []), ...(form?.multipart ? [] : common)])];
        const baseline = Object.fromEntries(fields.map((f) => [f, f === 'password' ? PASSWORD : 'probe value']));
        for (const field of fields) {
          for (const [label, value] of Object.entries(ENDS_SESSION.test(r.path) ? REFUSED : { ...REFUSED, 'lone surrogate': LONE_SURROGATE, ...TOLERATED })) {
            const payload = { ...baseline, [field]: value, _csrf: csrf };
            const res = form?.multipart ? await admin.postMultipart(path, payload) : await admin.post(path, payload);
            tried++;
            const where = `POST ${path} ${field}=${label} → ${res.statusCode} ${messageOf(res).slice(0, 100)}`;
            if (res.statusCode >= 500) failures.push(where);
            else if (label in REFUSED && mustRefuse(label, field) && !refusedClearly(res, field)) failures.push(where);
            const now = await counts();
            if (res.statusCode >= 400 && JSON.stringify(now) !== JSON.stringify(stored)) failures.push(`${where}: refused but stored ${JSON.stringify(now)} vs ${JSON.stringify(stored)}`);
            stored = now;
          }
        }
      }
      assert.ok(tried > 200, `only ${tried} form posts`);
      assert.deepEqual(failures, []);
      // The signed-in session survives all that (sign-out was not hit by a bad value and is still valid).
      assert.equal((await admin.get('/settings')).statusCode, 200);
    });

    test('bidi controls: refused in titles (they reorder a label), kept in bodies (right-to-left text needs them)', async () => {
      const post = (title: string, body: string) =>
        app.inject({ method: 'POST', url: `/api/v1/boards/${ids.board}/topics`, headers: { authorization: `Bearer ${bearer}` }, payload: { kind: 'discussion', title, body } });
      const refused = await post('Invoice \u202egnp.exe\u202c question', 'Plain body.');
      assert.equal(refused.statusCode, 400);
      assert.match(refused.json().message, /Title may not contain right-to-left or left-to-right override/);
      const blank = await post('\u200b\u200b\u200b\u200b\u200b\u200b', 'Plain body.');
      assert.equal(blank.statusCode, 400);
      const body = 'The Hebrew word \u2067שלום\u2069 and \u202bمرحبا\u202c, quoted.';
      const kept = await post('Greetings in other scripts', body);
      assert.equal(kept.statusCode, 201, kept.body.slice(0, 200));
      const row = await database.db.selectFrom('posts').select('body_markdown').where('topic_id', '=', Number(String(kept.headers.location).split('/').pop())).executeTakeFirstOrThrow();
      assert.equal(row.body_markdown, body);
    });

    test('every API write field (from the OpenAPI description): the same, as JSON with a bearer token', async () => {
      const spec = JSON.parse((await app.inject({ url: '/api/openapi.json' })).body) as { components?: { schemas?: Record<string, Schema> }; paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>> };
      type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[]; format?: string; $ref?: string };
      const sample = (s: Schema | undefined, depth = 0): unknown => {
        if (!s || depth > 8) return 'probe value';
        if (s.$ref) return sample(spec.components?.schemas?.[s.$ref.split('/').at(-1)!], depth + 1);
        if (s.enum) return s.enum[0];
        if (s.type === 'integer' || s.type === 'number') return 1;
        if (s.type === 'boolean') return false;
        if (s.type === 'array') return [sample(s.items, depth + 1)];
        if (s.type === 'object' || s.properties) return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(v, depth + 1)]));
        return s.format === 'email' ? 'probe@example.com' : 'probe value';
      };
      // Each string in the sample body, reachable by a path of keys: the bad value goes to one at a time.
      const stringPaths = (v: unknown, path: (string | number)[] = []): (string | number)[][] =>
        typeof v === 'string' ? [path] : Array.isArray(v) ? v.flatMap((x, i) => stringPaths(x, [...path, i])) : v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => stringPaths(x, [...path, k])) : [];
      const setAt = (obj: unknown, path: (string | number)[], value: string): unknown => {
        const copy = structuredClone(obj) as Record<string | number, unknown>;
        let at = copy;
        for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
        at[path.at(-1)!] = value;
        return copy;
      };
      const failures: string[] = [];
      let tried = 0;
      let stored = await counts();
      for (const [openPath, ops] of Object.entries(spec.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          if (!['post', 'put', 'patch'].includes(method)) continue;
          const schema = op.requestBody?.content?.['application/json']?.schema;
          const base = schema ? sample(schema) : {};
          const url = fill(openPath.replace(/\{(\w+)\}/g, ':$1'));
          for (const p of stringPaths(base)) {
            for (const [label, value] of Object.entries({ ...REFUSED, 'lone surrogate': LONE_SURROGATE, ...TOLERATED })) {
              const res = await app.inject({ method: method.toUpperCase() as 'POST', url, payload: setAt(base, p, value) as object, headers: { authorization: `Bearer ${bearer}` } });
              tried++;
              const where = `${method.toUpperCase()} ${url} ${p.join('.')}=${label} → ${res.statusCode} ${messageOf(res).slice(0, 100)}`;
              if (res.statusCode >= 500) failures.push(where);
              else if (mustRefuse(label, p.join('.')) && !refusedClearly(res, p.join('.'))) failures.push(where);
              const now = await counts();
              if (res.statusCode >= 400 && JSON.stringify(now) !== JSON.stringify(stored)) failures.push(`${where}: refused but stored`);
              stored = now;
            }
          }
        }
      }
      assert.ok(tried > 60, `only ${tried} API writes`);
      assert.deepEqual(failures, []);
    });
  });
}
