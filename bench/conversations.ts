// Conversation benchmark (issue 20, point 7): the inbox and a conversation page of 100 messages
// against a topic page, all signed in (the conversation pages are never for visitors, so the
// topic page is measured signed in too: every view rendered), in one run, with many messages in
// the database.
//
//   node --import tsx bench/conversations.ts [--database file:./data/bench-conv.db] [--messages 1000000]
//        [--connections 20] [--duration 8] [--warmup 2] [--rounds 2]
//
// The database is filled once (kept between runs): a board with a topic of 20 replies (one full
// page), 1,000 members, a 100-message conversation between two of them, an inbox of 60
// conversations for the reader, and filler conversations up to --messages messages in all. The
// server runs in a child process (bench/serve-parley.ts, production mode, cache off), autocannon
// in this one; the rows are measured in turn, topic page before and after the others, and each
// row's cost is compared with the mean topic-page rate around it.
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { sign } from '@fastify/cookie';
import { sql } from 'kysely';
import { installationSecret } from '../src/accounts/installation-secret.ts';
import { SESSION_COOKIE } from '../src/accounts/sessions.ts';
import { openDatabase, redactUrl, type Database } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { renderMarkdown } from '../src/shared/markdown.ts';
import { cpuMillis } from './process-cpu.ts';

const { values } = parseArgs({
  options: {
    database: { type: 'string', default: 'file:./data/bench-conv.db' },
    messages: { type: 'string', default: '1000000' },
    connections: { type: 'string', default: '20' },
    duration: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
  },
});
const TOTAL = Number(values.messages);
const now = () => new Date().toISOString();

