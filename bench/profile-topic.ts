// Where a rendered topic view's CPU goes: runs bench/serve-parley.ts (one process, cache off)
// under V8's sampling profiler while autocannon loads --sample random topic pages, then prints
// the functions with the most self time and a summary by package.
//
//   node --import tsx bench/profile-topic.ts --database file:./data/bench.db [--duration 10] [--top 40] [--signed-in]
// --signed-in: as the newest member (a session cookie made here), as bench/db-pages.ts's signed-in row.
// --search html|json: GET /search or GET /api/v1/search over bench/search.ts's queries instead.
import { fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import fastifyCookie from '@fastify/cookie';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/database.ts';
import { createSession, SESSION_COOKIE } from '../src/accounts/sessions.ts';
import { installationSecret } from '../src/accounts/installation-secret.ts';
import { searchQueries } from './search-queries.ts';

const { values } = parseArgs({
  options: {
    database: { type: 'string', default: 'file:./data/bench.db' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    sample: { type: 'string', default: '1000' },
    top: { type: 'string', default: '40' },
    path: { type: 'string' },
    'signed-in': { type: 'boolean', default: false },
    search: { type: 'string' },
  },
});

const database = await openDatabase(values.database!);
const topics = await database.db.selectFrom('topics').innerJoin('boards', 'boards.id', 'topics.board_id').select(['topics.id', 'topics.slug'])
  .where('boards.visibility', '=', 'public').where('topics.deleted_at', 'is', null).orderBy(sql`random()`).limit(Number(values.sample)).execute();
let headers: Record<string, string> = {};
if (values['signed-in']) {
  const member = await database.db.selectFrom('users').select('id').where('deleted_at', 'is', null).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
  const secret = await installationSecret(database.db, undefined);
  headers = { cookie: `${SESSION_COOKIE}=${fastifyCookie.sign((await createSession(database.db, member.id)).token, secret)}` };
}
const searches = values.search ? Object.values(await searchQueries(database.db)).flat() : [];
await database.close();
const searchBase = values.search === 'json' ? '/api/v1/search?q=' : '/search?q=';
const paths = values.path ? [values.path] : values.search ? searches.map((q) => searchBase + encodeURIComponent(q)) : topics.map((t) => `/t/${t.slug}/${t.id}`);

const dir = mkdtempSync(join(tmpdir(), 'parley-prof-'));
const child = fork(fileURLToPath(new URL('./serve-parley.ts', import.meta.url)), [], {
  execArgv: ['--import', 'tsx', '--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval', '200'],
  env: { ...process.env, DATABASE_URL: values.database, ANON_CACHE_SECONDS: '0' },
});
const port = await new Promise<number>((resolve) => child.on('message', (m: { port?: number }) => m.port && resolve(m.port)));
// A signed-in browser sends back the _csrf cookie its first page set (as bench/db-pages.ts's client
// does): without it every view would make a new CSRF secret and Set-Cookie.
if (headers.cookie) {
  const res = await fetch(`http://127.0.0.1:${port}${paths[0]}`, { headers });
  await res.arrayBuffer();
  const csrf = res.headers.getSetCookie().find((c) => c.startsWith('_csrf='))?.split(';')[0];
  if (csrf) headers = { cookie: `${headers.cookie}; ${csrf}` };
}
const load = (seconds: number) => {
  let i = 0;
  return new Promise<autocannon.Result>((resolve, reject) => {
    const inst = autocannon({
      url: `http://127.0.0.1:${port}`, connections: Number(values.connections), duration: seconds, headers,
      requests: [{ setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length] }) }],
    }, (err, r) => (err ? reject(err) : resolve(r)));
    void inst;
  });
};
await load(3);
const from = process.hrtime.bigint() / 1000n;
const r = await load(Number(values.duration));
const to = process.hrtime.bigint() / 1000n;
console.log(`${Math.round(r.requests.average)} req/s, p99 ${r.latency.p99} ms, ${r.non2xx} non-2xx`);
child.kill('SIGTERM');
await new Promise((resolve) => child.on('exit', resolve));
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error('no profile written');
interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; hitCount: number; children?: number[] }
const prof = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number };
// Count only the samples taken while the measured load ran (not start-up or warm-up).
const hitsOf = new Map<number, number>();
let t = prof.startTime;
prof.samples.forEach((id, i) => {
  t += prof.timeDeltas[i]!;
  if (t >= Number(from) && t <= Number(to)) hitsOf.set(id, (hitsOf.get(id) ?? 0) + 1);
});
for (const n of prof.nodes) n.hitCount = hitsOf.get(n.id) ?? 0;
const self = new Map<string, number>();
const byPkg = new Map<string, number>();
let total = 0;
for (const n of prof.nodes) {
  total += n.hitCount;
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(process.cwd(), '.');
  const key = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}:${n.callFrame.columnNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + n.hitCount);
  const pkg = url.includes('node_modules/') ? url.split('node_modules/').pop()!.split('/').slice(0, url.split('node_modules/').pop()!.startsWith('@') ? 2 : 1).join('/')
    : url.startsWith('./src') ? url.split('/').slice(0, 3).join('/') : url.startsWith('node:') ? 'node:' + url.slice(5).split('/')[0] : url ? url : n.callFrame.functionName;
  byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + n.hitCount);
}
// Sampled every 200 µs of wall time: hits × 200 / requests ≈ µs per request (idle included).
const perRequest = (hits: number) => (hits * 200) / r.requests.total;
const show = (m: Map<string, number>, k: number) =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, k).forEach(([name, hits]) => console.log(`${((100 * hits) / total).toFixed(1).padStart(5)} % ${perRequest(hits).toFixed(1).padStart(6)} µs  ${name}`));
console.log(`${total} samples in the measured window, ${r.requests.total} requests: ${perRequest(total).toFixed(0)} µs of wall time per request`);
console.log('\nBy package / folder:');
show(byPkg, 25);
console.log('\nSelf time:');
show(self, Number(values.top));
console.log(`\n${dir}/${file}`);
