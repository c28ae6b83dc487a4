// Upgrading leaves no dead jobs: kinds an older Parley queued and this one has no code for
// ('mention-emails' and 'mention-email', before mentions went through the notification pipeline)
// are removed when the queue starts on PostgreSQL, their waiting jobs with them, while other
// queues keep theirs; neither queue accepts such a job again. On SQLite nothing outlives the
// process, and the one-machine queue does not keep a job of a retired kind (it would be retried
// every second for ever, no worker ever coming).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import PgBoss from 'pg-boss';
import { pino } from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { testDatabaseKinds } from '../helpers/databases.ts';
import { startJobQueue, type JobQueue } from '../../src/jobs/queue.ts';
import { jobsSchemaFor } from '../../src/jobs/pg-boss-queue.ts';
import { RETIRED_JOBS } from '../../src/jobs/retired-jobs.ts';

const log = pino({ level: process.env.LOG ?? 'silent' }) as unknown as FastifyBaseLogger;
const RETIRED = ['mention-emails', 'mention-email'];

test('the removed mention e-mail jobs are retired kinds', () => {
  for (const name of RETIRED) assert.ok(name in RETIRED_JOBS, name);
});

for (const kind of testDatabaseKinds()) {
  test(`${kind.name}: jobs of retired kinds left by an older version are removed at start; other jobs stay`, { timeout: 90_000 }, async () => {
    const database = await kind.open();
    let queue: JobQueue | null = null;
    try {
      if (kind.name === 'postgres') {
        // What an upgraded database holds: the queues and waiting jobs the older version sent.
        const schema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db)).rows[0]!.schema;
        const old = new PgBoss({ connectionString: database.url, schema: jobsSchemaFor(schema), max: 2 });
        old.on('error', () => {});
        await old.start();
        for (const name of [...RETIRED, 'still-wanted']) await old.createQueue(name);
        await old.send('mention-emails', { postId: 1 });
        await old.send('mention-email', { postId: 1, userId: 2 });
        await old.send('mention-email', { postId: 1, userId: 3 });
        await old.send('still-wanted', { n: 1 });
        assert.equal(await old.getQueueSize('mention-email'), 2);
        await old.stop({ graceful: false, wait: true });

        queue = await startJobQueue(database, log, { firstWorker: true, connectionString: database.url });
        assert.equal(queue.kind, 'pg-boss');
        const jobsSchema = jobsSchemaFor(schema);
        const queues = async () => (await sql<{ name: string }>`select name from ${sql.table(`${jobsSchema}.queue`)} order by name`.execute(database.db)).rows.map((r) => r.name);
        const end = Date.now() + 30_000;
        while ((await queues()).some((n) => RETIRED.includes(n))) {
          if (Date.now() > end) assert.fail(`retired queues still there: ${(await queues()).join(', ')}`);
          await new Promise((r) => setTimeout(r, 200));
        }
        const waiting = (await sql<{ n: string }>`select count(*) as n from ${sql.table(`${jobsSchema}.job`)} where name in ('mention-emails', 'mention-email')`.execute(database.db)).rows[0]!;
        assert.equal(Number(waiting.n), 0, 'no job of a retired kind is left');
        assert.ok((await queues()).includes('still-wanted'), 'other queues are left alone');
        assert.equal(await queue.pending('still-wanted'), 1, 'with their jobs');
      } else {
        queue = await startJobQueue(database, log, { firstWorker: true });
        assert.equal(queue.kind, 'local');
      }
      // A retired kind is not queued again (an older server in a rolling upgrade may still send one).
      for (const name of RETIRED) await queue.send(name, { postId: 1 });
      for (const name of RETIRED) assert.equal(await queue.pending(name), 0, name);
    } finally {
      await queue?.stop();
      await database.drop();
    }
  });
}