async function fill(database: Database): Promise<{ topicPath: string; conversationPath: string; readerId: number }> {
  const db = database.db;
  const existing = await db.selectFrom('settings').select('value').where('key', '=', 'bench_conversations').executeTakeFirst();
  if (existing) return JSON.parse(existing.value);
  const t0 = Date.now();
  const at = now();
  const userRows = Array.from({ length: 1000 }, (_, i) => ({
    username: `bench_user_${i}`, username_lower: `bench_user_${i}`, email: `bench_user_${i}@example.com`, email_lower: `bench_user_${i}@example.com`,
    email_verified_at: at, display_name: `Bench User ${i}`, password_hash: null, bio: '', created_at: '2024-01-01T00:00:00.000Z', deleted_at: null,
    real_name: null, phone: null, customer_number: null, avatar: null,
  }));
  for (let i = 0; i < userRows.length; i += 200) await db.insertInto('users').values(userRows.slice(i, i + 200)).execute();
  const users = (await db.selectFrom('users').select('id').where('username', 'like', 'bench_user_%').orderBy('id').execute()).map((u) => u.id);
  const [reader, other] = [users[0]!, users[1]!];
  const { id: boardId } = await db.insertInto('boards').values({ slug: 'bench', name: 'Bench', description: '', position: 1, visibility: 'public', last_post_at: at, last_topic_id: null, created_at: at }).returning('id').executeTakeFirstOrThrow();
  const { id: topicId } = await db
    .insertInto('topics')
    .values({ board_id: boardId, user_id: other, kind: 'question', title: 'Router drops the connection every evening', slug: 'router-drops-the-connection-every-evening', solved_post_id: null, post_count: 21, last_post_at: at, last_post_user_id: other, created_at: at, deleted_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const text = (i: number) => `Reply ${i}: I had the same with **my router** after the update; [this page](https://status.example.com) helped. Restarting twice and waiting a minute fixed it for a while.`;
  await db.insertInto('posts').values(Array.from({ length: 21 }, (_, i) => ({ topic_id: topicId, user_id: users[i % 50]!, post_number: i + 1, body_markdown: text(i), body_html: renderMarkdown(text(i)), body_text: text(i), created_at: at, updated_at: null, deleted_at: null }))).execute();

  // Conversations: the reader's 100-message one, 59 more in the reader's inbox, fillers for the rest.
  let made = 0;
  let convSeq = 0;
  const html = (i: number) => renderMarkdown(text(i));
  const htmlCache = Array.from({ length: 20 }, (_, i) => html(i));
  const addConversations = async (count: number, perConversation: number, people: (k: number) => [number, number]) => {
    // In transactions of ~20,000 messages: fast on SQLite, fine on PostgreSQL.
    const batch = Math.max(1, Math.floor(20_000 / perConversation));
    for (let start = 0; start < count; start += batch) {
      await db.transaction().execute(async (tx) => {
        for (let k = start; k < Math.min(count, start + batch); k++) {
          const [a, b] = people(k);
          const base = Date.parse('2026-06-01T00:00:00.000Z') + convSeq++ * 60_000;
          const last = new Date(base + perConversation * 1000).toISOString();
          const { id } = await tx.insertInto('conversations').values({ subject: `Conversation ${convSeq}`, created_by: a, topic_id: null, summary_post_id: null, reported_at: null, message_count: perConversation, last_message_at: last, created_at: new Date(base).toISOString() }).returning('id').executeTakeFirstOrThrow();
          const rows = Array.from({ length: perConversation }, (_, i) => ({ conversation_id: id, user_id: i % 2 ? b : a, body_markdown: text(i % 20), body_html: htmlCache[i % 20]!, created_at: new Date(base + i * 1000).toISOString() }));
          for (let i = 0; i < rows.length; i += 100) await tx.insertInto('conversation_messages').values(rows.slice(i, i + 100)).execute();
          const lastId = (await tx.selectFrom('conversation_messages').select((eb) => eb.fn.max('id').as('m')).where('conversation_id', '=', id).executeTakeFirstOrThrow()).m;
          await tx.updateTable('conversations').set({ last_message_id: Number(lastId) }).where('id', '=', id).execute();
          await tx.insertInto('conversation_participants').values([a, b].map((user_id, j) => ({ conversation_id: id, user_id, last_read_message_id: j === 0 ? Number(lastId) : 0, muted: 0, left_at: null, joined_at: new Date(base).toISOString() }))).execute();
          made += perConversation;
        }
      });
      if (start % (batch * 10) === 0) process.stderr.write(`\r  filling: ${made.toLocaleString('en-GB')} messages`);
    }
  };
  await addConversations(1, 100, () => [reader, other]);
  const conversationId = (await db.selectFrom('conversations').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
  await addConversations(59, 20, (k) => [reader, users[2 + (k % 900)]!]);
  const rest = Math.max(0, TOTAL - made);
  await addConversations(Math.ceil(rest / 20), 20, (k) => [users[2 + (k % 998)]!, users[2 + ((k * 7 + 1) % 998)]!]);
  process.stderr.write(`\r  filled ${made.toLocaleString('en-GB')} messages in ${Math.round((Date.now() - t0) / 1000)} s\n`);
  const info = { topicPath: `/t/router-drops-the-connection-every-evening/${topicId}`, conversationPath: `/messages/${conversationId}`, readerId: reader };
  await db.insertInto('settings').values({ key: 'bench_conversations', value: JSON.stringify(info) }).execute();
  return info;
}

function run(port: number, path: string, cookie: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: Number(values.connections), duration: seconds, headers: { accept: 'text/html', cookie } });
}

async function main(): Promise<void> {
  const database = await openDatabase(values.database!);
  await migrateToLatest(database);
  const info = await fill(database);
  const count = Number((await database.db.selectFrom('conversation_messages').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  // A session for the reader, signed as the server signs its cookie.
  const token = createHash('sha256').update(`bench-${Date.now()}`).digest('base64url');
  await database.db.insertInto('sessions').values({ id: createHash('sha256').update(token).digest('hex'), user_id: info.readerId, created_at: now(), expires_at: new Date(Date.now() + 86_400_000).toISOString() }).execute();
  const secret = await installationSecret(database.db, process.env.SECRET_KEY);
  const cookie = `${SESSION_COOKIE}=${encodeURIComponent(sign(token, secret))}`;
  if (database.dialect === 'sqlite') await sql`pragma wal_checkpoint(truncate)`.execute(database.db).catch(() => {});
  await database.close();

  const child = fork(fileURLToPath(new URL('./serve-parley.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, DATABASE_URL: values.database, ANON_CACHE_SECONDS: '0' } });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port?: number }) => resolve(m.port!));
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  try {
    for (const path of [info.topicPath, '/messages', info.conversationPath]) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { cookie } });
      const body = await res.text();
      if (res.status !== 200 || !body.includes('Bench User 0')) throw new Error(`${path}: ${res.status}, not signed in or not rendered`);
      if (path === info.conversationPath && (body.match(/<li class="message/g) ?? []).length !== 100) throw new Error('the conversation page does not show 100 messages');
    }
    const duration = Number(values.duration);
    const rows: Array<{ name: string; rps: number; p50: number; p99: number; bad: number; cpu: number | null }> = [];
    const measure = async (name: string, path: string) => {
      await run(port, path, cookie, Number(values.warmup));
      const cpuBefore = cpuMillis(child.pid);
      const r = await run(port, path, cookie, duration);
      const cpuAfter = cpuMillis(child.pid);
      const cpu = cpuBefore !== null && cpuAfter !== null && r.requests.total ? ((cpuAfter - cpuBefore) * 1000) / r.requests.total : null;
      rows.push({ name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad: r.non2xx + r.errors + r.timeouts, cpu });
      process.stderr.write(`  ${name}: ${Math.round(r.requests.average)} req/s\n`);
    };
    // The server keeps getting faster for a while after it starts (JIT, SQLite's page cache):
    // every page is warmed up first, then the rows alternate, topic page around each other row.
    for (const path of [info.topicPath, '/messages', info.conversationPath]) await run(port, path, cookie, 3 * Number(values.warmup));
    const topicRow = 'topic page (20 replies), signed in';
    await measure(topicRow, info.topicPath);
    for (let round = 0; round < Number(values.rounds); round++) {
      await measure('inbox (30 of 60 conversations)', '/messages');
      await measure(topicRow, info.topicPath);
      await measure('conversation page (100 messages)', info.conversationPath);
      await measure(topicRow, info.topicPath);
    }
    const topicAround = (i: number) => (rows[i - 1]!.rps + rows[i + 1]!.rps) / 2;
    console.log(`\nConversations vs topic page, ${values.connections} connections, ${duration} s each, Node ${process.version}, ${cpus().length} CPUs, ${redactUrl(values.database!)}, ${count.toLocaleString('en-GB')} messages in the database.\n`);
    // Two measures of cost: requests/s (what a visitor feels, but on a shared machine other work
    // moves it by a factor of two within a minute) and the server's CPU time per request (steadier).
    const cpuAround = (i: number) => (rows[i - 1]!.cpu! + rows[i + 1]!.cpu!) / 2;
    console.log('| Page | Requests/s | p50 (ms) | p99 (ms) | Errors / non-2xx | Server CPU per request (µs) | Cost vs topic page around it: by req/s | by CPU |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    rows.forEach((r, i) => console.log(`| ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.bad} | ${r.cpu === null ? 'n/a' : Math.round(r.cpu)} | ${r.name === topicRow ? '—' : `${(topicAround(i) / r.rps).toFixed(2)}×`} | ${r.name === topicRow || r.cpu === null ? '—' : `${(r.cpu / cpuAround(i)).toFixed(2)}×`} |`));
    // Cost ratio per page: the mean over the rounds of (topic rate around it / its rate).
    const verdict = (name: string, by: 'rps' | 'cpu') => {
      const ratios = rows.map((r, i) => (r.name !== name ? null : by === 'rps' ? topicAround(i) / r.rps : r.cpu === null ? null : r.cpu / cpuAround(i))).filter((x): x is number => x !== null);
      if (!ratios.length) return 'n/a';
      const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
      return `${mean.toFixed(2)}× (rounds: ${ratios.map((x) => x.toFixed(2)).join(', ')}) ${mean <= 2 ? 'met' : 'MISSED'}`;
    };
    console.log('\nTarget: at most 2× the cost of a topic page.');
    for (const name of ['inbox (30 of 60 conversations)', 'conversation page (100 messages)']) console.log(`${name}: by requests/s ${verdict(name, 'rps')}; by server CPU per request ${verdict(name, 'cpu')}.`);
    if (rows.some((r) => r.bad)) process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
  }
}

await main();
