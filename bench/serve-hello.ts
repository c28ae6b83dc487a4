// The benchmark's denominator: Fastify's bare hello-world, as in Fastify's own benchmarks.
// Started by bench/pages.ts in a child process; reports its port over IPC.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
