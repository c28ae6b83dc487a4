// The job queue of one machine on SQLite (see src/jobs/queue.ts): jobs run in this process, with
// the same retries and backoff as pg-boss; scheduled ones only in the first worker of a clustered
// server, so that each runs once. Jobs sent and not yet run are lost if the process stops: the
// jobs Parley runs keep their state in the database and are offered again by their schedule.
import type { FastifyBaseLogger } from 'fastify';
import { countFailure, KEY_MEMORY_SECONDS, RETRY_DEFAULTS, type JobHandler, type JobQueue } from './queue.ts';
import { isRetiredJob } from './retired-jobs.ts';

export function localQueue(log: FastifyBaseLogger, opts: { runSchedules: boolean }): JobQueue {
  const handlers = new Map<string, JobHandler>();
  const waiting = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => (timers.delete(t), fn()), ms);
    t.unref();
    timers.add(t);
  };
  const run = (name: string, data: unknown, retriesLeft: number, delayMs: number) => {
    if (stopped) return;
    const handler = handlers.get(name);
    if (!handler) return later(() => run(name, data, retriesLeft, delayMs), 1000);
    const p = handler(data)
      .then(
        () => undefined,
        (err: Error) => {
          countFailure(name);
          log.warn({ err: { message: err.message }, job: name, retriesLeft }, 'job failed');
          if (retriesLeft > 0) later(() => run(name, data, retriesLeft - 1, delayMs * 2), delayMs);
        },
      )
      .finally(() => {
        running.delete(p);
        waiting.set(name, (waiting.get(name) ?? 1) - 1);
      });
    running.add(p);
  };
  const busy = new Set<string>();
  const keys = new Map<string, number>(); // key → until when it is remembered
  return {
    kind: 'local',
    names: () => [...handlers.keys()],
    async send(name, data, o = {}) {
      // A job with no worker yet waits for one (workers attach during start-up), retried each
      // second; one of a retired kind never gets a worker, so it is not kept (src/jobs/retired-jobs.ts).
      if (isRetiredJob(name)) return log.warn({ job: name }, 'a job of a retired kind was not queued');
      const key = o.key ? `${name}\u0000${o.key}` : null;
      const now = Date.now();
      if (key && (keys.get(key) ?? 0) > now) return;
      if (key) {
        if (keys.size > 10_000) for (const [k, until] of keys) if (until <= now) keys.delete(k);
        keys.set(key, now + KEY_MEMORY_SECONDS * 1000);
      }
      waiting.set(name, (waiting.get(name) ?? 0) + 1);
      later(() => run(name, data, o.retryLimit ?? RETRY_DEFAULTS.retryLimit, (o.retryDelaySeconds ?? RETRY_DEFAULTS.retryDelaySeconds) * 1000), (o.startAfterSeconds ?? 0) * 1000);
    },
    async work(name, handler) {
      handlers.set(name, handler as JobHandler);
    },
    async schedule(name, every) {
      if (!opts.runSchedules) return;
      // A run still going when the next is due is not doubled.
      const tick = () => {
        if (busy.has(name) || stopped) return;
        const handler = handlers.get(name);
        if (!handler) return;
        busy.add(name);
        const p = handler(null)
          .catch((err: Error) => (countFailure(name), log.warn({ err: { message: err.message }, job: name }, 'job failed')))
          .finally(() => (busy.delete(name), running.delete(p)));
        running.add(p);
      };
      later(tick, 0);
      const t = setInterval(tick, every.seconds * 1000);
      t.unref();
      timers.add(t);
    },
    async pending(name) {
      return Math.max(0, waiting.get(name) ?? 0);
    },
    async stop() {
      stopped = true;
      for (const t of timers) (clearTimeout(t), clearInterval(t));
      await Promise.allSettled([...running]);
    },
  };
}
