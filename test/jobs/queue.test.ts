// The job queue (src/jobs): a job sent once runs once, whichever server's queue is asked and
// however many servers work on it; a failing job is retried after a pause, then succeeds; a
// scheduled job runs at most once per slot across servers. On PostgreSQL (pg-boss) with two
// queues on one database, as two servers have; on SQLite the one-machine queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { startJobQueue, type JobQueue } from '../../src/jobs/queue.ts';

const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;
const until = async (what: string, ok: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

for (const kind of testDatabaseKinds()) {
  test(`${kind.name}: once across servers, retried with a pause after a failure, scheduled once per slot`, { timeout: 60_000 }, async () => {
    const database = await kind.open();
    const queues: JobQueue[] = [];
    try {
      // Two "servers" on PostgreSQL; one machine's queue on SQLite.
      const servers = kind.name === 'postgres' ? 2 : 1;
      for (let i = 0; i < servers; i++) queues.push(await startJobQueue(database, log, { firstWorker: true, connectionString: database.url }));
      assert.equal(queues[0]!.kind, kind.name === 'postgres' ? 'pg-boss' : 'local');

      const ran: string[] = [];
      for (const [i, q] of queues.entries()) await q.work<{ n: number }>('greet', async (d) => void ran.push(`${i}:${d.n}`));
      await queues.at(-1)!.send('greet', { n: 7 });
      await until('the job ran', () => ran.length === 1);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(ran.length, 1, `ran once, not on every server: ${ran.join(', ')}`);
      assert.match(ran[0]!, /^\d:7$/);

      // Fails twice (an SMTP server away), then works: delayed, not lost.
      let tries = 0;
      const times: number[] = [];
      for (const q of queues) {
        await q.work('flaky', async () => {
          times.push(Date.now());
          if (++tries < 3) throw new Error('smtp down');
        });
      }
      await queues[0]!.send('flaky', {}, { retryLimit: 3, retryDelaySeconds: 1 });
      await until('the third try', () => tries === 3, 30_000);
      assert.ok(times[1]! - times[0]! >= 900, 'a pause before the retry');
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(tries, 3, 'no more tries after the success');

      // Scheduled every 2 s on every server: at most one run per 2-second slot in all.
      let runs = 0;
      for (const q of queues) await q.work('tick', async () => void runs++);
      const started = Date.now();
      for (const q of queues) await q.schedule('tick', { seconds: 2 });
      await until('a scheduled run', () => runs >= 1);
      await new Promise((r) => setTimeout(r, 4000));
      const slots = Math.ceil((Date.now() - started) / 2000) + 1;
      assert.ok(runs >= 1 && runs <= slots, `${runs} runs in ${slots} slots`);
    } finally {
      for (const q of queues) await q.stop();
      await database.drop();
    }
  });
}
