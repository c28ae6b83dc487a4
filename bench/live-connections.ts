// Memory of open live-update streams: the server's resident memory before and after N clients
// hold /live?topic=… open (server-sent events), in a child process as bench/pages.ts runs it.
//
//   node --import tsx bench/live-connections.ts --database file:./data/bench.db [--connections 1000]
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { database: { type: 'string', default: 'file:./data/bench.db' }, connections: { type: 'string', default: '1000' } } });
const n = Number(values.connections);
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

const child = fork(fileURLToPath(new URL('./serve-parley.ts', import.meta.url)), [], {
  execArgv: ['--import', 'tsx'],
  env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: values.database },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
// Warm up the route once, then settle.
await new Promise<void>((resolve) => request({ port, path: '/live?topic=1' }, (res) => (res.once('data', () => (res.destroy(), resolve())))).end());
await new Promise((r) => setTimeout(r, 1000));
const before = rssMb(child.pid!);
const open: import('node:http').ClientRequest[] = [];
await Promise.all(Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
  const req = request({ port, path: '/live?topic=1', agent: false }, (res) => {
    if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
    res.once('data', () => resolve());
  });
  req.on('error', reject);
  req.end();
  open.push(req);
})));
await new Promise((r) => setTimeout(r, 2000));
const after = rssMb(child.pid!);
console.log(`${n} open live streams: server RSS ${before.toFixed(1)} → ${after.toFixed(1)} MB (+${(after - before).toFixed(1)} MB, ${(((after - before) * 1024) / n).toFixed(1)} KB each)`);
for (const r of open) r.destroy();
child.kill('SIGTERM');
process.exit(0);
