// The benchmark's denominator: Fastify's bare hello-world, as in Fastify's own benchmarks.
// Started by bench/pages.ts in a child process; reports its port over IPC. WORKERS=N (for a
// reference row only) runs N such processes on one port with Node's cluster, as Parley's do.
import cluster from 'node:cluster';
import Fastify from 'fastify';

const workers = Number(process.env.WORKERS ?? 1);
if (cluster.isPrimary && workers > 1) {
  let listening = 0;
  for (let i = 0; i < workers; i++) {
    cluster.fork().on('message', (m: { port?: number }) => {
      if (m.port && ++listening === workers) process.send?.({ port: m.port });
    });
  }
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
    process.exit(0);
  });
} else {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ hello: 'world' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}
