// Background and scheduled jobs (issue 15): one small interface, so that each part says what
// it runs and how often, and the queue decides where. Each job runs once across the fleet.
// - PostgreSQL: pg-boss (src/jobs/pg-boss-queue.ts). Jobs live in the same database as the data
//   (a schema of their own), so a Redis outage never stalls or loses mail, pending jobs are in
//   the backups, and FOR UPDATE SKIP LOCKED hands each job to one server only.
// - SQLite (one machine): in this process, scheduled work only in the first worker
//   (src/jobs/local-queue.ts). The jobs Parley runs keep their own state in the database (a
//   notification's e-mail is claimed, retried and marked sent in its row), so nothing is lost
//   at a restart; what the queue adds is "once", and one machine gives that.
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../db/database.ts';
import { localQueue } from './local-queue.ts';
import { pgBossQueue } from './pg-boss-queue.ts';

export interface SendOptions {
  /** Tries after the first failure (default 5), waiting retryDelaySeconds (default 30), doubled each time. */
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** Run no sooner than this many seconds from now. */
  startAfterSeconds?: number;
  /** Once per key: sending a job with the same name and key again within KEY_MEMORY_SECONDS does nothing. */
  key?: string;
}

/** How often a scheduled job runs: every so many seconds, counted in fixed slots (at most one job per slot across the fleet). */
export interface Every {
  seconds: number;
}

export type JobHandler<T = unknown> = (data: T) => Promise<void>;

export interface JobQueue {
  readonly kind: 'pg-boss' | 'local';
  send<T extends object | null>(name: string, data: T, opts?: SendOptions): Promise<void>;
  work<T>(name: string, handler: JobHandler<T>): Promise<void>;
  schedule(name: string, every: Every): Promise<void>;
  /** Jobs waiting or running (for /metrics and tests). */
  pending(name: string): Promise<number>;
  /** The names this server works on. */
  names(): string[];
  stop(): Promise<void>;
}

/** Counts for /metrics: jobs that failed (each try), by name. Both queues report here. */
export const jobFailures = new Map<string, number>();
export function countFailure(name: string): void {
  jobFailures.set(name, (jobFailures.get(name) ?? 0) + 1);
}

export const KEY_MEMORY_SECONDS = 86_400;
export const RETRY_DEFAULTS = { retryLimit: 5, retryDelaySeconds: 30 } as const;

export async function startJobQueue(database: Database, log: FastifyBaseLogger, opts: { firstWorker: boolean; connectionString?: string }): Promise<JobQueue> {
  if (database.dialect === 'postgres' && opts.connectionString) return pgBossQueue(opts.connectionString, database, log);
  return localQueue(log, { runSchedules: opts.firstWorker });
}
