// The job queue on PostgreSQL: pg-boss 10 (maintained, Node ≥ 20). Its tables live in a schema of
// their own beside Parley's (parley_jobs, or <schema>_jobs when Parley uses another schema), so
// they come with pg_dump. Scheduled jobs are throttled sends: each server offers one per slot of
// `every` seconds, pg-boss keeps only the first (singleton per slot), and one server runs it.
import PgBoss from 'pg-boss';
import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.ts';
import { countFailure, KEY_MEMORY_SECONDS, RETRY_DEFAULTS, type JobQueue } from './queue.ts';
import { dropRetiredQueues, isRetiredJob } from './retired-jobs.ts';

/** The schema pg-boss uses for a database whose Parley schema is `schema`. */
export const jobsSchemaFor = (schema: string) => (schema === 'public' ? 'parley_jobs' : `${schema}_jobs`);

export async function pgBossQueue(connectionString: string, database: Database, log: FastifyBaseLogger): Promise<JobQueue> {
  const schema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db)).rows[0]!.schema;
  // Finished jobs are kept two days (a daily job's slot must fit within that).
  const boss = new PgBoss({ connectionString, schema: jobsSchemaFor(schema), max: 3, application_name: 'parley-jobs', archiveCompletedAfterSeconds: 2 * 86_400 });
  // Connection errors while PostgreSQL restarts: pg-boss retries by itself; a line each, not a crash.
  boss.on('error', (err: Error) => log.warn({ err: { message: err.message } }, 'job queue error'));
  // Several servers (or workers) starting at once race to create pg-boss's schema and queues;
  // the loser of a deadlock tries again. The server does not wait for it to listen: workers and
  // schedules attach once pg-boss is ready (a first start creates its tables, a few seconds).
  const started = retried(() => boss.start());
  started.catch((err: Error) => log.error({ err: { message: err.message } }, 'the job queue could not start'));
  // Jobs of kinds an older version queued and no code works on any more: removed once started.
  const retired = started.then(() => dropRetiredQueues(boss, log));
  retired.catch(() => {});
  const queues = new Set<string>();
  const later = (what: string, fn: () => Promise<unknown>) => void fn().catch((err: Error) => log.error({ err: { message: err.message }, job: what }, 'the job queue could not attach a worker or schedule'));
  const timers: NodeJS.Timeout[] = [];
  const ensure = async (name: string) => {
    await started;
    if (queues.has(name)) return;
    await retried(() => boss.createQueue(name, { name, retryLimit: RETRY_DEFAULTS.retryLimit, retryDelay: RETRY_DEFAULTS.retryDelaySeconds, retryBackoff: true }));
    queues.add(name);
  };
  let stopped = false;
  const worked = new Set<string>();
  const schedule = async (name: string, every: { seconds: number }) => {
    await ensure(name);
    if (stopped) return;
    const offer = () =>
      boss.sendThrottled(name, {}, { retryLimit: 0 }, every.seconds, name).catch((err: Error) => log.warn({ err: { message: err.message }, job: name }, 'could not schedule a job'));
    await offer();
    // Offered a few times per slot, so that a slot is not missed by timer drift.
    const t = setInterval(() => void offer(), Math.max(1000, Math.min(every.seconds * 1000, 60_000) / 2));
    t.unref();
    timers.push(t);
  };
  return {
    kind: 'pg-boss',
    async send(name, data, opts = {}) {
      // Nothing here sends one; a stray send must not create its queue again.
      if (isRetiredJob(name)) return log.warn({ job: name }, 'a job of a retired kind was not queued');
      await ensure(name);
      await boss.send(name, data ?? {}, {
        retryLimit: opts.retryLimit ?? RETRY_DEFAULTS.retryLimit,
        retryDelay: opts.retryDelaySeconds ?? RETRY_DEFAULTS.retryDelaySeconds,
        retryBackoff: true,
        ...(opts.startAfterSeconds ? { startAfter: opts.startAfterSeconds } : {}),
        // pg-boss keeps one job per key and time slot (its singleton index).
        ...(opts.key ? { singletonKey: opts.key, singletonSeconds: KEY_MEMORY_SECONDS } : {}),
      });
    },
    names: () => [...worked],
    async work(name, handler) {
      worked.add(name);
      later(name, async () => {
        await ensure(name);
        // One job at a time per server; polled every second (pg-boss's default is 2 s).
        await boss.work(name, { batchSize: 1, pollingIntervalSeconds: 1 }, async (jobs) => {
          for (const job of jobs) {
            try {
              await handler(job.data as never);
            } catch (err) {
              countFailure(name);
              log.warn({ err: { message: (err as Error).message }, job: name }, 'job failed; pg-boss retries it later');
              throw err;
            }
          }
        });
      });
    },
    async schedule(name, every) {
      later(name, () => schedule(name, every));
    },
    async pending(name) {
      if (isRetiredJob(name)) {
        await retired.catch(() => {});
        return (await started.then(() => boss.getQueue(name))) ? boss.getQueueSize(name) : 0;
      }
      await ensure(name);
      return boss.getQueueSize(name);
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      // Running jobs get a few seconds to finish; the rest wait in the database for the next
      // server. Bounded: a start still under way (or a stuck connection) never holds up shutdown.
      const stopping = started.then(() => boss.stop({ graceful: true, timeout: 3000, wait: true }));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([stopping.catch(() => {}), new Promise((r) => (timer = setTimeout(r, 8000)))]);
      clearTimeout(timer);
    },
  };
}

async function retried<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const code = (err as { code?: string }).code;
      // deadlock, unique violation (a queue created meanwhile), serialization failure
      if (attempt >= 5 || !['40P01', '23505', '40001'].includes(code ?? '')) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 400 * attempt));
    }
  }
}
