// Job kinds an older Parley queued and this one no longer runs. Left alone they would wait in
// pg-boss's tables for ever (no server works on them: pg-boss archives an unclaimed job only after
// its 14-day retention, and keeps the queue itself), counted as pending, after every upgrade.
// Each server retires them at start: their waiting jobs, then their queue, are deleted through
// pg-boss's own API (not its tables, which change between its versions). What they would have
// done is done another way now, so dropping them loses nothing. A kind goes on this list when
// the code that worked on it is removed; a name here must never be reused.
import type PgBoss from 'pg-boss';
import type { FastifyBaseLogger } from 'fastify';

export const RETIRED_JOBS: Readonly<Record<string, string>> = {
  // Removed with notify-mentions.ts: mentions are in-app notifications written with the post, and
  // e-mailed by the notification sweep (src/notifications/send-notification-emails.ts).
  'mention-emails': 'mentions go through the notification pipeline',
  'mention-email': 'mentions go through the notification pipeline',
};

export const isRetiredJob = (name: string): boolean => Object.hasOwn(RETIRED_JOBS, name);

/** Drops the waiting jobs of retired kinds, then their queues; returns how many jobs were dropped, by kind. */
export async function dropRetiredQueues(boss: PgBoss, log: FastifyBaseLogger): Promise<Record<string, number>> {
  const dropped: Record<string, number> = {};
  for (const name of Object.keys(RETIRED_JOBS)) {
    try {
      if (!(await boss.getQueue(name))) continue;
      const waiting = await boss.getQueueSize(name);
      // Waiting and retrying jobs first: pg-boss refuses to delete a queue that still holds jobs.
      await boss.purgeQueue(name);
      dropped[name] = waiting;
      log.info({ job: name, dropped: waiting, why: RETIRED_JOBS[name] }, 'dropped the waiting jobs of a retired job kind');
    } catch (err) {
      log.warn({ err: { message: (err as Error).message }, job: name }, 'could not drop the jobs of a retired job kind');
      continue;
    }
    try {
      await boss.deleteQueue(name);
    } catch {
      // Jobs finished or running (an older server's) keep the empty queue until pg-boss archives
      // them (two days: pg-boss-queue.ts), or another server starting now deleted it first: a
      // later start removes what is left. Nothing waits in it meanwhile.
    }
  }
  return dropped;
}
